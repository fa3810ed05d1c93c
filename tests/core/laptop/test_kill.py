"""Check-in killed at random moments: the office base is unchanged or fully merged, never half; it can be
run again. A handful of tries in the suite; MH_KILL_TRIES=50 (the benchmark / long mode) for more."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.audit import verify_chain
from core.laptop import checkin
from core.services import cases, notes
from db import models as m
from db.open import open_database
from tests.core.laptop.helpers import office_with_cases, take_out

pytestmark = pytest.mark.stress  # several processes at once: its own CI step (README « Tests »)

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import sys
from core.actor import Actor
from core.laptop import checkin
from db.open import open_database
office = open_database(sys.argv[1], create=False)
print("ouvert", flush=True)
checkin(office, Actor(int(sys.argv[3]), "sabrina", "agent"), sys.argv[2])
print("fini", flush=True)
"""


def _run(office: Path, laptop_file: Path, agent) -> subprocess.Popen:
    """The check-in in another process, once it has opened the office base (imports done)."""
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, str(office), str(laptop_file), str(agent.user_id)],
                               cwd=ROOT, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout.readline().strip() == b"ouvert"
    return process


def _copy(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _state(path: Path) -> dict:
    database = open_database(path, create=False)
    try:
        with database.session() as session:
            return {
                "entries": session.scalar(select(func.count(m.JournalEntry.id))),
                "events": session.scalar(select(func.count(m.AuditEvent.id))),
                "checkins": session.scalar(select(func.count(m.Checkin.id))),
                "summaries": sorted(session.scalars(select(m.Case.summary))),
                "cases": session.scalar(select(func.count(m.Case.id))),
                # the chain only: the anchor file outlives the copies this test puts back in place
                "chain_problems": [p.describe() for p in verify_chain(session)[1]],
            }
    finally:
        database.dispose()


def test_a_killed_checkin_leaves_the_office_unchanged_or_fully_merged(db, tmp_path):
    agent, manager, ids = office_with_cases(db, 4)
    _result, laptop = take_out(db, agent, tmp_path / "portable.sqlite3", ids)
    for number, case_id in enumerate(ids):
        cases.update_case(laptop, agent, case_id, {"summary": f"portable {number}"})
        for line in range(5):
            notes.add_note(laptop, agent, case_id, f"note {number}.{line}")
    laptop.dispose()
    db.dispose()
    office_template, laptop_template = tmp_path / "bureau-modele.sqlite3", tmp_path / "portable-modele.sqlite3"
    _copy(db.path, office_template)
    _copy(tmp_path / "portable.sqlite3", laptop_template)
    before = _state(office_template)
    office, laptop_file = tmp_path / "bureau.sqlite3", tmp_path / "p.sqlite3"
    _copy(office_template, office)
    _copy(laptop_template, laptop_file)
    reference = _run(office, laptop_file, agent)
    started = time.monotonic()
    assert reference.wait() == 0  # not killed: how long the check-in itself takes, once the base is open
    duration = time.monotonic() - started
    merged = _state(office)
    assert merged["entries"] > before["entries"] and merged["checkins"] == 1
    outcomes = []
    for _try in range(int(os.environ.get("MH_KILL_TRIES", "4"))):
        _copy(office_template, office)
        _copy(laptop_template, laptop_file)
        process = _run(office, laptop_file, agent)
        started = time.monotonic()
        time.sleep(random.uniform(0, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = _state(office)
        assert after in (before, merged), after
        outcomes.append(f"{'fusionné' if after == merged else 'inchangé'} à {time.monotonic() - started:.2f} s")
        checkin(open_database(office, create=False), agent, laptop_file)  # run again: always ends merged
        assert _state(office) == merged
    print(f"check-in (base ouverte) : {duration:.2f} s ; essais tués :", ", ".join(outcomes))
