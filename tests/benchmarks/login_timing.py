"""Login refusals, timed with the application's real Argon2id cost: does the time tell whether a login exists?

    uv run python tests/benchmarks/login_timing.py [--tries 50]

Prints the median and p90 of a refusal for an existing login, an unknown login, and both once
throttled (« Trop d'essais »), on a throwaway base in a temporary folder.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _timed(database, login: str, tries: int) -> list[float]:
    from core.auth import AuthenticationError, authenticate

    timings = []
    for _ in range(tries):
        started = time.perf_counter()
        try:
            authenticate(database, login, "mauvais-mot-de-passe")
        except AuthenticationError:
            pass
        timings.append(time.perf_counter() - started)
    return timings


def _line(label: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    return (f"{label:<34} médiane {statistics.median(ordered) * 1000:7.1f} ms   "
            f"p90 {ordered[int(len(ordered) * 0.9) - 1] * 1000:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=50)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="mh-login-")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    os.environ["MEDIATION_HABITAT_CLES"] = str(Path(folder) / "cles")
    from core.actor import SYSTEM
    from core.throttle import LOGIN_FREE_ATTEMPTS
    from core.users import add_user
    from db.models import LoginThrottle
    from db.open import open_database

    database = open_database(Path(folder) / "base.sqlite3")
    add_user(database, SYSTEM, "camille", "Camille Martin", "agent", "Beffroi-Lille-2026")
    known, unknown = [], []
    for _round in range(args.tries):
        for login, sink in (("camille", known), ("personne", unknown)):
            with database.write() as session:  # measure the free attempts: no waiting counter yet
                session.query(LoginThrottle).delete()
            sink.extend(_timed(database, login, 1))
    throttled = {login: [] for login in ("camille", "personne")}
    for login in throttled:
        _timed(database, login, LOGIN_FREE_ATTEMPTS)
        throttled[login] = _timed(database, login, args.tries)
    print(_line("refus, identifiant existant", known))
    print(_line("refus, identifiant inconnu", unknown))
    print(_line("« Trop d'essais », existant", throttled["camille"]))
    print(_line("« Trop d'essais », inconnu", throttled["personne"]))
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
