"""One seat of a shared office, run as its own process by the concurrency tests.

    python tests/concurrency/seat.py create URL COUNT LOGIN FLAG
    python tests/concurrency/seat.py login URL - LOGIN FLAG
    python tests/concurrency/seat.py cli FLAG MAIN.PY-ARGUMENTS...

Waits for the start file (so every seat begins at the same moment), then creates COUNT cases through
the real service, and prints one JSON line: the references it got and the French messages of refusals.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def wait_for_start(flag: str) -> None:
    deadline = time.monotonic() + 60
    while not os.path.exists(flag) and time.monotonic() < deadline:
        time.sleep(0.005)


def create(url: str, count: int, login: str, flag: str) -> dict:
    from sqlalchemy import select

    from core.auth import actor_for
    from core.errors import DomainError
    from db import models as m
    from db.engine import Database
    from tests.core.trade_helpers import new_case

    database = Database(url)
    with database.session() as session:
        actor = actor_for(session.scalars(select(m.User).where(m.User.login == login)).one())
    wait_for_start(flag)
    references, refused = [], []
    for index in range(count):
        try:
            case_id = new_case(database, actor, last_name=f"Siège {login}", first_name=str(index))
        except DomainError as error:
            refused.append(error.message)
            continue
        with database.session() as session:
            references.append(session.get(m.Case, case_id).reference)
    database.dispose()
    return {"references": references, "refused": refused}


def edit(url: str, seconds: float, login: str, flag: str) -> dict:
    """Save the summary of random cases among the first 20, each time from the version just read."""
    import random

    from sqlalchemy import select

    from core.auth import actor_for
    from core.errors import ConflictError
    from core.services.cases import update_case
    from db import models as m
    from db.engine import Database

    database = Database(url)
    with database.session() as session:
        actor = actor_for(session.scalars(select(m.User).where(m.User.login == login)).one())
        ids = list(session.scalars(select(m.Case.id).order_by(m.Case.id).limit(20)))
    rng = random.Random(login)
    acknowledged, refused, errors = [], [], []
    wait_for_start(flag)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        case_id = rng.choice(ids)
        with database.session() as session:
            version = session.get(m.Case, case_id).version
        token = f"{login}-{len(acknowledged) + len(refused)}"
        try:
            update_case(database, actor, case_id, {"summary": token}, expected_version=version)
            acknowledged.append([case_id, token])
        except ConflictError as error:
            refused.append(error.message)
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(f"{type(error).__name__}: {error}"[:300])
    database.dispose()
    return {"acknowledged": acknowledged, "refused": refused, "errors": errors}


def wrong_login(url: str, login: str, flag: str) -> dict:
    """One wrong password on `login`, at the same moment as the other seats."""
    from core.auth import AuthenticationError, authenticate
    from db.engine import Database

    database = Database(url)
    wait_for_start(flag)
    try:
        authenticate(database, login, "pas-le-bon-mot-de-passe")
        outcome = {"accepted": True}
    except AuthenticationError as error:
        outcome = {"refused": error.message}
    except Exception as error:  # noqa: BLE001 - reported to the test
        outcome = {"error": f"{type(error).__name__}: {error}"[:300]}
    database.dispose()
    return outcome


def command_line(flag: str, argv: list[str]) -> int:
    """The real command line (main.py), its modules loaded before the start so that the seats overlap."""
    import main

    Path(f"{flag}.{os.getpid()}.ready").touch()
    wait_for_start(flag)
    return main.main(argv)


if __name__ == "__main__":
    if sys.argv[1] == "cli":
        sys.exit(command_line(sys.argv[2], sys.argv[3:]))
    command, url, count, login, flag = sys.argv[1:6]
    if command == "create":
        print(json.dumps(create(url, int(count), login, flag)))
    elif command == "login":
        print(json.dumps(wrong_login(url, login, flag)))
    elif command == "edit":
        print(json.dumps(edit(url, float(count), login, flag)))
