"""Once SQLite has a base open, the process never opens that file itself (issue 12).

Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
included; another process's `backup` then deletes the -wal and -shm the window still uses.
The guard below wraps Python's file-opening functions and records every opening of a base
file (or of its -wal/-shm) made while this process already holds a descriptor on it — which
is how the start-up read the header to detect encryption after connecting.
"""
from __future__ import annotations

import builtins
import io
import os
import shutil
import traceback
from pathlib import Path

import pytest

from db.identity import probe_file
from db.open import open_database

SUFFIXES = ("-wal", "-shm", "-journal")


def _base_of(file) -> str | None:
    if isinstance(file, int):
        return None
    try:
        path = os.path.realpath(os.fspath(file))
    except TypeError:
        return None
    for suffix in SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def _descriptors_on(base: str) -> list[str]:
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target == base or any(target == base + suffix for suffix in SUFFIXES):
            held.append(target)
    return held


@pytest.fixture
def open_guard(monkeypatch):
    """Record (path, stack) for each opening of a watched base while the process already holds it open."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc (Linux)")
    watched: set[str] = set()
    violations: list[tuple[str, str]] = []

    def wrap(original):
        def guarded(file, *args, **kwargs):
            base = _base_of(file)
            if base in watched and _descriptors_on(base):
                violations.append((os.fspath(file), "".join(traceback.format_stack(limit=8))))
            return original(file, *args, **kwargs)
        return guarded

    import sqlcipher3

    # sqlcipher3 is a second copy of SQLite: opening a plain base it does not hold breaks the same locks.
    for owner, name in ((builtins, "open"), (io, "open"), (os, "open"), (sqlcipher3, "connect")):
        monkeypatch.setattr(owner, name, wrap(getattr(owner, name)))

    class Guard:
        def watch(self, path) -> None:
            watched.add(os.path.realpath(path))

        def violations(self):
            return violations

    return Guard()


@pytest.fixture
def base(template_bases, tmp_path) -> Path:
    """A copy of the demo base that this test process has not opened yet."""
    path = tmp_path / "base.sqlite3"
    shutil.copyfile(template_bases(True), path)
    return path


def test_the_guard_catches_a_header_read_after_connecting(open_guard, base):
    """What gui/startup.py used to do: detect encryption by reading the file once the base was open."""
    open_guard.watch(base)
    probe_file(base)  # before any connection: allowed
    assert open_guard.violations() == []
    database = open_database(base)
    with database.session() as session:
        session.connection().exec_driver_sql("SELECT count(*) FROM cases").scalar()
    probe_file(base)
    database.dispose()
    assert len(open_guard.violations()) == 1


def test_the_window_never_opens_its_base_outside_sqlite(qtbot, open_guard, base, monkeypatch):
    from core.actor import SYSTEM
    from core.backups import AutoBackup, make_backup, restore_backup
    from core.laptop_copy import write_encrypted_copy
    from core.pdf.service import configure_service_header
    from db.integrity import check_file
    from gui import backup_dialog
    from gui.startup import open_for_window

    open_guard.watch(base)
    monkeypatch.setattr(backup_dialog, "_box", lambda *args, **kwargs: None)
    database, lock = open_for_window(lambda: open_database(base), base, interactive=False)
    try:
        configure_service_header(database, SYSTEM, service_name="Antenne de Roubaix")
        auto = AutoBackup(database)
        first = auto.run()
        assert first is not None, auto.last_error
        assert check_file(base).ok  # the background check's own connection
        made = make_backup(database, SYSTEM)  # « Sauvegarder maintenant »
        write_encrypted_copy(database, SYSTEM, base.with_name("portable.sqlite3"), "une phrase assez longue")
        configure_service_header(database, SYSTEM, service_name="Antenne de Tourcoing")
        restore_backup(database, SYSTEM, made.path)
        controller = backup_dialog.AutoBackupController(database)
        configure_service_header(database, SYSTEM, service_name="Antenne de Wattrelos")
        controller.on_close()  # the backup at close
        assert controller.auto.last_error == "" and controller.auto.last_path is not None
    finally:
        database.dispose()
        lock.release()
    assert open_guard.violations() == [], open_guard.violations()[0][1]


@pytest.mark.parametrize("command", [["backup"], ["export", "--format", "csv", "-o", "{tmp}/liste.csv"], ["check"],
                                     ["audit", "verify"], ["pdf", "en-tete"], ["restore", "{backup}"]],
                         ids=lambda command: command[0])
def test_command_line_tools_never_open_the_base_outside_sqlite(open_guard, base, tmp_path, command):
    import main

    backup = None
    if command[0] == "restore":
        database = open_database(base)
        from db.backup import backup_database

        backup = backup_database(database, tmp_path / "copie.sqlite3")
        database.dispose()
    open_guard.watch(base)
    argv = ["--db", str(base)] + [part.format(tmp=tmp_path, backup=backup) for part in command]
    assert main.main(argv) == 0
    assert open_guard.violations() == [], open_guard.violations()[0][1]
