"""The full check with progress gives the same verdict as SQLite's one-statement integrity_check."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from db.integrity import check_file
from tests.damage import damage_table


def _verdicts(path):
    """(problems found step by step, problems found by the single statement)."""
    return (check_file(path, True, tick=lambda done, total, step: None).problems,
            check_file(path, True).problems)


def _corrupt_index_content(path):
    """An index entry that no longer matches its row, as a bad sector in an index page would leave."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA writable_schema = ON")
    index = connection.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' "
                               "AND tbl_name = 'cases' AND sql IS NOT NULL").fetchone()
    # The index now claims another column list while its pages stay as they were: entries disagree.
    connection.execute("UPDATE sqlite_master SET sql = replace(sql, '(', '(id, ') WHERE name = ?", (index[0],))
    connection.commit()
    connection.close()


def _lose_a_page(path):
    """A page that no b-tree and no free list owns: only the whole-file accounting sees it."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    count = connection.execute("PRAGMA freelist_count").fetchone()[0]
    connection.close()
    if count == 0:  # make free pages, then unlink the free list from the header
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE scratch(x)")
        connection.executemany("INSERT INTO scratch VALUES (?)", [("x" * 3000,)] * 20)
        connection.commit()
        connection.execute("DROP TABLE scratch")
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
    with open(path, "r+b") as handle:  # the base is closed: no lock of ours can be dropped
        handle.seek(32)
        handle.write(bytes(8))  # first free-list trunk page and free-page count: 0


@pytest.mark.parametrize("damage", ["page", "index", "lost_page"])
def test_stepwise_and_single_statement_agree_on_damage(demo_db, tmp_path, damage):
    demo_db.dispose()
    path = tmp_path / "damaged.sqlite3"
    shutil.copyfile(demo_db.path, path)
    if damage == "page":
        damage_table(path, "households")
    elif damage == "index":
        _corrupt_index_content(path)
    else:
        _lose_a_page(path)
    stepwise, single = _verdicts(path)
    assert single, "the damage must be real"
    assert stepwise == single


def test_a_sound_base_passes_both_ways(demo_db):
    demo_db.dispose()
    stepwise, single = _verdicts(demo_db.path)
    assert stepwise == single == []
