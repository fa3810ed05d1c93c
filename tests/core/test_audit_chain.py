"""The audit trail: append-only, hash-chained, verified, purged after the retention period."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from core.actor import SYSTEM
from core.audit import purge_expired, record_event, verify_chain, write_setting



def run_main(capsys, *args):
    from main import main

    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _fill(db, count=5):
    with db.write() as s:
        for i in range(count):
            record_event(s, SYSTEM, "dossier.consultation", "case", i + 1)


def test_audit_rows_cannot_be_updated_or_deleted(db):
    _fill(db)
    with pytest.raises(DatabaseError, match="ne peut pas être modifié"):
        with db.write() as s:
            s.execute(text("UPDATE audit_events SET user_login = 'x' WHERE id = 2"))
    with pytest.raises(DatabaseError, match="ne peut pas être effacé"):
        with db.write() as s:
            s.execute(text("DELETE FROM audit_events WHERE id = 2"))


def test_intact_chain_verifies(db):
    _fill(db)
    with db.session() as s:
        count, problems = verify_chain(s)
    assert count == 5 and problems == []


def test_tampering_with_trigger_dropped_is_detected_and_located(db, db_path, capsys):
    _fill(db)
    with db.write() as s:
        s.execute(text("DROP TRIGGER audit_events_no_update"))
        s.execute(text("UPDATE audit_events SET user_login = 'quelqu_un' WHERE id = 3"))
    db.dispose()
    code, _out, err = run_main(capsys, "--db", str(db_path), "audit", "verify")
    assert code == 1
    assert "Événement n° 3" in err and "modifié" in err
    assert "audit_events_no_update" in err


def test_deleted_event_breaks_the_chain_at_the_next_one(db):
    _fill(db)
    with db.write() as s:
        s.execute(text("DROP TRIGGER audit_events_no_delete"))
        s.execute(text("DELETE FROM audit_events WHERE id = 2"))
    with db.session() as s:
        _count, problems = verify_chain(s)
    assert any(p.event_id == 3 and "rompue" in p.reason for p in problems)


def test_verify_command_succeeds_on_an_intact_trail(db, db_path, capsys):
    _fill(db)
    db.dispose()
    code, out, err = run_main(capsys, "--db", str(db_path), "audit", "verify")
    assert code == 0, err
    assert "intègre" in out


def test_purge_removes_only_events_older_than_the_retention_period(db):
    with db.write() as s:
        write_setting(s, "audit_retention_months", 6)
        s.execute(text("DROP TRIGGER audit_events_no_update"))  # only to backdate test rows
    _fill(db, 3)
    with db.write() as s:
        s.execute(text("UPDATE audit_events SET occurred_at = :old WHERE id <= 2"), {"old": datetime(2020, 1, 1)})
    assert purge_expired(db, SYSTEM) == 2
    with db.session() as s:
        remaining = s.execute(text("SELECT action FROM audit_events ORDER BY id")).scalars().all()
    assert remaining == ["dossier.consultation", "journal.purge"]


def test_retention_below_six_months_is_not_honoured_by_the_trigger(db):
    with db.write() as s:
        write_setting(s, "audit_retention_months", 1)
        s.execute(text("DROP TRIGGER audit_events_no_update"))
    _fill(db, 1)
    with db.write() as s:  # three months old: inside the 6-month floor
        s.execute(text("UPDATE audit_events SET occurred_at = datetime('now', 'localtime', '-3 months')"))
    assert purge_expired(db, SYSTEM) == 0


def test_deleting_the_newest_events_is_caught_by_the_anchor_left_beside_the_backups(db, db_path, capsys):
    from core.audit import anchor_path, check_anchor, read_anchor
    from core.backups import backup_folder, backup_now

    _fill(db, 6)
    backup, _deleted = backup_now(db)
    anchor = read_anchor(backup.parent, db)
    assert anchor is not None and anchor_path(backup.parent, db).parent == backup_folder(db)
    with db.session() as s:
        assert check_anchor(s, anchor) is None
        newest = s.scalar(text("SELECT max(id) FROM audit_events"))
    assert anchor.event_id == newest
    with db.write() as s:  # someone with the file removes the newest events, then puts the protection back
        trigger = s.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'audit_events_no_delete'"))
        s.execute(text("DROP TRIGGER audit_events_no_delete"))
        s.execute(text("DELETE FROM audit_events WHERE id >= :first"), {"first": newest - 2})
        s.execute(text(trigger))
    with db.session() as s:
        assert verify_chain(s)[1] == []  # the chain alone cannot see it…
        assert "a disparu" in check_anchor(s, anchor).reason  # …the anchor can
    db.dispose()
    code, _out, err = run_main(capsys, "--db", str(db_path), "audit", "verify")
    assert code == 1 and f"L'événement n° {newest}" in err and "supprimés" in err


def test_an_event_purged_with_the_retention_period_does_not_trip_the_anchor(db):
    from core.audit import AuditAnchor, check_anchor

    _fill(db, 3)
    with db.session() as s:
        oldest = s.scalar(text("SELECT min(id) FROM audit_events"))
        assert check_anchor(s, AuditAnchor(oldest - 1, "x", "2026-01-01T10:00:00")) is None
        assert "diffère" in check_anchor(s, AuditAnchor(oldest, "autre", "2026-01-01T10:00:00")).reason


def test_restoring_an_older_backup_moves_the_anchor_back_with_the_trail(db, db_path, capsys):
    from core.backups import backup_now

    _fill(db, 3)
    older, _deleted = backup_now(db)
    _fill(db, 4)
    backup_now(db)
    db.dispose()
    code, _out, err = run_main(capsys, "--db", str(db_path), "restore", str(older))
    assert code == 0, err
    code, out, err = run_main(capsys, "--db", str(db_path), "audit", "verify")
    assert code == 0, err
    assert "intègre" in out and "présent et inchangé" in out
