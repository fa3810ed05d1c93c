"""Shared steps of the laptop tests: an office with a few cases, a check-out, the laptop opened."""
from __future__ import annotations

import io

from sqlalchemy import select

from core.laptop import Selection, checkout
from db import models as m
from db.open import open_database
from tests.core.trade_helpers import make_user, new_case

PHRASE = "une phrase de passe de terrain"


def png(colour="blue") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(out, "PNG")
    return out.getvalue()


def office_with_cases(database, count=3, login="sabrina"):
    """(agent actor, [case ids]) : cases assigned to an agent of the office."""
    agent = make_user(database, login=login, role="agent")
    manager = make_user(database, login=f"resp-{login}", role="manager")
    ids = [new_case(database, manager, last_name=f"Famille{i}", first_name="Anne") for i in range(count)]
    from core.services.cases import assign_agent

    for case_id in ids:
        assign_agent(database, manager, case_id, agent.user_id)
    return agent, manager, ids


def references(database, ids) -> tuple[str, ...]:
    with database.session() as session:
        return tuple(session.scalars(select(m.Case.reference).where(m.Case.id.in_(ids)).order_by(m.Case.id)))


def take_out(database, actor, target, ids, encrypt=False):
    result = checkout(database, actor, target, Selection(references=references(database, ids)),
                      PHRASE if encrypt else None, encrypt=encrypt)
    return result, open_database(target, create=False, passphrase=PHRASE if encrypt else None)
