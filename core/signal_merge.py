"""A report already imported, newer on the platform: merged into its case field by field.

The platform's data replace ours only in the fields nobody changed here since
the last import: each import records a fingerprint of the value it wrote (see
core.signal_write), and a field whose value no longer matches it was edited by
an agent and is kept. New disorders are added (never removed), a new last visit
is added, the platform's own words are refreshed. Everything is loaded and
written in batches: a later export of 10,000 reports is merged in one pass.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from core import signal_logement as sl
from core.actor import Actor
from core.formatting import fr_count
from core.signal_rows import KEY_COLUMNS, Report
from core.signal_write import Landlords, disorder_row, fingerprint, insert_rows, insert_visits, tracked_values
from db import models as m
from db.base import now

CHUNK = 500


def update_cases(session: Session, actor: Actor, reports: list[Report], created_landlords: list[str]) -> dict:
    """Merge each report into its case; returns {line: [columns kept because they were changed here]}.

    The caller refreshes the criticality and search documents of these cases (core.signal_write.refresh)."""
    cases, records = _load(session, [r.case_id for r in reports])
    landlords, dwellings = Landlords(session), []
    for report in reports:
        dwelling, landlord, created = landlords.resolve(report.row.dwelling)
        if created:
            created_landlords.append(created)
        dwellings.append((dwelling, landlord))
    session.flush()  # the new landlords get their ids
    stamp, kept_by_line, disorders, visits, notes = now(), {}, [], [], []
    with session.no_autoflush:
        for report, (dwelling, landlord) in zip(reports, dwellings):
            if landlord is not None:
                dwelling["landlord_id"] = landlord.id
            case = cases[report.case_id]
            record = records.get(case.id) or _new_record(session, case.id)
            changed, kept, added = _merge(case, record, report, dwelling, visits)
            disorders += [disorder_row(case.id, item_id, case.opened_on) for item_id in added]
            notes.append(_note(actor, case, report, changed, kept, len(added), stamp))
            kept_by_line[report.line] = kept
    session.flush()
    # Last activity in one statement, as core.services.common.finish does: not an edit of the case.
    for start in range(0, len(reports), CHUNK):
        ids = [r.case_id for r in reports[start:start + CHUNK]]
        session.execute(update(m.Case.__table__).where(m.Case.__table__.c.id.in_(ids)).values(last_activity_at=stamp))
    insert_rows(session, m.CaseDisorder, disorders)
    insert_visits(session, visits)
    insert_rows(session, m.JournalEntry, notes)
    return kept_by_line


def _load(session: Session, case_ids: list[int]) -> tuple[dict[int, m.Case], dict[int, m.ExternalRecord]]:
    cases, records = {}, {}
    for start in range(0, len(case_ids), CHUNK):
        chunk = case_ids[start:start + CHUNK]
        cases.update({c.id: c for c in session.scalars(
            select(m.Case).where(m.Case.id.in_(chunk)).options(
                selectinload(m.Case.household), selectinload(m.Case.dwelling), selectinload(m.Case.disorders)))})
        records.update({r.case_id: r for r in session.scalars(
            select(m.ExternalRecord).where(m.ExternalRecord.case_id.in_(chunk)))})
    return cases, records


def _new_record(session: Session, case_id: int) -> m.ExternalRecord:
    record = m.ExternalRecord(case_id=case_id, fingerprints="{}")
    session.add(record)
    return record


def _merge(case: m.Case, record: m.ExternalRecord, report: Report, dwelling: dict,
           visits: list[Report]) -> tuple[list[str], list[str], list[int]]:
    """Changed columns, kept columns, disorder items to add; the record takes the platform's new words."""
    prints = json.loads(record.fingerprints or "{}")
    changed, kept = [], []
    snapshot = (case.household.adults, case.household.children, case.status, case.closed_on, case.closure_reason)
    for key, new in tracked_values(report, dwelling).items():
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
    present = {d.item_id for d in case.disorders}
    added = [item_id for item_id in report.disorder_ids if item_id not in present]
    if report.visit is not None and prints.get("visit") != fingerprint(report.visit.when):
        visits.append(report)
        prints["visit"] = fingerprint(report.visit.when)
        changed.append("Date de la dernière visite")
    for name, value in report.platform.items():
        setattr(record, name, value)
    record.unmatched_disorders, record.last_visit = "\n".join(report.unmatched_disorders), report.visit_text
    record.platform_updated_at, record.imported_at, record.fingerprints = report.updated_at, now(), json.dumps(prints)
    return changed, kept, added


def _current(case: m.Case, key: str):
    scope, name = key.split(".", 1)
    if key == "case.status":
        return case.status, case.closed_on, case.closure_reason
    return getattr({"household": case.household, "dwelling": case.dwelling, "case": case}[scope], name)


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


def _note(actor: Actor, case: m.Case, report: Report, changed: list[str], kept: list[str], added: int,
          stamp: datetime) -> dict:
    day = report.updated_at.strftime("%d/%m/%Y") if report.updated_at else "?"
    parts = [f"Mis à jour depuis la plateforme {sl.PLATFORM} (mise à jour du {day} sur la plateforme)."]
    if changed:
        parts.append("Repris : " + ", ".join(dict.fromkeys(changed)) + ".")
    if added:
        parts.append(fr_count(added, "désordre signalé ajouté", "désordres signalés ajoutés") + ".")
    if kept:
        parts.append("Conservé car modifié ici : " + ", ".join(dict.fromkeys(kept)) + ".")
    return {"case_id": case.id, "kind": "note", "text": " ".join(parts), "author_id": actor.user_id,
            "occurred_at": stamp}
