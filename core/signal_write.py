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

from sqlalchemy import func, select
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
    """Landlords matched by name (accents and case ignored), created once when unknown."""

    def __init__(self, session: Session):
        self.session = session
        self.created: dict[str, m.Partner] = {}

    def resolve(self, dwelling: dict) -> tuple[dict, str | None]:
        dwelling = dict(dwelling)
        new = dwelling.pop("new_landlord", None)
        if not new:
            return dwelling, None
        key = fold(new[0])
        created = key not in self.created
        if created:
            self.created[key] = m.Partner(name=new[0], partner_type=new[1])
            self.session.add(self.created[key])
            self.session.flush()
        dwelling["landlord_id"] = self.created[key].id
        return dwelling, new[0] if created else None


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
    """New cases, written in three batches (people and places, cases, what hangs on a case)."""
    references, landlords, stamp = References(session), Landlords(session), now()
    places, tracked = [], []
    for report in reports:
        dwelling, created = landlords.resolve(report.row.dwelling)
        if created:
            created_landlords.append(created)
        places.append((m.Household(**report.row.household), m.Dwelling(**dwelling)))
        tracked.append(_tracked(report, dwelling))
    session.add_all([row for pair in places for row in pair])
    session.flush()
    cases = []
    for report, (household, dwelling) in zip(reports, places):
        values = {k: v for k, v in report.row.case.items() if k != "reference"}
        cases.append(m.Case(reference=references.next(values["opened_on"].year), household_id=household.id,
                            dwelling_id=dwelling.id, last_activity_at=stamp, external_source=sl.SOURCE,
                            external_reference=report.reference, **values))
    session.add_all(cases)
    session.flush()
    for report, case, values in zip(reports, cases, tracked):
        report.case_id = case.id
        session.add_all([m.CaseKindLink(case_id=case.id, kind_code=k) for k in report.row.kinds])
        session.add_all([m.CaseObjective(case_id=case.id, objective_id=o) for o in report.row.objectives])
        _add_disorders(session, case.id, report, case.opened_on, set())
        fingerprints = {key: fingerprint(value) for key, value in values.items()}
        if report.visit is not None:
            _add_visit(session, case.id, report)
            fingerprints["visit"] = fingerprint(report.visit.when)
        session.add(m.ExternalRecord(case_id=case.id, platform_updated_at=report.updated_at, imported_at=stamp,
                                     unmatched_disorders="\n".join(report.unmatched_disorders),
                                     last_visit=report.visit_text, fingerprints=json.dumps(fingerprints),
                                     **report.platform))
        session.add(m.JournalEntry(case_id=case.id, kind="note", text="\n".join(report.note),
                                   author_id=actor.user_id, occurred_at=stamp))
    _refresh(session, [case.id for case in cases])
    return [(case.id, case.reference) for case in cases]


def _add_disorders(session: Session, case_id: int, report: Report, reported_on, present: set[int]) -> int:
    new = [i for i in report.disorder_ids if i not in present]
    session.add_all([m.CaseDisorder(case_id=case_id, item_id=i, state="signale", reported_on=reported_on,
                                    comment=f"Signalé sur la plateforme {sl.PLATFORM}.") for i in new])
    return len(new)


def _add_visit(session: Session, case_id: int, report: Report) -> None:
    visit = report.visit
    done = visit.status in ("realisee", "conclusion_a_renseigner")
    row = m.Visit(visit_type=sl.rules().defaults["visit_type"], status=visit.status, occupant_present=visit.occupant_present,
                  scheduled_at=visit.when, done_at=visit.when if done else None,
                  observations=f"Dernière visite enregistrée sur la plateforme {sl.PLATFORM}. {visit.observations}".strip())
    session.add(row)
    session.flush()
    session.add(m.VisitCase(visit_id=row.id, case_id=case_id))
    session.add_all([m.VisitProcedure(visit_id=row.id, case_id=case_id, procedure_code=c) for c in visit.procedures])


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
    dwelling, created = Landlords(session).resolve(report.row.dwelling)
    if created:
        created_landlords.append(created)
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
        _add_visit(session, case.id, report)
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
