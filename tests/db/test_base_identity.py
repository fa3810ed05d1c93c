"""Issue 12: what is at a base path is told before anything is written to it.

Ours (application_id from creation), older bases of ours (stamped), foreign files (refused
without a write), empty or zeroed files (damaged, never new: the last verified backup is
named), encrypted bases without anyone to type the passphrase, typos in --db, links.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import main
from db.errors import AlreadyOpenError, DamagedDatabaseError, DatabaseOpenError, ForeignDatabaseError
from db.identity import APPLICATION_ID, probe_file
from db.instance_lock import InstanceLock
from db.open import open_database

ROOT = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def application_id(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA application_id").fetchone()[0]
    finally:
        connection.close()


def run(capsys, *argv) -> tuple[int, str]:
    code = main.main([str(part) for part in argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def run_process(*argv, **env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "MEDIATION_HABITAT_PHRASE"}
    environment.update(QT_QPA_PLATFORM="offscreen", **env)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, argv)], cwd=ROOT, capture_output=True,
                          text=True, env=environment, stdin=subprocess.DEVNULL, timeout=90)


@pytest.fixture
def good_backup(demo_db):
    from core.backups import backup_now

    path, _ = backup_now(demo_db)
    demo_db.dispose()
    return path


def test_a_new_base_is_ours_from_creation(db_path):
    open_database(db_path).dispose()
    assert application_id(db_path) == APPLICATION_ID
    assert not list(db_path.parent.glob(".*creation*"))  # built aside, linked into place whole


def test_an_older_base_of_ours_is_recognised_and_stamped(db, db_path):
    db.dispose()
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA application_id = 0")  # as every base made before the stamp existed
    connection.close()
    assert application_id(db_path) == 0
    open_database(db_path, create=False).dispose()
    assert application_id(db_path) == APPLICATION_ID


def foreign_with_tables(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.executescript("CREATE TABLE recettes (id INTEGER PRIMARY KEY, nom TEXT);"
                             "INSERT INTO recettes (nom) VALUES ('carbonade flamande');")
    connection.close()


def foreign_alembic_empty_version(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.executescript("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY);"
                             "CREATE TABLE factures (id INTEGER PRIMARY KEY, montant REAL);")
    connection.close()


def foreign_application_id(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.executescript("PRAGMA application_id = 1179406916; CREATE TABLE cases (id INTEGER PRIMARY KEY);")
    connection.close()


@pytest.mark.parametrize("make", [foreign_with_tables, foreign_alembic_empty_version, foreign_application_id],
                         ids=["own tables", "empty version table", "another application_id"])
def test_another_programs_file_is_refused_without_a_single_write(tmp_path, capsys, make):
    path = tmp_path / "autre.sqlite3"
    make(path)
    before = digest(path)
    with pytest.raises(ForeignDatabaseError) as error:
        open_database(path)
    assert "n'est pas une base Médiation Habitat" in str(error.value) and "n'a pas été modifié" in str(error.value)
    for command in (["backup"], ["user", "list"], ["demo", "--no-gui"]):
        code, output = run(capsys, "--db", path, *command)
        assert code == 1 and "n'est pas une base Médiation Habitat" in output
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["autre.sqlite3", "home"]  # no -wal, no lock, nothing


def test_an_empty_file_is_damaged_never_new_and_the_backup_is_named(db_path, good_backup, capsys):
    db_path.write_bytes(b"")  # a failed copy, a sync tool
    for command in (["export", "--format", "csv", "-o", db_path.with_name("x.csv")], ["user", "list"],
                    ["demo", "--no-gui"]):
        code, output = run(capsys, "--db", db_path, *command)
        assert code == 1 and "endommagée" in output and "vide (0 octet)" in output
        assert str(good_backup) in output and "restore" in output
    assert db_path.stat().st_size == 0  # no first administrator asked, no table created
    assert probe_file(db_path).kind == "empty"


def test_the_window_offers_the_backup_for_an_empty_file(qtbot, db_path, good_backup, monkeypatch):
    from gui.startup import RecoveryDialog, open_for_window

    db_path.write_bytes(b"")
    offered = {}

    def accept(dialog):
        offered["text"] = dialog.message.text()
        dialog.restore_latest()

    monkeypatch.setattr(RecoveryDialog, "exec", accept)
    database, lock = open_for_window(lambda: open_database(db_path), db_path)
    try:
        assert "vide (0 octet)" in offered["text"] and "Dernière sauvegarde vérifiée" in offered["text"]
        with database.session() as session:
            assert session.connection().exec_driver_sql("SELECT count(*) FROM cases").scalar() == 200
    finally:
        database.dispose()
        lock.release()


def test_a_zeroed_header_is_damage_not_encryption(db_path, good_backup, tmp_path):
    data = bytearray(db_path.read_bytes())
    data[:100] = bytes(100)
    db_path.write_bytes(bytes(data))
    assert probe_file(db_path).kind == "garbage"
    result = run_process("--db", db_path, "check")
    assert result.returncode == 1 and "phrase de passe" not in result.stdout + result.stderr
    assert str(good_backup) in result.stdout
    shot = run_process("--db", db_path, "--screenshot", tmp_path / "f.png")  # unattended: says it, exits
    assert shot.returncode == 1 and "endommagée" in shot.stderr and "Traceback" not in shot.stderr


def test_an_encrypted_base_with_no_one_to_type_the_passphrase_exits_with_a_message(tmp_path):
    from db.open import open_encrypted

    path = tmp_path / "chiffree.sqlite3"
    open_encrypted(path, "une phrase de passe assez longue").dispose()
    assert probe_file(path).kind == "encrypted"
    for argv in (["check"], ["--screenshot", tmp_path / "f.png"]):
        result = run_process("--db", path, *argv)
        assert result.returncode == 1, result.stderr
        assert "pas de terminal" in result.stderr and "MEDIATION_HABITAT_PHRASE" in result.stderr


@pytest.mark.parametrize("command", [["pdf", "fiche", "2026-00001", "-o", "{dir}/f.pdf"],
                                     ["export", "--format", "csv", "-o", "{dir}/l.csv"], ["check"], ["backup"],
                                     ["audit", "verify"], ["user", "list"]],
                         ids=lambda command: command[0])
def test_a_typo_in_db_creates_nothing_for_commands_that_do_not_create(tmp_path, capsys, command):
    typo = tmp_path / "mediation-habitta.sqlite3"
    code, output = run(capsys, "--db", typo, *[part.format(dir=tmp_path) for part in command])
    assert code == 1
    assert "Aucune base à cet endroit" in output or "n'existe pas" in output
    assert not typo.exists() and not list(tmp_path.glob("mediation-habitta*"))


def test_import_into_a_new_file_creates_the_base(tmp_path, capsys):
    source = tmp_path / "dossiers.csv"
    source.write_text("Référence;Nom du ménage\n", encoding="utf-8-sig")
    target = tmp_path / "nouvelle.sqlite3"
    run(capsys, "--db", target, "import", source, "--dry-run")
    assert application_id(target) == APPLICATION_ID


def test_one_window_per_file_whatever_the_name(db, db_path, tmp_path):
    db.dispose()
    link = tmp_path / "raccourci.sqlite3"
    link.symlink_to(db_path)
    with InstanceLock.acquire(db_path):
        with pytest.raises(AlreadyOpenError):
            InstanceLock.acquire(link)
    hard = tmp_path / "autre-nom.sqlite3"
    os.link(db_path, hard)
    with pytest.raises(DatabaseOpenError) as error:
        open_database(hard)
    assert "liens physiques" in str(error.value)
    hard.unlink()
    open_database(link).dispose()  # a symbolic link is followed: the real file, its -wal, its lock


def test_restore_through_a_symbolic_link_replaces_the_real_file(demo_db, db_path, tmp_path, capsys):
    from db.backup import backup_database

    backup = backup_database(demo_db, tmp_path / "copie.sqlite3")
    with demo_db.write() as session:
        session.connection().exec_driver_sql("DELETE FROM journal_entries")
    demo_db.dispose()
    link = tmp_path / "raccourci.sqlite3"
    link.symlink_to(db_path)
    code, output = run(capsys, "--db", link, "restore", backup)
    assert code == 0, output
    assert link.is_symlink() and os.readlink(link) == str(db_path)
    connection = sqlite3.connect(db_path)
    assert connection.execute("SELECT count(*) FROM journal_entries").fetchone()[0] > 0
    connection.close()


def test_restore_refuses_a_foreign_base_and_asks_about_a_missing_checksum(db, db_path, tmp_path, capsys):
    from db.backup import backup_database, checksum_path

    foreign = tmp_path / "autre.sqlite3"
    foreign_alembic_empty_version(foreign)
    checksum_path(foreign).write_text(f"{digest(foreign)}  autre.sqlite3\n")
    db.dispose()
    before = digest(db_path)
    code, output = run(capsys, "--db", db_path, "restore", foreign)
    assert code == 1 and "n'est pas une base Médiation Habitat" in output and digest(db_path) == before
    database = open_database(db_path)
    unsigned = backup_database(database, tmp_path / "sans-somme.sqlite3")
    database.dispose()
    checksum_path(unsigned).unlink()
    code, output = run(capsys, "--db", db_path, "restore", unsigned)
    assert code == 1 and "--sans-somme" in output
    code, output = run(capsys, "--db", db_path, "restore", unsigned, "--sans-somme")
    assert code == 0 and "Base restaurée" in output


def test_a_damaged_base_stops_a_command_before_it_writes(demo_db, db_path, good_backup, tmp_path, capsys):
    from tests.damage import damage_table

    damage_table(db_path, "journal_entries")  # bytes mid-file; the export itself would not read them
    before = digest(db_path)
    code, output = run(capsys, "--db", db_path, "export", "--format", "csv", "-o", tmp_path / "liste.csv")
    assert code == 1 and "endommagée" in output and "rien n'y a été écrit" in output
    assert str(good_backup) in output
    assert digest(db_path) == before and not (tmp_path / "liste.csv").exists()  # no audit event, no file


def test_a_corruption_met_while_working_stops_every_later_write(demo_db, db_path):
    from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError

    from db.engine import Database
    from tests.damage import damage_table

    demo_db.dispose()
    damage_table(db_path, "households")
    database = Database(db_path)
    with pytest.raises(SQLAlchemyDatabaseError):
        with database.session() as session:
            session.connection().exec_driver_sql("SELECT * FROM households").fetchall()
    assert database.damaged
    with pytest.raises(DamagedDatabaseError) as error:
        with database.write():
            pass
    assert "endommagée" in str(error.value)
    database.dispose()
