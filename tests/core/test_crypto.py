"""Encryption at rest: SQLCipher with an Argon2id-derived raw key; canary absent from every file."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core.actor import SYSTEM
from core.users import add_user
from db import crypto
from db.open import open_encrypted
from db.backup import backup_database, connector, verify_backup
from db.errors import DatabaseOpenError
from db.models import User

PHRASE = "le beffroi sonne à midi pile"
CANARY = "Zorglub-Canari-7781"


def _all_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())


def _encrypted_with_canary(tmp_path) -> tuple[Path, object]:
    path = tmp_path / "portable.sqlite3"
    database = open_encrypted(path, PHRASE)
    add_user(database, SYSTEM, "canari", CANARY, "agent")
    return path, database


def test_canary_is_absent_from_encrypted_file_wal_and_backup(tmp_path):
    path, database = _encrypted_with_canary(tmp_path)
    assert CANARY.encode() not in _all_bytes(path)  # while open, WAL included
    backup = backup_database(database, tmp_path / "copies" / "sauvegarde-20261125-120000.sqlite3")
    database.dispose()
    assert crypto.is_encrypted(path) and crypto.is_encrypted(backup)
    assert CANARY.encode() not in _all_bytes(path)
    assert CANARY.encode() not in backup.read_bytes()
    assert verify_backup(backup, connect=crypto.key_connector(crypto.literal_for(backup, PHRASE))).ok
    restored = open_encrypted(backup, PHRASE)
    with restored.session() as s:
        assert s.scalar(select(User.full_name).where(User.login == "canari")) == CANARY
    restored.dispose()


def test_wrong_passphrase_gets_a_clear_message(tmp_path):
    path, database = _encrypted_with_canary(tmp_path)
    database.dispose()
    with pytest.raises(DatabaseOpenError, match="Phrase de passe incorrecte"):
        open_encrypted(path, "ce n'est pas la bonne phrase")


def test_plain_database_converted_in_place_keeps_its_data(tmp_path, db, db_path):
    add_user(db, SYSTEM, "canari", CANARY, "agent")
    db.dispose()
    assert CANARY.encode() in _all_bytes(db_path)
    crypto.encrypt_in_place(db_path, PHRASE)
    assert crypto.is_encrypted(db_path)
    assert CANARY.encode() not in _all_bytes(db_path)
    reopened = open_encrypted(db_path, PHRASE)
    assert connector(reopened) is not None
    with reopened.session() as s:
        assert s.scalar(select(User.full_name).where(User.login == "canari")) == CANARY
    reopened.dispose()


def test_command_line_encrypts_and_reopens_with_the_passphrase_from_the_environment(db, db_path, monkeypatch, capsys):
    from main import main

    add_user(db, SYSTEM, "canari", CANARY, "agent")
    db.dispose()
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PHRASE)
    assert main(["--db", str(db_path), "encrypt"]) == 0
    assert crypto.is_encrypted(db_path)
    assert main(["--db", str(db_path), "user", "list"]) == 0
    assert "canari" in capsys.readouterr().out
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "mauvaise phrase ici")
    assert main(["--db", str(db_path), "user", "list"]) == 1
    assert "Phrase de passe incorrecte" in capsys.readouterr().err


def test_rekey_changes_the_passphrase_and_keeps_the_data(tmp_path, monkeypatch, capsys):
    from core.commands.encrypt import NEW_PASSPHRASE_ENV
    from db.instance_lock import InstanceLock
    from main import main

    path, database = _encrypted_with_canary(tmp_path)
    database.dispose()
    before = path.read_bytes()
    new_phrase = "la braderie commence samedi"
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "pas la bonne phrase du tout")
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, new_phrase)
    assert main(["--db", str(path), "rekey"]) == 1
    assert "Phrase de passe incorrecte" in capsys.readouterr().err and path.read_bytes() == before
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PHRASE)
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, "court")
    assert main(["--db", str(path), "rekey"]) == 1
    assert "trop courte" in capsys.readouterr().err and path.read_bytes() == before
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, new_phrase)
    with InstanceLock.acquire(path):  # the window has the base open: nothing is swapped under it
        assert main(["--db", str(path), "rekey"]) == 1
    assert "déjà ouverte" in capsys.readouterr().err and path.read_bytes() == before
    assert main(["--db", str(path), "rekey"]) == 0
    assert "a changé" in capsys.readouterr().out
    assert crypto.is_encrypted(path) and CANARY.encode() not in _all_bytes(path)
    with pytest.raises(DatabaseOpenError, match="Phrase de passe incorrecte"):
        open_encrypted(path, PHRASE)
    reopened = open_encrypted(path, new_phrase)
    with reopened.session() as s:
        assert s.scalar(select(User.full_name).where(User.login == "canari")) == CANARY
    reopened.dispose()
