"""A shared office at work: N seats searching, opening and saving cases at the same moment for a while.

    uv run python tests/benchmarks/office.py --db URL [--seats 8] [--seconds 60] [--cases 2000]

Each seat is its own process (as each workstation is), logged in as a manager of the base. Its loop picks
an action at random (a search with its first page of rows 50 %, a case opening with its audit event 35 %,
a save of the case's summary from the version it read 15 %) and times it. A save refused because a
colleague saved the same case meanwhile is counted as a conflict (the application tells the user), not as
an error. The figures: actions per second for the office, median and p95 per action, errors (target: 0).
An empty base is filled with the demo first (--cases).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ["martin", "lefevre", "roubaix", "rue", "lille", "bourgogne", "helene", "2026-00", "moulins", "noel"]


def seat(url: str, seconds: float, seed: int, flag: str) -> dict:
    from sqlalchemy import select

    from core.audit import record_case_opened
    from core.auth import actor_for
    from core.case_list import CaseQuery, case_page, case_rows
    from core.errors import ConflictError, DomainError
    from core.services.cases import update_case
    from db import models as m
    from db.engine import Database

    database = Database(url)
    with database.session() as session:
        actor = actor_for(session.scalars(select(m.User).where(m.User.role == "manager").order_by(m.User.id)).first())
        ids = list(session.scalars(select(m.Case.id).order_by(m.Case.id)))
    hot = ids[:20]  # every seat works on these too, so saves really collide
    rng = random.Random(seed)
    timings: dict[str, list[float]] = {"recherche": [], "ouverture": [], "enregistrement": []}
    errors, conflicts = [], 0
    Path(f"{flag}.{seed}.ready").touch()
    while not os.path.exists(flag):
        time.sleep(0.005)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        roll = rng.random()
        case_id = rng.choice(hot if rng.random() < 0.5 else ids)
        started = time.perf_counter()
        try:
            if roll < 0.5:
                name = "recherche"
                with database.session() as session:
                    page = case_page(session, CaseQuery(text=rng.choice(WORDS), statuses=()), actor=actor,
                                     count_total=False)
                    case_rows(session, page.ids)
            elif roll < 0.85:
                name = "ouverture"
                record_case_opened(database, actor, case_id)
                with database.session() as session:
                    case_rows(session, [case_id])
            else:
                name = "enregistrement"
                with database.session() as session:
                    version = session.get(m.Case, case_id).version
                update_case(database, actor, case_id, {"summary": f"Point du {time.time():.0f} (siège {seed})"},
                            expected_version=version)
        except ConflictError:
            conflicts += 1
            continue
        except DomainError as error:
            errors.append(error.message)
            continue
        except Exception as error:  # noqa: BLE001 - counted and shown
            errors.append(f"{type(error).__name__}: {error}"[:300])
            continue
        timings[name].append(time.perf_counter() - started)
    database.dispose()
    return {"timings": timings, "errors": errors, "conflicts": conflicts}


def prepare(url: str, cases: int) -> None:
    from sqlalchemy import func, select

    from core.demo import build_demo
    from db import models as m
    from db.open import open_database

    database = open_database(url)
    with database.session() as session:
        present = session.scalar(select(func.count(m.Case.id)))
    if not present:
        print(f"Base vide : {cases} dossiers de démonstration…", flush=True)
        build_demo(database, cases=cases, seed=1)
    database.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--seats", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seat", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--flag", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seat is not None:
        print(json.dumps(seat(args.db, args.seconds, args.seat, args.flag)))
        return 0
    prepare(args.db, args.cases)
    flag = Path(tempfile.mkdtemp()) / "go"
    seats = [subprocess.Popen([sys.executable, __file__, "--db", args.db, "--seconds", str(args.seconds),
                               "--seat", str(i), "--flag", str(flag)], stdout=subprocess.PIPE, text=True)
             for i in range(args.seats)]
    deadline = time.monotonic() + 600
    while len(list(flag.parent.glob("go.*.ready"))) < args.seats and time.monotonic() < deadline:
        time.sleep(0.05)  # every seat has imported its modules and read its case ids, and is waiting
    flag.touch()
    results = [json.loads(s.communicate()[0].strip().splitlines()[-1]) for s in seats]
    report(results, args)
    return 1 if any(r["errors"] for r in results) else 0


def report(results: list[dict], args) -> None:
    print(f"\n{args.seats} postes pendant {args.seconds:.0f} s sur {args.db.split('@')[-1]}")
    total = 0
    for name in ("recherche", "ouverture", "enregistrement"):
        samples = sorted(s for r in results for s in r["timings"][name])
        total += len(samples)
        if samples:
            p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
            print(f"  {name:15} {len(samples):6d} actions   médiane {statistics.median(samples) * 1000:7.1f} ms"
                  f"   p95 {p95 * 1000:7.1f} ms")
    errors = [e for r in results for e in r["errors"]]
    print(f"  débit : {total / args.seconds:.1f} actions/s ; conflits signalés à l'utilisateur : "
          f"{sum(r['conflicts'] for r in results)} ; erreurs : {len(errors)} (cible 0)")
    for message in sorted(set(errors))[:5]:
        print(f"    {message}")


if __name__ == "__main__":
    sys.exit(main())
