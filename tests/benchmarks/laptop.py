"""Field laptops (issue 16): check-out of 300 cases with 500 photos, check-in of a day's and a month's work.

    uv run python tests/benchmarks/laptop.py [--db URL] [--keep DIR] [--tuer]

An office base of 400 demo cases (a temporary SQLite file, or --db: an empty PostgreSQL base to fill) gets
500 photos of about 150 kB on 300 of its cases. Check-out: those 300 cases, SQLCipher-encrypted with the
application's real key derivation (target ≤ 30 s). Then, on that laptop base, real service calls (summaries,
household and dwelling fields, journal entries, tasks), while the office edits some of the same fields
(conflicts): a day = 20 cases, 60 changes (target ≤ 5 s), a month = 300 cases, 2,000 changes (≤ 30 s).
Only checkout() and checkin() are timed; the figures are printed. --tuer also runs the kill test of the
check-in 50 times (MH_KILL_TRIES=50).
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
PHRASE = "phrase de passe du banc d'essai"


def build_office(target, photos: int = 500):
    from sqlalchemy import insert, select

    from core.demo import build_demo
    from db import models as m
    from db.open import open_database

    office = open_database(target)
    build_demo(office, cases=400, seed=16, today=date(2026, 11, 25))
    rng = random.Random(16)
    with office.session() as session:
        ids = list(session.scalars(select(m.Case.id).order_by(m.Case.id)))[:300]
    with office.write() as session:
        for number in range(photos):
            content = rng.randbytes(150_000)
            session.execute(insert(m.Attachment.__table__).values(
                case_id=ids[number % len(ids)], filename=f"photo-{number}.jpg", mime_type="image/jpeg",
                size_bytes=len(content), sha256=f"{number:064d}", caption="", content=content,
                uuid=f"00000000-0000-4000-8000-{number:012d}"))
    return office, ids


def work(laptop, office, actor, ids, changes: int, seed: int) -> None:
    """`changes` service calls on the laptop over those cases; the office edits 5 % of the same fields."""
    from datetime import date as day

    from core.services import cases, notes, tasks

    rng = random.Random(seed)
    for number in range(changes):
        case_id = ids[number % len(ids)]
        kind = rng.choice(["summary", "note", "note", "first_name", "floor", "task"])
        if kind == "summary":
            cases.update_case(laptop, actor, case_id, {"summary": f"terrain {number}"})
            if rng.random() < 0.05:
                cases.update_case(office, actor, case_id, {"summary": f"bureau {number}"})
        elif kind == "note":
            notes.add_note(laptop, actor, case_id, f"Note de terrain {number}")
        elif kind == "first_name":
            cases.update_household(laptop, actor, case_id, {"first_name": f"Prénom{number}"})
        elif kind == "floor":
            cases.update_dwelling(laptop, actor, case_id, {"floor": str(number % 12)})
        else:
            tasks.create_task(laptop, actor, f"Rappel {number}", day(2027, 1, 15), case_id=case_id)


def timed(label: str, target: float, function):
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    verdict = "OK" if seconds <= target else "AU-DELÀ DE LA CIBLE"
    print(f"{label:<58} {seconds:7.2f} s   (cible ≤ {target:.0f} s) {verdict}", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="base PostgreSQL vide à remplir (par défaut un fichier SQLite temporaire)")
    parser.add_argument("--keep", help="dossier où garder les bases (par défaut un dossier temporaire)")
    parser.add_argument("--tuer", action="store_true", help="lancer aussi 50 essais du test d'interruption")
    args = parser.parse_args()
    from sqlalchemy import select

    from core.actor import SYSTEM
    from core.laptop import Selection, checkin, checkout
    from db import models as m
    from db.open import open_database

    folder = Path(args.keep or tempfile.mkdtemp(prefix="mh-portable-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    office, ids = build_office(args.db or folder / "bureau.sqlite3")
    print(f"Base du bureau : {office.describe()} (préparée en {time.perf_counter() - started:.0f} s)")
    with office.session() as session:
        references = tuple(session.scalars(select(m.Case.reference).where(m.Case.id.in_(ids))))
    for name, cases_worked, changes in (("jour", 20, 60), ("mois", 300, 2000)):
        target = folder / f"portable-{name}.sqlite3"
        result = timed(f"Emport : {len(references)} dossiers, pièces jointes (chiffré)", 30,
                       lambda t=target: checkout(office, SYSTEM, t, Selection(references=references), PHRASE))
        if name == "jour":
            print(f"  {result.attachment_count} photos, fichier de {target.stat().st_size / 1e6:.0f} Mo")
        laptop = open_database(target, create=False, passphrase=PHRASE)
        work(laptop, office, SYSTEM, ids[:cases_worked], changes, seed=len(name))
        laptop.dispose()
        target_seconds = 5 if name == "jour" else 30
        period = "d'une journée" if name == "jour" else "d'un mois"
        report = timed(f"Retour {period} : {cases_worked} dossiers, "
                       f"{changes} modifications", target_seconds, lambda t=target: checkin(office, SYSTEM, t, PHRASE))
        print(f"  ajouts {len(report.created)}, modifications {len(report.updated)}, conflits {len(report.conflicts)}, "
              f"événements repris {report.audit_events}")
    office.dispose()
    if args.tuer:
        environment = {**os.environ, "MH_KILL_TRIES": "50"}
        subprocess.run([sys.executable, "-m", "pytest", "-n", "0", "-q", "-s", "tests/core/laptop/test_kill.py"],
                       cwd=ROOT, env=environment, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
