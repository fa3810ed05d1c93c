"""Integrity checks of a SQLite database, reported in French.

`quick_check` (seconds, at start-up) or `integrity_check` (on demand, and before
a restore) plus `foreign_key_check`. They run on any DB-API connection, so an
encrypted (SQLCipher) database is checked through a connection that has its key.
"""
from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

MAX_PROBLEMS = 20
Connect = Callable[[Path, bool], object]  # (path, read_only) -> DB-API connection


def plain_connect(path: Path, read_only: bool = False):
    """A sqlite3 connection to a file; read-only opens cannot create or change it."""
    if read_only:
        return sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True, isolation_level=None)
    return sqlite3.connect(str(path), isolation_level=None)


@dataclass
class CheckReport:
    full: bool
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        kind = "complète (integrity_check)" if self.full else "rapide (quick_check)"
        if self.ok:
            return f"Vérification {kind} : aucun problème ({_seconds(self.seconds)})."
        found = "1 problème trouvé" if len(self.problems) == 1 else f"{len(self.problems)} problèmes trouvés"
        lines = [f"Vérification {kind} : {found} :"]
        lines += [f"  - {problem}" for problem in self.problems]
        lines.append("La base ne doit plus être modifiée : restaurez la dernière sauvegarde vérifiée "
                     "(uv run main.py restore FICHIER, ou menu Fichier › Sauvegardes…).")
        return "\n".join(lines)


def _seconds(seconds: float) -> str:
    """« 3,9 s », as French readers write it (Babel; core.formatting is above this layer)."""
    from babel.numbers import format_decimal

    return format_decimal(seconds, format="#,##0.0", locale="fr_FR").replace("\u202f", "\u00a0") + "\u00a0s"


Tick = Callable[[], None]  # called as the check runs; may raise to stop it (the user's cancel, Ctrl+C)
TICK_STEPS = 200_000  # SQLite virtual machine steps between two calls: a few per second


def check_connection(connection, full: bool = False, tick: Tick | None = None) -> CheckReport:
    """`tick()` is called while the check runs (from SQLite's progress handler, which also lets Ctrl+C stop a
    long check); whatever it raises stops the check and reaches the caller."""
    started = time.perf_counter()
    report = CheckReport(full=full)
    stopped: list[BaseException] = []
    if tick is not None:
        connection.set_progress_handler(_handler(tick, stopped), TICK_STEPS)
    try:
        pragma = "integrity_check" if full else "quick_check"
        rows = connection.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})").fetchall()
        if rows != [("ok",)]:
            report.problems += [f"structure endommagée : {row[0]}" for row in rows]
        for table, rowid, parent, _fk in connection.execute("PRAGMA foreign_key_check").fetchmany(MAX_PROBLEMS):
            report.problems.append(
                f"table « {table} », ligne {rowid} : référence vers « {parent} » introuvable"
            )
    except Exception as error:  # noqa: BLE001 - sqlite3 and sqlcipher3 have distinct classes
        if stopped:
            raise stopped[0] from None
        report.problems.append(_unreadable(error))
    finally:
        if tick is not None:
            connection.set_progress_handler(None, 0)
    report.seconds = time.perf_counter() - started
    return report


def _handler(tick: Tick, stopped: list[BaseException]):
    def handler() -> int:
        try:
            tick()
        except BaseException as reason:  # noqa: BLE001 - kept and raised again once SQLite has stopped
            stopped.append(reason)
            return 1  # non-zero: SQLite interrupts the statement
        return 0
    return handler


def _unreadable(error: Exception) -> str:
    text = str(error).lower()
    if "not a database" in text or "encrypted" in text:
        return "le fichier n'est pas une base SQLite lisible (endommagé, ou chiffré avec une autre clé)"
    if "malformed" in text:
        return "la base est endommagée (image disque malformée)"
    return f"lecture impossible : {error}"


def check_file(path: Path, full: bool = False, connect: Connect = plain_connect, tick: Tick | None = None) -> CheckReport:
    """Check a database file without changing it."""
    path = Path(path)
    if not path.is_file():
        return CheckReport(full=full, problems=[f"le fichier « {path} » n'existe pas"])
    try:
        connection = connect(path, True)
    except Exception as error:  # noqa: BLE001
        return CheckReport(full=full, problems=[_unreadable(error)])
    try:
        return check_connection(connection, full, tick)
    finally:
        connection.close()


def check_database(database, full: bool = False) -> CheckReport:
    """Check an open db.engine.Database (SQLite) through its own driver and key."""
    raw = database.engine.raw_connection()
    try:
        return check_connection(raw.driver_connection, full)
    finally:
        raw.close()
