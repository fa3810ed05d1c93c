"""The audit trail: append-only, hash-chained, verified, purged after the retention period."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from core.actor import SYSTEM
from core.audit import purge_expired, record_event, verify_chain, write_setting
from core.audit_key import KEY_SETTING
from db.models import Setting



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


def _key_id(db) -> str:
    with db.session() as s:
        return s.get(Setting, KEY_SETTING).value


def test_an_event_purged_with_the_retention_period_does_not_trip_the_anchor(db):
    from core.audit import AuditAnchor, check_anchor

    _fill(db, 3)
    key_id = _key_id(db)
    with db.session() as s:
        oldest = s.scalar(text("SELECT min(id) FROM audit_events"))
        assert check_anchor(s, AuditAnchor(oldest - 1, "x", "2026-01-01T10:00:00", key_id).sealed()) is None
        assert "diffère" in check_anchor(s, AuditAnchor(oldest, "autre", "2026-01-01T10:00:00", key_id).sealed()).reason


def test_restoring_an_older_backup_moves_the_anchor_back_with_the_trail(db, db_path, capsys, tmp_path):
    from core.backups import backup_now

    from db.backup import backup_database

    _fill(db, 3)
    # Kept aside: the rotation of a later same-day backup would remove it from the backup folder.
    older = backup_database(db, tmp_path / "ancienne.sqlite3")
    _fill(db, 4)
    backup_now(db)
    db.dispose()
    code, _out, err = run_main(capsys, "--db", str(db_path), "restore", str(older))
    assert code == 0, err
    code, out, err = run_main(capsys, "--db", str(db_path), "audit", "verify")
    assert code == 0, err
    assert "intègre" in out and "présent et inchangé" in out


# -- as an attacker holding the file (but not the key) would try ----------------------------------------

def _without_guard(db, statements, params=None):
    """Run statements with both triggers dropped, then put them back (what someone with the file can do)."""
    with db.write() as s:
        saved = s.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")).scalars().all()
        s.execute(text("DROP TRIGGER audit_events_no_update"))
        s.execute(text("DROP TRIGGER audit_events_no_delete"))
        for statement in statements:
            s.execute(text(statement), params or {})
        for sql in saved:
            s.execute(text(sql))


def _verify(db, db_path, capsys):
    db.dispose()
    return run_main(capsys, "--db", str(db_path), "audit", "verify")


def test_deleting_the_oldest_events_with_the_anchored_one_is_detected(db, db_path, capsys):
    from core.audit import write_anchor

    _fill(db, 8)
    write_anchor(db)  # an anchor on an old event
    _fill(db, 22)
    with db.session() as s:
        first = s.scalar(text("SELECT min(id) FROM audit_events"))
    _without_guard(db, ["DELETE FROM audit_events WHERE id < :cut"], {"cut": first + 20})
    code, _out, err = _verify(db, db_path, capsys)
    assert code == 1
    assert "supprimés sans purge enregistrée" in err
    assert "a disparu" in err  # the anchored event is not excused as « purged »


def test_a_recorded_purge_vouches_for_its_cut_and_for_nothing_more(db, db_path, capsys):
    with db.write() as s:
        write_setting(s, "audit_retention_months", 6)
    _fill(db, 6)
    _without_guard(db, ["UPDATE audit_events SET occurred_at = :old WHERE id IN "
                        "(SELECT id FROM audit_events ORDER BY id LIMIT 4)"], {"old": datetime(2020, 1, 1)})
    # Backdating broke those events' seals: purge them, then the trail is whole again.
    assert purge_expired(db, SYSTEM) == 4
    code, out, err = _verify(db, db_path, capsys)
    assert code == 0, err
    with db.session() as s:
        oldest = s.scalar(text("SELECT min(id) FROM audit_events"))
    _without_guard(db, ["DELETE FROM audit_events WHERE id = :oldest"], {"oldest": oldest})
    code, _out, err = _verify(db, db_path, capsys)
    assert code == 1 and "sans purge enregistrée" in err


def test_events_written_after_the_last_backup_cannot_be_deleted_unseen(db, db_path, capsys):
    from core.audit import ANCHOR_EVERY
    from core.backups import backup_now

    _fill(db, 3)
    backup_now(db)
    _fill(db, ANCHOR_EVERY + 5)  # an anchor is written every ANCHOR_EVERY events, after their commit
    with db.session() as s:
        newest = s.scalar(text("SELECT max(id) FROM audit_events"))
    _without_guard(db, ["DELETE FROM audit_events WHERE id > :keep"], {"keep": newest - ANCHOR_EVERY})
    code, _out, err = _verify(db, db_path, capsys)
    assert code == 1 and "a disparu" in err


def test_a_clean_close_anchors_the_newest_event(db, db_path, capsys):
    from core.audit import anchor_at_close

    _fill(db, 3)
    anchor_at_close(db)  # what the window and the command line do when they close
    with db.session() as s:
        newest = s.scalar(text("SELECT max(id) FROM audit_events"))
    _without_guard(db, ["DELETE FROM audit_events WHERE id = :newest"], {"newest": newest})
    code, _out, err = _verify(db, db_path, capsys)
    assert code == 1 and f"n° {newest}" in err


def test_a_broken_anchor_is_kept_as_evidence_not_overwritten(db, db_path, capsys):
    from core.audit import anchor_at_close, read_anchor
    from core.backups import backup_folder

    _fill(db, 3)
    anchor_at_close(db)
    anchored = read_anchor(backup_folder(db), db).event_id
    _without_guard(db, ["DELETE FROM audit_events WHERE id = :id"], {"id": anchored})
    _fill(db, 5)
    anchor_at_close(db)  # the application goes on working…
    assert read_anchor(backup_folder(db), db).event_id == anchored  # …but the evidence stays
    code, _out, err = _verify(db, db_path, capsys)
    assert code == 1


def _rewrite_chain_without_the_key(db, change_event: int):
    """Change one event, then recompute every hash the only way possible without the key."""
    from core.audit import legacy_digest

    with db.session() as s:
        rows = s.execute(text("SELECT id, occurred_at, user_id, user_login, action, entity, entity_id, details "
                              "FROM audit_events ORDER BY id")).all()
    statements, previous = [], ""
    for row in rows:
        details = row.details + " falsifié" if row.id == change_event else row.details
        occurred_at = datetime.fromisoformat(str(row.occurred_at))
        digest = legacy_digest(previous, occurred_at, row.user_id, row.user_login, row.action, row.entity,
                               row.entity_id, details)
        statements.append((row.id, details, previous, digest))
        previous = digest
    with db.write() as s:
        s.execute(text("DROP TRIGGER audit_events_no_update"))
        for event_id, details, prev_hash, digest in statements:
            s.execute(text("UPDATE audit_events SET details = :d, prev_hash = :p, hash = :h, key_id = '', "
                           "details_digest = '' WHERE id = :i"), {"d": details, "p": prev_hash, "h": digest, "i": event_id})
        s.execute(text("DELETE FROM settings WHERE key = :k"), {"k": KEY_SETTING})
    return previous


def test_recomputing_the_chain_and_rewriting_the_anchor_without_the_key_is_detected(db, db_path, capsys):
    import json

    from core.audit import anchor_path, write_anchor
    from core.backups import backup_folder

    _fill(db, 6)
    write_anchor(db)
    new_last = _rewrite_chain_without_the_key(db, change_event=3)
    path = anchor_path(backup_folder(db), db)
    anchor = json.loads(path.read_text(encoding="utf-8"))
    anchor.update(empreinte=new_last, cle="", sceau="")
    path.write_text(json.dumps(anchor), encoding="utf-8")
    code, _out, err = _verify(db, db_path, capsys)
    assert code == 1
    assert "ne sont couverts par aucun scellement" in err


def test_an_anchor_resealed_with_a_guessed_key_is_detected(db, db_path, capsys):
    import json

    from core.audit import anchor_path, write_anchor
    from core.backups import backup_folder

    _fill(db, 4)
    write_anchor(db)
    path = anchor_path(backup_folder(db), db)
    anchor = json.loads(path.read_text(encoding="utf-8"))
    anchor["sceau"] = "0" * 64
    path.write_text(json.dumps(anchor), encoding="utf-8")
    code, _out, err = _verify(db, db_path, capsys)
    assert code == 1 and "réécrite" in err


def test_a_chain_resealed_with_another_key_is_reported(db, db_path, capsys):
    from core import audit_key
    from core.audit import details_seal, event_seal

    _fill(db, 4)
    forged_id = "0123456789abcdef"
    forged = bytes(32)
    with db.session() as s:
        rows = s.execute(text("SELECT id, occurred_at, user_id, user_login, action, entity, entity_id, details "
                              "FROM audit_events ORDER BY id")).all()
    with db.write() as s:
        s.execute(text("DROP TRIGGER audit_events_no_update"))
        previous = ""
        for row in rows:
            digest = details_seal(forged, row.details)
            seal = event_seal(forged, previous, datetime.fromisoformat(str(row.occurred_at)), row.user_id,
                              row.user_login, row.action, row.entity, row.entity_id, digest, forged_id)
            s.execute(text("UPDATE audit_events SET prev_hash = :p, hash = :h, key_id = :k, details_digest = :d "
                           "WHERE id = :i"), {"p": previous, "h": seal, "k": forged_id, "d": digest, "i": row.id})
            previous = seal
    assert audit_key.load_key(forged_id) is None
    code, _out, err = _verify(db, db_path, capsys)
    assert code == 1 and ("4\u00a0événements scellés avec la clé « 0123456789abcdef », absente de ce poste : "
                          "importez-la (audit cle --importer) pour les vérifier.") in err


def test_a_trail_from_before_keys_is_vouched_for_by_the_first_key(db, db_path, capsys):
    """An upgraded base: its old unkeyed events stay verifiable, and the first keyed event seals their end."""
    from core.audit import legacy_digest
    from core.audit_key import forget_cached_keys

    with db.write() as s:
        s.execute(text("DELETE FROM settings WHERE key = :k"), {"k": KEY_SETTING})
        previous = s.scalar(text("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")) or ""
        for number in range(3):
            when = datetime(2025, 1, 1, 10, number)
            digest = legacy_digest(previous, when, None, "systeme", "dossier.consultation", "case", str(number), "")
            s.execute(text("INSERT INTO audit_events (occurred_at, user_id, user_login, action, entity, entity_id, "
                           "details, prev_hash, hash, details_digest, key_id) VALUES (:w, NULL, 'systeme', "
                           "'dossier.consultation', 'case', :e, '', :p, :h, '', '')"),
                      {"w": when, "e": str(number), "p": previous, "h": digest})
            previous = digest
    forget_cached_keys()
    _fill(db, 2)
    with db.session() as s:
        actions = s.execute(text("SELECT action FROM audit_events ORDER BY id DESC LIMIT 3")).scalars().all()
        assert actions[-1] == "journal.cle"
        assert verify_chain(s)[1] == []
    code, out, err = _verify(db, db_path, capsys)
    assert code == 0, err


def test_the_key_lives_outside_the_base_in_a_file_only_the_account_can_read(db, db_path):
    import os
    import stat

    from core.audit_key import key_dir

    _fill(db, 2)
    key_id = _key_id(db)
    key_file = key_dir() / f"{key_id}.cle"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(key_dir()).st_mode) == 0o700
    secret = key_file.read_text().strip()
    db.dispose()
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))
    assert secret.encode() not in raw and key_id.encode() in raw


def test_the_system_keyring_is_used_when_there_is_one(monkeypatch):
    import keyring
    from keyring.backend import KeyringBackend

    from core import audit_key

    class MemoryKeyring(KeyringBackend):
        priority = 1
        stored: dict = {}

        def get_password(self, service, username):
            return self.stored.get((service, username))

        def set_password(self, service, username, password):
            self.stored[(service, username)] = password

        def delete_password(self, service, username):
            self.stored.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        key_id = audit_key.create_key()
        assert not (audit_key.key_dir() / f"{key_id}.cle").exists()
        assert (audit_key.SERVICE, key_id) in MemoryKeyring.stored
        audit_key.forget_cached_keys()
        assert audit_key.load_key(key_id) is not None
    finally:
        keyring.set_keyring(previous)


def test_a_key_kept_in_its_private_file_is_read_without_asking_the_keyring():
    """Where no keyring kept the key (its file exists), a session reads the file and never makes `keyring`
    look for a backend (0.1-0.25 s of the interpreter on such a machine, while the window starts)."""
    import keyring
    from keyring.backend import KeyringBackend

    from core import audit_key

    asked = []

    class CountingKeyring(KeyringBackend):
        priority = 1

        def get_password(self, service, username):
            asked.append(username)
            return None

        def set_password(self, service, username, password):
            raise keyring.errors.PasswordSetError("nothing kept")

        def delete_password(self, service, username):
            pass

    previous = keyring.get_keyring()
    keyring.set_keyring(CountingKeyring())
    try:
        key_id = audit_key.create_key()  # refused by the keyring: kept in the private file
        assert (audit_key.key_dir() / f"{key_id}.cle").exists()
        audit_key.forget_cached_keys()
        asked.clear()
        assert audit_key.load_key(key_id) is not None
        assert asked == []
        assert audit_key.load_key("0123456789abcdef") is None  # a key of nowhere: the keyring is still asked
        assert asked == ["0123456789abcdef"]
    finally:
        keyring.set_keyring(previous)


def test_the_key_moves_to_another_workstation_through_an_exported_file(db, db_path, tmp_path, capsys, monkeypatch):
    import os
    import stat

    from core import audit_key

    _fill(db, 3)
    db.dispose()
    exported = tmp_path / "cle-journal.json"
    code, out, err = run_main(capsys, "--db", str(db_path), "audit", "cle", "--exporter", str(exported))
    assert code == 0, err
    assert stat.S_IMODE(os.stat(exported).st_mode) == 0o600
    # Another workstation: its own key folder, nothing cached.
    monkeypatch.setenv(audit_key.KEY_DIR_VARIABLE, str(tmp_path / "autre-poste"))
    audit_key.forget_cached_keys()
    code, _out, err = run_main(capsys, "--db", str(db_path), "audit", "verify")
    assert code == 1 and "absente de ce poste" in err
    code, out, err = run_main(capsys, "--db", str(db_path), "audit", "cle", "--importer", str(exported))
    assert code == 0, err
    audit_key.forget_cached_keys()
    code, out, err = run_main(capsys, "--db", str(db_path), "audit", "verify")
    assert code == 0, err
