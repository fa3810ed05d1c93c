"""One seat of a shared office, run as its own process by the concurrency tests.

    python tests/concurrency/seat.py create URL COUNT LOGIN

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


if __name__ == "__main__":
    command, url, count, login, flag = sys.argv[1:6]
    if command == "create":
        print(json.dumps(create(url, int(count), login, flag)))
