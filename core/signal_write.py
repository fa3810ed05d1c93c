"""Writing « Signal Logement » reports: new cases in batches, known ones merged field by field.

A known report is changed only where the platform has newer data and only in
the fields nobody changed here since the last import: each import records a
fingerprint of the value it wrote; a field whose value no longer matches its
fingerprint was edited by an agent and is kept.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from core import signal_logement as sl
from core.actor import Actor
from core.scoring import recompute_criticality
from core.signal_rows import KEY_COLUMNS, Report
from db import models as m
from db.base import now
from db.search import fold, reindex_cases


def fingerprint(value) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:16]


class References:
    """Our human references (2026-00042), numbered per year without a query per case."""

    def __init__(self, session: Session):
        self.session = session
        self.last: dict[int, int] = {}

    def next(self, year: int) -> str:
        if year not in self.last:
            last = self.session.scalar(select(func.max(m.Case.reference))
                                       .where(m.Case.reference >= f"{year}-", m.Case.reference < f"{year}-a"))
            self.last[year] = int(last[5:]) if last else 0
        self.last[year] += 1
        return f"{year}-{self.last[year]:05d}"


class Landlords:
    """Landlords matched by name (accents and case ignored), created once when unknown (written at the next flush)."""

    def __init__(self, session: Session):
        self.session = session
        self.created: dict[str, m.Partner] = {}

    def resolve(self, dwelling: dict) -> tuple[dict, m.Partner | None, str | None]:
        """The dwelling's values, the new landlord to link it to (if any), and its name when created just now."""
        dwelling = dict(dwelling)
        new = dwelling.pop("new_landlord", None)
        if not new:
            return dwelling, None, None
        key = fold(new[0])
        created = key not in self.created
        if created:
            self.created[key] = m.Partner(name=new[0], partner_type=new[1])
            self.session.add(self.created[key])
        return dwelling, self.created[key], new[0] if created else None


def _tracked(report: Report, dwelling: dict) -> dict[str, object]:
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
    household_ids = _insert(session, m.Household, [r.row.household for r in reports], returning=True)
    dwelling_ids = _insert(session, m.Dwelling, dwellings, returning=True)
    case_rows = []
    for report, household_id, dwelling_id in zip(reports, household_ids, dwelling_ids):
        values = {k: v for k, v in report.row.case.items() if k != "reference"}
        case_rows.append(values | {"reference": references.next(values["opened_on"].year),
                                   "household_id": household_id, "dwelling_id": dwelling_id,
                                   "last_activity_at": stamp, "external_source": sl.SOURCE,
                                   "external_reference": report.reference})
    case_ids = _insert(session, m.Case, case_rows, returning=True)
    for report, case_id in zip(reports, case_ids):
        report.case_id = case_id
    _insert(session, m.CaseKindLink, [{"case_id": r.case_id, "kind_code": k} for r in reports for k in r.row.kinds])
    _insert(session, m.CaseObjective, [{"case_id": r.case_id, "objective_id": o}
                                       for r in reports for o in r.row.objectives])
    _insert(session, m.CaseDisorder, [_disorder(r.case_id, i, row["opened_on"])
                                      for r, row in zip(reports, case_rows) for i in r.disorder_ids])
    _insert_visits(session, [r for r in reports if r.visit is not None])
    records = []
    for report, dwelling in zip(reports, dwellings):
        prints = {key: fingerprint(value) for key, value in _tracked(report, dwelling).items()}
        if report.visit is not None:
            prints["visit"] = fingerprint(report.visit.when)
        records.append({"case_id": report.case_id, "platform_updated_at": report.updated_at, "imported_at": stamp,
                        "unmatched_disorders": "\n".join(report.unmatched_disorders),
                        "last_visit": report.visit_text, "fingerprints": json.dumps(prints), **report.platform})
    _insert(session, m.ExternalRecord, records)
    _insert(session, m.JournalEntry, [{"case_id": r.case_id, "kind": "note", "text": "\n".join(r.note),
                                       "author_id": actor.user_id, "occurred_at": stamp} for r in reports])
    _refresh(session, case_ids)
    return [(row_id, row["reference"]) for row_id, row in zip(case_ids, case_rows)]


def _insert(session: Session, model, rows: list[dict], returning: bool = False) -> list[int]:
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


def _disorder(case_id: int, item_id: int, reported_on) -> dict:
    return {"case_id": case_id, "item_id": item_id, "state": "signale", "reported_on": reported_on,
            "comment": f"Signalé sur la plateforme {sl.PLATFORM}."}


def _insert_visits(session: Session, reports: list[Report]) -> None:
    visit_ids = _insert(session, m.Visit, [_visit_row(r) for r in reports], returning=True)
    _insert(session, m.VisitCase, [{"visit_id": v, "case_id": r.case_id} for r, v in zip(reports, visit_ids)])
    _insert(session, m.VisitProcedure, [{"visit_id": v, "case_id": r.case_id, "procedure_code": code}
                                        for r, v in zip(reports, visit_ids) for code in r.visit.procedures])


def _visit_row(report: Report) -> dict:
    visit = report.visit
    done = visit.status in ("realisee", "conclusion_a_renseigner")
    return {"visit_type": sl.rules().defaults["visit_type"], "status": visit.status,
            "occupant_present": visit.occupant_present, "scheduled_at": visit.when,
            "done_at": visit.when if done else None,
            "observations": f"Dernière visite enregistrée sur la plateforme {sl.PLATFORM}. {visit.observations}".strip()}


def _add_disorders(session: Session, case_id: int, report: Report, reported_on, present: set[int]) -> int:
    new = [i for i in report.disorder_ids if i not in present]
    _insert(session, m.CaseDisorder, [_disorder(case_id, i, reported_on) for i in new])
    return len(new)


def _refresh(session: Session, case_ids: list[int]) -> None:
    session.flush()
    recompute_criticality(session, case_ids)
    reindex_cases(session, case_ids)


# -- a known report, newer on the platform -------------------------------------------------------------------
def update_case(session: Session, actor: Actor, report: Report, created_landlords: list[str]) -> list[str]:
    """Merge a newer platform row into its case; returns the columns kept because they were changed here."""
    case = session.get(m.Case, report.case_id)
    record = session.get(m.ExternalRecord, case.id) or m.ExternalRecord(case_id=case.id, fingerprints="{}")
    if record not in session:
        session.add(record)
    dwelling, landlord, created = Landlords(session).resolve(report.row.dwelling)
    if created:
        created_landlords.append(created)
    if landlord is not None:
        session.flush()
        dwelling["landlord_id"] = landlord.id
    prints = json.loads(record.fingerprints or "{}")
    changed, kept = [], []
    snapshot = (case.household.adults, case.household.children, case.status, case.closed_on, case.closure_reason)
    for key, new in _tracked(report, dwelling).items():
        current = _current(case, key)
        if current == new:
            prints[key] = fingerprint(new)
        elif prints.get(key) == fingerprint(current) or (key not in prints and current in (None, "", False)):
            _assign(case, key, new)
            prints[key] = fingerprint(new)
            changed.append(_column(key))
        else:
            kept.append(_column(key))
    _keep_consistent(case, snapshot, changed)
    added = _add_disorders(session, case.id, report, case.opened_on, {d.item_id for d in case.disorders})
    if report.visit is not None and prints.get("visit") != fingerprint(report.visit.when):
        _insert_visits(session, [report])
        prints["visit"] = fingerprint(report.visit.when)
        changed.append("Date de la dernière visite")
    for name, value in report.platform.items():
        setattr(record, name, value)
    record.unmatched_disorders, record.last_visit = "\n".join(report.unmatched_disorders), report.visit_text
    record.platform_updated_at, record.imported_at, record.fingerprints = report.updated_at, now(), json.dumps(prints)
    _journal_update(session, actor, case, report, changed, kept, added)
    _refresh(session, [case.id])
    return kept


def _current(case: m.Case, key: str):
    scope, name = key.split(".", 1)
    if key == "case.status":
        return case.status, case.closed_on, case.closure_reason
    target = {"household": case.household, "dwelling": case.dwelling, "case": case}[scope]
    return getattr(target, name)


def _assign(case: m.Case, key: str, value) -> None:
    scope, name = key.split(".", 1)
    if key == "case.status":
        case.status, case.closed_on, case.closure_reason = value
        return
    setattr({"household": case.household, "dwelling": case.dwelling, "case": case}[scope], name, value)


def _keep_consistent(case: m.Case, snapshot: tuple, changed: list[str]) -> None:
    """A merge of separately kept fields must not break the rules of the whole (persons, closing dates)."""
    household = case.household
    if not 1 <= household.adults + household.children <= 20:
        household.adults, household.children = snapshot[0], snapshot[1]
    if case.closed_on is not None and case.closed_on < case.opened_on:
        case.status, case.closed_on, case.closure_reason = snapshot[2:]
        if "Statut" in changed:
            changed.remove("Statut")


def _column(key: str) -> str:
    return "Statut" if key == "case.status" else KEY_COLUMNS.get(key.split(".", 1)[1], key)


def _journal_update(session: Session, actor: Actor, case: m.Case, report: Report, changed: list[str],
                    kept: list[str], added: int) -> None:
    stamp = report.updated_at.strftime("%d/%m/%Y") if report.updated_at else "?"
    parts = [f"Mis à jour depuis la plateforme {sl.PLATFORM} (mise à jour du {stamp} sur la plateforme)."]
    if changed:
        parts.append("Repris : " + ", ".join(dict.fromkeys(changed)) + ".")
    if added:
        parts.append(f"{added} désordre(s) signalé(s) ajouté(s).")
    if kept:
        parts.append("Conservé car modifié ici : " + ", ".join(dict.fromkeys(kept)) + ".")
    session.add(m.JournalEntry(case_id=case.id, kind="note", text=" ".join(parts), author_id=actor.user_id,
                               occurred_at=now()))
    case.last_activity_at = now()
