"""Damage a database file as a failing disk would, for the tests of integrity checks and recovery."""
from __future__ import annotations

import sqlite3


def root_page(path, table: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    finally:
        connection.close()


def damage_page(path, page: int, page_size: int = 4096) -> None:
    """Overwrite one b-tree page with garbage."""
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * page_size + 16)
        handle.write(bytes((i * 37 + 11) % 256 for i in range(1000)))


def damage_table(path, table: str) -> None:
    """Bring the WAL into the file (the base must be closed), then damage the table's root page."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    damage_page(path, root_page(path, table))
