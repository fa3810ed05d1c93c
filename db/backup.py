"""Live copies of a SQLite database, made with the backup API (never a file copy)."""
from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from db.engine import Database, data_dir
from db.errors import DatabaseError


def default_backup_dir() -> Path:
    return data_dir() / "sauvegardes"


def copy_database(source: Path, target: Path) -> Path:
    """Copy a live SQLite database to `target` atomically, verified, fsynced."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partiel")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()
    verdict = quick_check(partial)
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"La copie de sauvegarde est défectueuse ({verdict}) : elle a été écartée.")
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    _fsync_dir(target.parent)
    return target


def quick_check(path: Path) -> str:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        connection.close()
    return "ok" if rows == [("ok",)] else "; ".join(r[0] for r in rows[:5])


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_before_migration(database: Database, backup_dir: Path | None = None) -> Path:
    directory = backup_dir or default_backup_dir()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = directory / f"avant-migration-{stamp}-{database.path.stem}.sqlite3"
    return copy_database(database.path, target)
