"""Eight `import` commands started together on one server, naming some of the same new landlords."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.actor import SYSTEM
from core.users import add_user
from db import models as m
from db.open import open_database
from db.search import fold
from tests.core.test_import import HEADER, write_csv

pytestmark = pytest.mark.stress  # several processes at once: its own CI step (README « Tests »)

SEAT = str(Path(__file__).with_name("seat.py"))
PASSWORD = "Brume-Tilleul-Quai-42!"
# Shared by every file, spelled differently: one landlord each once matched accents and case ignored.
SHARED = ["SCI Les Épinettes", "sci les epinettes", "Habitat du Nord", "HABITAT DU NORD", "Lille Métropole Habitat"]


def _rows(seat: int) -> list[list[str]]:
    rows = []
    for index in range(50):
        landlord = SHARED[index % len(SHARED)] if index % 2 else f"Propriétaire {seat}-{index % 3}"
        rows.append(["", f"Import{seat}", str(index), "1", "0", str(index + 1), "rue de Lannoy", "59100", "Roubaix",
                     "", "Locataire parc privé", "", "Habitant", "Nouveau", "03/02/2026", "", "", landlord])
    return rows


@pytest.mark.slow
def test_eight_imports_started_together_all_succeed_without_duplicate_landlords(postgres_url, tmp_path):
    database = open_database(postgres_url)
    for seat in range(8):  # one agent per seat
        add_user(database, SYSTEM, f"agent{seat}", f"Agent {seat}", "manager", PASSWORD)
    database.dispose()
    files = [write_csv(tmp_path / f"poste{seat}.csv", _rows(seat), HEADER + ["Bailleur"]) for seat in range(8)]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    flag = tmp_path / "go"
    processes = [subprocess.Popen([sys.executable, SEAT, "cli", str(flag), "--db", postgres_url, "--utilisateur", f"agent{seat}",
                                   "import", str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env) for seat, path in enumerate(files)]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("go.*.ready"))) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)  # every seat loads its modules, then waits for the flag
    flag.touch()
    for process in processes:  # every password typed before any seat's output is read
        process.stdin.write(PASSWORD + "\n")
        process.stdin.close()
    outcomes = [(process.stdout.read(), process.stderr.read(), process.wait(240)) for process in processes]
    for out, err, code in outcomes:
        assert code == 0, err
        assert "50\u00a0dossiers importés" in out
    database = open_database(postgres_url)
    with database.session() as session:
        assert session.scalar(select(func.count(m.Case.id))) == 400
        names = Counter(fold(name) for name in session.scalars(select(m.Partner.name)))
        landlords = session.scalar(select(func.count(func.distinct(m.Dwelling.landlord_id))))
    duplicated = [name for name, count in names.items() if count > 1]
    assert not duplicated
    assert {fold(name) for name in SHARED} <= set(names)
    assert landlords == 3 + 8 * 3  # the 3 shared ones, and 3 of each seat's own
    database.dispose()
