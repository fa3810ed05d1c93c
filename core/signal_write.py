"""Writing « Signal Logement » reports as new cases, in bulk inserts per table.

Each import records, per field, a fingerprint of the value it wrote: a later
import (core.signal_merge) changes only the fields whose value still matches it,
that is, the fields nobody edited here since.
"""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from core import signal_logement as sl
from core.actor import Actor
from core.scoring import recompute_criticality
from core.signal_rows import Report
from db import models as m
from db.base import now
from db.search import fold, reindex_cases
from db.sequences import take_reference_number
from db.upsert import LANDLORD_CREATION_LOCK, serialise_step


def fingerprint(value) -> str:
    """Short, stable across runs (unlike hash()), and not the value itself (no personal data kept)."""
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=8).hexdigest()


class References:
    """Our human references (2026-00042): the year's counter taken once (db.sequences), then numbered here.

    The counter row stays locked by this transaction on PostgreSQL, so other seats creating a case wait for
    the import instead of taking the same numbers; `close` leaves it at the last number given out.
    """

    def __init__(self, session: Session):
        self.session = session
        self.last: dict[int, int] = {}

    def next(self, year: int) -> str:
        if year not in self.last:
            last = self.session.scalar(select(func.max(m.Case.reference))
                                       .where(m.Case.reference >= f"{year}-", m.Case.reference < f"{year}-a"))
            used = int(last[5:]) if last and last[5:].isdigit() else 0
            self.last[year] = take_reference_number(self.session, year, at_least=used) - 1
        self.last[year] += 1
        return f"{year}-{self.last[year]:05d}"

    def close(self) -> None:
        table = m.ReferenceCounter.__table__
        for year, last in self.last.items():
            self.session.execute(update(table).where(table.c.year == year).values(last_number=last))


class Landlords:
    """Landlords matched by name (accents and case ignored), created once when unknown (written at the next flush).

    Other seats importing at the same moment wait for this transaction before matching theirs (db.upsert),
    so two imports naming the same new landlord create it once.
    """

    def __init__(self, session: Session):
        self.session = session
        serialise_step(session, LANDLORD_CREATION_LOCK)
        self.known: dict[str, m.Partner] = {fold(p.name): p for p in session.scalars(select(m.Partner))}

    def resolve(self, dwelling: dict) -> tuple[dict, m.Partner | None, str | None]:
        """The dwelling's values, the landlord to link it to (if named), and its name when created just now."""
        dwelling = dict(dwelling)
        new = dwelling.pop("new_landlord", None)
        if not new:
            return dwelling, None, None
        key = fold(new[0])
        created = key not in self.known
        if created:
            self.known[key] = m.Partner(name=new[0], partner_type=new[1])
            self.session.add(self.known[key])
        return dwelling, self.known[key], new[0] if created else None


def tracked_values(report: Report, dwelling: dict) -> dict[str, object]:
    """The values an import owns, by field: 'household.phone', 'case.status' (status, closed, reason)..."""
    case = report.row.case
    values = {f"household.{k}": v for k, v in report.row.household.items() if report.has(k)}
    values |= {f"dwelling.{k}": v for k, v in dwelling.items() if report.has(k)}
    values |= {f"case.{k}": case[k] for k in ("source", "opened_on", "summary") if k in case and report.has(k)}
    if report.has("status"):
        values["case.status"] = (case.get("status"), case.get("closed_on"), case.get("closure_reason"))
    return values


def create_cases(session: Session, actor: Actor, reports: list[Report],
                 created_landlords: list[str]) -> list[tuple[int, str]]:
    """New cases, written as bulk inserts per table (10,000 reports in seconds, not minutes of ORM flushes)."""
    references, landlords, stamp = References(session), Landlords(session), now()
    dwellings, partners = [], []
    for report in reports:
        dwelling, landlord, created = landlords.resolve(report.row.dwelling)
        if created:
            created_landlords.append(created)
        dwellings.append(dwelling)
        partners.append(landlord)
    session.flush()  # the new landlords get their ids
    for dwelling, landlord in zip(dwellings, partners):
        if landlord is not None:
            dwelling["landlord_id"] = landlord.id
    household_ids = insert_rows(session, m.Household, [r.row.household for r in reports], returning=True)
    dwelling_ids = insert_rows(session, m.Dwelling, dwellings, returning=True)
    case_rows = []
    for report, household_id, dwelling_id in zip(reports, household_ids, dwelling_ids):
        values = {k: v for k, v in report.row.case.items() if k != "reference"}
        case_rows.append(values | {"reference": references.next(values["opened_on"].year),
                                   "household_id": household_id, "dwelling_id": dwelling_id,
                                   "last_activity_at": stamp, "external_source": sl.SOURCE,
                                   "external_reference": report.reference})
    references.close()
    case_ids = insert_rows(session, m.Case, case_rows, returning=True)
    for report, case_id in zip(reports, case_ids):
        report.case_id = case_id
    insert_rows(session, m.CaseKindLink, [{"case_id": r.case_id, "kind_code": k} for r in reports for k in r.row.kinds])
    insert_rows(session, m.CaseObjective, [{"case_id": r.case_id, "objective_id": o}
                                       for r in reports for o in r.row.objectives])
    insert_rows(session, m.CaseDisorder, [disorder_row(r.case_id, i, row["opened_on"])
                                      for r, row in zip(reports, case_rows) for i in r.disorder_ids])
    insert_visits(session, [r for r in reports if r.visit is not None])
    insert_rows(session, m.ExternalRecord, [_external_record(r, d, stamp) for r, d in zip(reports, dwellings)])
    insert_rows(session, m.JournalEntry, [{"case_id": r.case_id, "kind": "note", "text": "\n".join(r.note),
                                       "author_id": actor.user_id, "occurred_at": stamp} for r in reports])
    refresh(session, case_ids)
    return [(row_id, row["reference"]) for row_id, row in zip(case_ids, case_rows)]


def _external_record(report: Report, dwelling: dict, stamp) -> dict:
    """The platform's words on the case, and the fingerprints of what this import wrote."""
    prints = {key: fingerprint(value) for key, value in tracked_values(report, dwelling).items()}
    if report.visit is not None:
        prints["visit"] = fingerprint(report.visit.when)
    return {"case_id": report.case_id, "platform_updated_at": report.updated_at, "imported_at": stamp,
            "unmatched_disorders": "\n".join(report.unmatched_disorders), "last_visit": report.visit_text,
            "fingerprints": json.dumps(prints), **report.platform}


def insert_rows(session: Session, model, rows: list[dict], returning: bool = False) -> list[int]:
    """One bulk INSERT; with returning, the new ids in the order of rows."""
    if not rows:
        return []
    table = model.__table__
    if returning and session.get_bind().dialect.name != "sqlite":
        return list(session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True),
                                    _uniform(model, rows)))
    ids = []
    if returning:
        # The write transaction is IMMEDIATE (the only writer): the ids SQLite would give, without RETURNING,
        # whose ordered form costs more than the insert itself.
        first = (session.scalar(select(func.max(table.c.id))) or 0) + 1
        ids = list(range(first, first + len(rows)))
        rows = [row | {"id": i} for row, i in zip(rows, ids)]
    session.execute(table.insert(), _uniform(model, rows))  # Core executemany: column defaults, no ORM cost
    return ids


def _uniform(model, rows: list[dict]) -> list[dict]:
    """Every row with the same keys (the ones a row leaves out get the column's default), so one statement fits all."""
    keys = set().union(*rows)
    defaults = {}
    for key in keys:
        default = model.__table__.c[key].default
        defaults[key] = default.arg if default is not None and default.is_scalar else None
    return [{key: row.get(key, defaults[key]) for key in keys} for row in rows]


def disorder_row(case_id: int, item_id: int, reported_on) -> dict:
    return {"case_id": case_id, "item_id": item_id, "state": "signale", "reported_on": reported_on,
            "comment": f"Signalé sur la plateforme {sl.PLATFORM}."}


def insert_visits(session: Session, reports: list[Report]) -> None:
    visit_ids = insert_rows(session, m.Visit, [_visit_row(r) for r in reports], returning=True)
    insert_rows(session, m.VisitCase, [{"visit_id": v, "case_id": r.case_id} for r, v in zip(reports, visit_ids)])
    insert_rows(session, m.VisitProcedure, [{"visit_id": v, "case_id": r.case_id, "procedure_code": code}
                                        for r, v in zip(reports, visit_ids) for code in r.visit.procedures])


def _visit_row(report: Report) -> dict:
    visit = report.visit
    done = visit.status in ("realisee", "conclusion_a_renseigner")
    return {"visit_type": sl.rules().defaults["visit_type"], "status": visit.status,
            "occupant_present": visit.occupant_present, "scheduled_at": visit.when,
            "done_at": visit.when if done else None,
            "observations": f"Dernière visite enregistrée sur la plateforme {sl.PLATFORM}. {visit.observations}".strip()}


def refresh(session: Session, case_ids: list[int]) -> None:
    """Criticality and search documents of the cases written (once for a whole import)."""
    session.flush()
    recompute_criticality(session, case_ids)
    reindex_cases(session, case_ids)
