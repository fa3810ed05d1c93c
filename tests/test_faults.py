"""Faults while saving: full disk, read-only file, locked database.

Each gives a French message (db.errors.describe_error, used by the GUI and the
command line), nothing is half-saved, and the data saved before are intact.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
from datetime import date

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

import db.engine as engine_module
from db import models as m
from db.engine import Database
from db.errors import DatabaseOpenError, describe_error


def dump_digest(path) -> str:
    connection = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()
    finally:
        connection.close()


def counts(database) -> tuple[int, int, int]:
    with database.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (m.Case, m.Household, m.JournalEntry))


def save_case_with_notes(database, reference: str, notes: int = 1, note_size: int = 100) -> None:
    """One user save: household, dwelling, case and its journal, in one transaction."""
    with database.write() as session:
        commune_id = session.scalar(select(m.Commune.id).order_by(m.Commune.id))
        household = m.Household(last_name="Martin", adults=1)
        dwelling = m.Dwelling(street="rue Pierre Legrand", postcode="59000", commune_id=commune_id, tenure="locataire_prive")
        session.add_all([household, dwelling])
        session.flush()
        case = m.Case(reference=reference, household_id=household.id, dwelling_id=dwelling.id,
                      source="habitant", opened_on=date(2026, 11, 25))
        session.add(case)
        session.flush()
        session.add_all([m.JournalEntry(case_id=case.id, text=f"note {i} " + "é" * note_size) for i in range(notes)])


@contextlib.contextmanager
def read_only_file(path):
    """Make `path` really read-only, even for root (who ignores chmod): chattr +i when needed."""
    path.chmod(0o444)
    immutable = False
    try:
        if os.access(path, os.W_OK):
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
            if done.returncode != 0 or os.access(path, os.W_OK):
                pytest.skip("cannot make a file read-only for this user (root without chattr)")
            immutable = True
        yield path
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o644)


def test_full_disk_cancels_the_whole_save_with_a_french_message(demo_db, db_path):
    save_case_with_notes(demo_db, "2026-90001")
    before_counts = counts(demo_db)
    demo_db.dispose()
    before = dump_digest(db_path)
    with sqlite3.connect(db_path) as probe:
        pages = probe.execute("PRAGMA page_count").fetchone()[0]

    @event.listens_for(demo_db.engine, "connect")
    def _small_disk(dbapi_connection, _record):  # the "disk" has room for ~20 more pages
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 20}")

    with pytest.raises(OperationalError) as error:
        save_case_with_notes(demo_db, "2026-90002", notes=200, note_size=2000)
    message = describe_error(error.value, demo_db)
    assert "disque est plein" in message and "rien n'a été modifié" in message
    assert counts(demo_db) == before_counts  # nothing half-saved
    save_case_with_notes(demo_db, "2026-90003")  # small saves still fit: the application goes on
    event.remove(demo_db.engine, "connect", _small_disk)
    demo_db.dispose()
    with sqlite3.connect(db_path) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert check.execute("SELECT count(*) FROM cases WHERE reference = '2026-90002'").fetchone() == (0,)
        assert check.execute("SELECT count(*) FROM cases WHERE reference = '2026-90001'").fetchone() == (1,)
    assert before != dump_digest(db_path)  # only the small save was added


def test_read_only_open_refuses_writes_with_a_french_message(demo_db, db_path):
    before_counts = counts(demo_db)
    demo_db.dispose()
    before = dump_digest(db_path)
    read_only = Database(db_path, read_only=True)
    with pytest.raises(OperationalError) as error:
        save_case_with_notes(read_only, "2026-90010", notes=3)
    assert "lecture seule" in describe_error(error.value, read_only)
    assert counts(read_only) == before_counts  # reading still works
    read_only.dispose()
    assert dump_digest(db_path) == before


def test_read_only_file_is_refused_at_opening_with_a_french_message(db, db_path):
    db.dispose()
    before = dump_digest(db_path)
    with read_only_file(db_path):
        with pytest.raises(DatabaseOpenError) as error:
            Database(db_path)
        assert "lecture seule" in str(error.value)
        checked = Database(db_path, read_only=True)  # checks and backups may still read it
        assert counts(checked)[0] == 0
        checked.dispose()
    assert dump_digest(db_path) == before


def test_locked_database_gives_a_french_message_and_saves_after_release(demo_db, db_path, monkeypatch):
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    demo_db.dispose()  # new connections take the short timeout
    before_counts = counts(demo_db)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    try:
        with pytest.raises(OperationalError) as error:
            save_case_with_notes(demo_db, "2026-90020")
        message = describe_error(error.value, demo_db)
        assert "verrouillée par un autre programme" in message and "Rien n'a été enregistré" in message
        assert counts(demo_db) == before_counts  # reading still works while locked (WAL)
    finally:
        other.execute("ROLLBACK")
        other.close()
    save_case_with_notes(demo_db, "2026-90020")  # once released, the same save goes through
    assert counts(demo_db)[0] == before_counts[0] + 1


def test_errors_already_in_french_pass_through_and_unknown_ones_are_framed():
    from core.errors import ValidationError

    assert describe_error(ValidationError("Le code postal doit avoir 5 chiffres.", field="postcode")) == \
        "Le code postal doit avoir 5 chiffres."
    assert describe_error(OSError(28, "No space left on device")).startswith("Le disque est plein")
    assert describe_error(sqlite3.IntegrityError("UNIQUE constraint failed: cases.reference")).startswith(
        "Enregistrement refusé : cette valeur existe déjà")


def test_the_window_reports_a_database_fault_in_french_and_keeps_running(qapp, monkeypatch):
    import gui.errors as gui_errors

    shown = []
    monkeypatch.setattr(gui_errors, "show_error_dialog", lambda message, details="": shown.append(message))
    fault = OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))
    gui_errors.report_exception(OperationalError, fault, None)  # what Qt does when a slot raises
    assert shown and shown[0].startswith("Le disque est plein") and "continuer à travailler" in shown[0]
