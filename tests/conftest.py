"""Test fixtures: a fresh temporary database per test, Qt offscreen.

QT_QPA_PLATFORM must be set before Qt is imported, or Qt aborts without a display.
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

DEMO_TODAY = date(2026, 11, 25)


def pytest_configure(config):
    """Bytecode for the project's modules, written once before the workers start: the many tests that run
    `main.py` in a child process would otherwise compile every module from source each time (the
    machines set PYTHONDONTWRITEBYTECODE), about 2 s of CPU per child."""
    if hasattr(config, "workerinput"):
        return
    import compileall

    root = Path(__file__).resolve().parents[1]
    for folder in ("core", "db", "gui", "tests"):
        compileall.compile_dir(root / folder, quiet=2)
    compileall.compile_file(root / "main.py", quiet=2)


BACKGROUND_SETTLE_S = 30


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """A test's background reads end, and their results reach its windows, before pytest-qt closes them and
    the base is disposed: a read still running would otherwise report into the next test, on a window
    already deleted (an error dialog there waits for a click nobody gives, until the timeout kills the
    worker)."""
    settle_background_jobs()
    yield


def settle_background_jobs() -> None:
    import sys
    import time

    workers = sys.modules.get("gui.workers")
    if workers is None:
        return
    from PySide6.QtCore import QCoreApplication, QThreadPool

    if QCoreApplication.instance() is None:
        return
    errors = sys.modules.get("gui.errors")
    hook = sys.excepthook
    if errors is not None and hook is errors.report_exception:  # a late error prints: no dialog nobody closes
        sys.excepthook = sys.__excepthook__
    try:
        pool = QThreadPool.globalInstance()
        deadline = time.monotonic() + BACKGROUND_SETTLE_S
        while time.monotonic() < deadline:
            pool.waitForDone(50)
            QCoreApplication.processEvents()
            if not workers._alive and not workers._idle_waiters and pool.activeThreadCount() == 0:
                return
    finally:
        sys.excepthook = hook


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path, monkeypatch):
    """Every test gets its own data, config and log directories: nothing touches the real ones."""
    home = tmp_path / "home"
    for variable, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state"),
                          ("XDG_CACHE_HOME", "cache")):
        directory = home / sub
        directory.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(variable, str(directory))
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture(scope="session", autouse=True)
def audit_keys_of_the_test_process(tmp_path_factory):
    """The audit trail's keys: no desktop keyring (the headless file fallback, as on a server), and one key
    folder for the whole test process, since the template bases made once are sealed with a key that every
    test copying them must find (HOME and the XDG folders change per test)."""
    from core import audit_key

    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    os.environ[audit_key.KEY_DIR_VARIABLE] = str(tmp_path_factory.mktemp("cles-journal"))
    yield


@pytest.fixture(autouse=True)
def no_start_up_reminder_run(monkeypatch):
    """The main window runs the reminder rules once it has been quiet a while after showing: in the middle of a
    GUI test that would add échéances at a moment that depends on the machine. The tests of that run set
    their own delays."""
    import gui.main_window

    monkeypatch.setattr(gui.main_window, "QUIET_MS", 600_000)
    monkeypatch.setattr(gui.main_window, "LATEST_MS", 600_000)


@pytest.fixture(autouse=True)
def fast_key_derivation():
    """Cheap Argon2id costs in tests only (the application keeps the strong defaults)."""
    from core import auth
    from db import crypto

    auth.use_fast_hashing_for_tests()
    crypto.use_fast_derivation_for_tests()
    yield
    auth.use_default_hashing()
    crypto.use_default_derivation()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.sqlite3"


def _template(directory: Path, with_demo: bool) -> Path:
    """A migrated base (and, with_demo, 200 demo cases), built once per test process, WAL folded in."""
    import sqlite3

    from db.open import open_database

    path = directory / ("demo.sqlite3" if with_demo else "empty.sqlite3")
    database = open_database(path)
    if with_demo:
        from core.demo import build_demo

        build_demo(database, cases=200, seed=7, today=DEMO_TODAY)
    database.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    return path


@pytest.fixture(scope="session")
def template_bases(tmp_path_factory):
    """Migrating takes about a second and the demo a few more: done once per test process, then copied
    for each test (a file copy takes milliseconds). Built lazily, so a run that needs neither builds neither."""
    directory = tmp_path_factory.mktemp("templates")
    built: dict[bool, Path] = {}

    def get(with_demo: bool) -> Path:
        if with_demo not in built:
            built[with_demo] = _template(directory, with_demo)
        return built[with_demo]

    return get


@pytest.fixture
def db(db_path, template_bases, request):
    """A fresh, migrated database with reference data, in a temporary file (a copy of the session's template;
    the demo template when the test asks for demo_db)."""
    import shutil

    from db.open import open_database

    shutil.copyfile(template_bases("demo_db" in request.fixturenames), db_path)
    database = open_database(db_path)
    yield database
    database.dispose()


@pytest.fixture
def demo_db(db):
    """The fresh database filled with 200 deterministic demo cases."""
    return db


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server on a loopback port, for the shared-office option.

    MH_TEST_POSTGRES_URL points at an existing server instead. Without PostgreSQL
    binaries on the machine, the tests that need it are skipped.
    """
    from tests.postgres import running_server

    with running_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty PostgreSQL database on that server, dropped afterwards."""
    from tests.postgres import fresh_database

    with fresh_database(postgres_server) as url:
        yield url
