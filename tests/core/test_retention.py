"""Retention: stale cases listed; anonymisation and deletion erase personal strings from the file bytes."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select, text, update

from core.actor import SYSTEM, Actor
from core.errors import PermissionDenied
from core.queries.admin import stale_cases
from core.retention import ANONYMOUS_NAME, anonymise, delete_for_good
from db import models as m
from db.search import reindex_cases
from tests.conftest import DEMO_TODAY

CANARY = "Xylophanecanari"
NOTE = "Quetzalcoatlnote"


def _file_bytes(db_path) -> bytes:
    return b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*") if p.is_file())


def _plant_canary(db, case_id):
    with db.write() as s:
        case = s.get(m.Case, case_id)
        case.household.last_name = CANARY
        case.household.phone = "06 12 34 56 78"
        case.summary = f"Rencontre avec {CANARY}"
        case.last_activity_at = datetime(2023, 1, 5)
        s.add(m.JournalEntry(case_id=case_id, kind="note", text=f"{NOTE} appelle souvent"))
        s.flush()
        reindex_cases(s, [case_id])


def _statistics(db):
    with db.session() as s:
        return (
            s.scalar(select(func.count(m.Case.id))),
            s.execute(select(m.Case.status, func.count()).group_by(m.Case.status).order_by(m.Case.status)).all(),
            s.scalar(select(func.sum(m.Household.adults + m.Household.children)).join(m.Case, m.Case.household_id == m.Household.id)),
            s.scalar(select(func.count(m.CaseDisorder.id))),
        )


@pytest.fixture
def stale_case(demo_db):
    with demo_db.session() as s:
        case_id = s.scalar(select(m.Case.id).order_by(m.Case.id).limit(1))
    _plant_canary(demo_db, case_id)
    return case_id


def test_cases_without_contact_for_24_months_are_listed(demo_db, stale_case):
    listed = stale_cases(demo_db, SYSTEM, today=DEMO_TODAY)
    assert stale_case in [c.id for c in listed]
    assert all(c.last_activity < datetime(2024, 11, 26) for c in listed)
    assert next(c for c in listed if c.id == stale_case).months_without_contact == 46


def test_anonymisation_removes_the_canary_from_the_file_and_keeps_statistics(demo_db, db_path, stale_case):
    before = _statistics(demo_db)
    assert CANARY.encode() in _file_bytes(db_path)
    anonymise(demo_db, SYSTEM, [stale_case])
    assert _statistics(demo_db) == before
    with demo_db.session() as s:
        case = s.get(m.Case, stale_case)
        assert case.household.last_name == ANONYMOUS_NAME and case.household.phone == ""
        assert s.execute(text("SELECT count(*) FROM case_search WHERE case_search MATCH :q"), {"q": CANARY.lower()}).scalar() == 0
    raw = _file_bytes(db_path)
    for secret in (CANARY, NOTE, "06 12 34 56 78"):
        assert secret.encode() not in raw and secret.lower().encode() not in raw
    assert stale_case not in [c.id for c in stale_cases(demo_db, SYSTEM, today=DEMO_TODAY)]


def test_deletion_removes_the_case_and_the_canary(demo_db, db_path, stale_case):
    delete_for_good(demo_db, SYSTEM, [stale_case])
    with demo_db.session() as s:
        assert s.get(m.Case, stale_case) is None
    raw = _file_bytes(db_path)
    assert CANARY.encode() not in raw and CANARY.lower().encode() not in raw and NOTE.encode() not in raw


def test_a_dwelling_shared_with_a_kept_case_is_not_erased_for_it(demo_db, stale_case):
    with demo_db.write() as s:
        other = s.scalar(select(m.Case.id).where(m.Case.id != stale_case).order_by(m.Case.id).limit(1))
        dwelling_id = s.get(m.Case, stale_case).dwelling_id
        s.execute(update(m.Case).where(m.Case.id == other).values(dwelling_id=dwelling_id))
        street = s.get(m.Dwelling, dwelling_id).street
    anonymise(demo_db, SYSTEM, [stale_case])
    with demo_db.session() as s:
        assert s.get(m.Case, other).dwelling.street == street
        assert s.get(m.Case, stale_case).dwelling.street != street


def test_only_administrators_handle_retention(demo_db, stale_case):
    manager = Actor(2, "responsable", "manager")
    with pytest.raises(PermissionDenied):
        stale_cases(demo_db, manager)
    with pytest.raises(PermissionDenied):
        anonymise(demo_db, manager, [stale_case])


def _leave_traces(db, case_id, tmp_path):
    """What an agent's ordinary work leaves about the household outside its case."""
    from core.audit import record_case_opened
    from core.drafts import save_draft
    from core.exports import ExportFilter, export_cases
    from core.services.attachments import add_attachment, read_attachment
    from core import saved_filters

    export_cases(db, SYSTEM, tmp_path / "recherche.csv", "csv", filters=ExportFilter(text=CANARY))
    attachment = add_attachment(db, SYSTEM, case_id, f"bail {CANARY}.pdf", b"%PDF-1.4\n%%EOF\n").result
    read_attachment(db, SYSTEM, attachment)
    record_case_opened(db, SYSTEM, case_id)
    save_draft(db, f"journal:dossier:{case_id}", f"Appeler {CANARY} lundi", user_id=None)
    save_draft(db, "visite:999999:observations", f"Chez {CANARY.upper()} : humidité", user_id=None)
    saved_filters.save(db, SYSTEM, "à rappeler", '{"text": "%s"}' % CANARY)


def _canary_everywhere(paths) -> list[str]:
    found = []
    for path in paths:
        raw = path.read_bytes()
        if any(v.encode() in raw for v in (CANARY, CANARY.lower(), CANARY.upper())):
            found.append(path.name)
    return found


def test_anonymisation_leaves_the_name_nowhere_not_in_the_audit_drafts_filters_wal_or_later_backups(
        demo_db, db_path, stale_case, tmp_path):
    from core.audit import verify_trail
    from core.backups import backup_now

    _leave_traces(demo_db, stale_case, tmp_path)
    with demo_db.session() as s:
        mentions = s.scalar(select(func.count(m.AuditEvent.id)).where(m.AuditEvent.details.contains(CANARY)))
    assert mentions >= 2  # the export's search, the attachment opened (the planted case's own traces)
    anonymise(demo_db, SYSTEM, [stale_case])
    backup, _deleted = backup_now(demo_db)
    with demo_db.session() as s:
        export = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export")).all()[-1]
        assert export.user_login == SYSTEM.login and "(anonymisé)" in export.details  # who, when, what stay
        assert s.scalar(select(func.count(m.Draft.id))) == 0
        assert s.scalar(select(func.count(m.SavedFilter.id))) == 0
    check = verify_trail(demo_db)
    assert check.problems == [], [p.describe() for p in check.problems]  # redaction is not tampering
    files = [p for p in db_path.parent.glob(db_path.name + "*") if p.is_file()] + [backup]
    assert _canary_everywhere(files) == []


def test_deletion_also_clears_the_audit_details_and_the_drafts(demo_db, db_path, stale_case, tmp_path):
    _leave_traces(demo_db, stale_case, tmp_path)
    delete_for_good(demo_db, SYSTEM, [stale_case])
    demo_db.dispose()
    assert _canary_everywhere([p for p in db_path.parent.glob(db_path.name + "*") if p.is_file()]) == []
