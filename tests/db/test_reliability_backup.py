"""Backups and restores: same content after a round trip, damaged files refused, nothing good overwritten."""
import hashlib
import sqlite3

import pytest
from sqlalchemy import text

from core.backups import backup_now, rotate
from db.backup import backup_database, list_backups, restore_database, verify_backup
from db.errors import BackupError
from db.integrity import check_file
from db.open import open_database
from tests.damage import damage_page, damage_table, root_page


def canonical_dump(path) -> str:
    connection = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(connection.iterdump()).encode("utf-8")).hexdigest()
    finally:
        connection.close()


def flip_middle_bytes(path, count: int = 16) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    for offset in range(middle, middle + count):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_backup_then_restore_gives_identical_content(demo_db, db_path, tmp_path):
    before = canonical_dump(db_path)
    backup = backup_database(demo_db, tmp_path / "copie.sqlite3")
    assert canonical_dump(backup) == before
    with demo_db.write() as session:  # changes made after the backup…
        session.execute(text("DELETE FROM journal_entries"))
    demo_db.dispose()
    assert canonical_dump(db_path) != before
    aside = restore_database(backup, db_path)  # …are undone by the restore
    assert canonical_dump(db_path) == before
    assert aside.exists() and canonical_dump(aside) != before  # the replaced base is kept aside
    database = open_database(db_path)
    with database.session() as session:
        assert session.execute(text("SELECT count(*) FROM cases")).scalar() == 200
    database.dispose()


def test_a_copy_with_flipped_bytes_is_detected_and_refused(db, db_path, tmp_path):
    good = backup_database(db, tmp_path / "bonne.sqlite3")
    before = canonical_dump(db_path)
    assert verify_backup(good).ok
    flip_middle_bytes(good)
    report = verify_backup(good)
    assert not report.ok
    assert "somme de contrôle" in report.problems[0]
    db.dispose()
    with pytest.raises(BackupError) as error:
        restore_database(good, db_path)
    assert "Restauration refusée" in str(error.value)
    assert canonical_dump(db_path) == before  # the current base was not touched


def test_a_damaged_file_without_checksum_is_refused_by_its_integrity_check(demo_db, db_path, tmp_path):
    copy = backup_database(demo_db, tmp_path / "copie.sqlite3")
    copy.with_name(copy.name + ".sha256").unlink()
    damage_page(copy, root_page(copy, "cases"))
    report = verify_backup(copy)
    assert not report.ok and "structure endommagée" in report.problems[0]


def test_a_damaged_database_never_rotates_over_a_good_backup(demo_db, db_path):
    first, _ = backup_now(demo_db)
    demo_db.dispose()
    damage_table(db_path, "cases")
    assert not check_file(db_path).ok
    with pytest.raises(BackupError) as error:
        backup_now(demo_db)
    assert "endommagée" in str(error.value)
    backups = list_backups(first.parent)
    assert [b.path for b in backups] == [first] and verify_backup(first).ok
    assert not list(first.parent.glob("*.partiel"))
    rotate(first.parent)
    assert first.exists()


def test_backups_of_an_encrypted_base_stay_encrypted_and_restore(tmp_path):
    from db.crypto import is_encrypted
    from db.open import open_encrypted

    path = tmp_path / "chiffree.sqlite3"
    database = open_encrypted(path, "phrase de passe très longue")
    from core.backups import backup_now

    backup, _ = backup_now(database)
    assert is_encrypted(backup)  # personal data never leave in clear
    assert b"Roubaix" not in backup.read_bytes()
    from db.backup import connector

    assert verify_backup(backup, True, connector(database)).ok
    assert not verify_backup(backup).ok  # without the key it cannot be read
    from core.actor import SYSTEM
    from core.backups import restore_backup

    assert restore_backup(database, SYSTEM, backup) is not None
    assert is_encrypted(path)
    database.dispose()
