"""Several seats working on one base at the same moment (PostgreSQL for a shared office, SQLite for one
workstation's file): nothing refused, nothing lost, references unique and contiguous."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from db.open import open_database
from tests.core.trade_helpers import make_user

SEAT = Path(__file__).with_name("seat.py")


def _run_seats(url: str, seats: int, per_seat: int, tmp_path: Path) -> list[dict]:
    database = open_database(url)  # migrated once, before the seats start
    for index in range(seats):
        make_user(database, login=f"siege{index}", role="manager")
    database.dispose()
    flag = tmp_path / "go"
    processes = [subprocess.Popen([sys.executable, str(SEAT), "create", url, str(per_seat), f"siege{index}",
                                   str(flag)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for index in range(seats)]
    flag.touch()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _check_contiguous(results: list[dict], expected: int) -> None:
    refused = [message for r in results for message in r["refused"]]
    assert not refused, f"{len(refused)} creations refused: {Counter(refused).most_common(2)}"
    references = [ref for r in results for ref in r["references"]]
    assert len(references) == len(set(references)) == expected
    numbers = sorted(int(ref[5:]) for ref in references)
    assert numbers == list(range(1, expected + 1))  # contiguous: no number lost, none given twice


@pytest.mark.slow
def test_eight_seats_creating_at_once_on_postgresql(postgres_url, tmp_path):
    _check_contiguous(_run_seats(postgres_url, seats=8, per_seat=50, tmp_path=tmp_path), 400)


@pytest.mark.slow
def test_four_processes_creating_at_once_on_one_sqlite_file(tmp_path):
    url = str(tmp_path / "bureau.sqlite3")
    _check_contiguous(_run_seats(url, seats=4, per_seat=20, tmp_path=tmp_path), 80)
