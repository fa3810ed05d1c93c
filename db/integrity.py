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


Tick = Callable[[int, int, str], None]  # (done, total, step): Progress.update fits; may raise to stop the check
TICK_STEPS = 200_000  # SQLite virtual machine steps between two calls: a few per second
TABLES_STEP = "Lignes vérifiées"
STRUCTURE_STEP = "Vérification de la structure du fichier"


def check_connection(connection, full: bool = False, tick: Tick | None = None) -> CheckReport:
    """`tick(done, total, step)` is called while the check runs: between tables, and from SQLite's progress
    handler, which also lets Ctrl+C stop a long check. Whatever it raises stops the check and reaches the
    caller."""
    started = time.perf_counter()
    report = CheckReport(full=full)
    if tick is not None:
        tick = _Ticker(tick, TABLES_STEP if full else STRUCTURE_STEP)
        connection.set_progress_handler(tick.handler, TICK_STEPS)
    try:
        if full and tick is not None:
            report.problems += _stepwise_integrity(connection, tick)
        else:
            pragma = "integrity_check" if full else "quick_check"
            report.problems += _structure_problems(connection.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})"))
        for table, rowid, parent, _fk in connection.execute("PRAGMA foreign_key_check").fetchmany(MAX_PROBLEMS):
            report.problems.append(
                f"table « {table} », ligne {rowid} : référence vers « {parent} » introuvable"
            )
    except Exception as error:  # noqa: BLE001 - sqlite3 and sqlcipher3 have distinct classes
        if tick is not None and tick.stopped:
            raise tick.stopped[0] from None
        report.problems.append(_unreadable(error))
    finally:
        if tick is not None:
            connection.set_progress_handler(None, 0)
    report.seconds = time.perf_counter() - started
    return report


def _structure_problems(rows) -> list[str]:
    rows = rows.fetchall()
    return [] if rows == [("ok",)] else [f"structure endommagée : {row[0]}" for row in rows]


def _stepwise_integrity(connection, tick: "_Ticker") -> list[str]:
    """The same verdict as one `PRAGMA integrity_check`, in steps that can say how far they are.

    `integrity_check(TABLE)` checks a table, its indexes against its rows and its constraints, but not
    the whole file's page accounting (pages lost or used twice), which `quick_check` adds. The rows
    of each table measure the work done.
    """
    schema = connection.execute("SELECT name, sql LIKE 'CREATE VIRTUAL%' FROM sqlite_schema WHERE type = 'table' "
                                "ORDER BY name").fetchall()
    virtual = [name + "_" for name, is_virtual in schema if is_virtual]
    tables = [(name, _row_estimate(connection, name, any(name.startswith(prefix) for prefix in virtual)))
              for name, is_virtual in schema if not is_virtual]
    total, done = sum(rows for _name, rows in tables), 0
    problems: dict[str, None] = {}  # the two steps may see the same damage: each said once, in order
    tick(0, total, TABLES_STEP)
    for name, rows in tables:
        quoted = name.replace('"', '""')
        try:
            found = _structure_problems(connection.execute(f'PRAGMA integrity_check("{quoted}")'))
        except Exception:  # noqa: BLE001 - a page too damaged to read its rows: the one-statement check words it
            if tick.stopped:
                raise
            tick(0, 0, STRUCTURE_STEP)
            return _structure_problems(connection.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})"))
        problems.update(dict.fromkeys(found))
        done += rows
        tick(done, total, TABLES_STEP)
    tick(0, 0, STRUCTURE_STEP)
    problems.update(dict.fromkeys(_structure_problems(connection.execute(f"PRAGMA quick_check({MAX_PROBLEMS})"))))
    return list(problems)[:MAX_PROBLEMS]


def _row_estimate(connection, table: str, shadow: bool) -> int:
    """Its largest rowid, read from the b-tree's edge; its row count when rowids are not a sequence (a
    full-text index's own tables, which are small) or absent (WITHOUT ROWID); 1 when a damaged page hides
    it (the check itself then says what is wrong)."""
    quoted = table.replace('"', '""')
    queries = [f'SELECT count(*) FROM "{quoted}"']
    if not shadow:
        queries.insert(0, f'SELECT max(rowid) FROM "{quoted}"')
    for sql in queries:
        try:
            return max(1, connection.execute(sql).fetchone()[0] or 0)
        except Exception:  # noqa: BLE001 - no rowid column, or a page that cannot be read
            continue
    return 1


class _Ticker:
    """Passes each figure on, and repeats the last one when SQLite's progress handler calls in between.
    What the tick raises (the user's cancel, Ctrl+C) is kept, to reach the caller once SQLite has stopped."""

    def __init__(self, tick: Tick, step: str) -> None:
        self._tick, self._last = tick, (0, 0, step)
        self.stopped: list[BaseException] = []

    def __call__(self, done: int, total: int, step: str) -> None:
        self._last = (done, total, step)
        try:
            self._tick(done, total, step)
        except BaseException as reason:  # noqa: BLE001 - raised again by check_connection
            self.stopped.append(reason)
            raise

    def handler(self) -> int:
        try:
            self(*self._last)
        except BaseException:  # noqa: BLE001
            return 1  # non-zero: SQLite interrupts the statement
        return 0


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
