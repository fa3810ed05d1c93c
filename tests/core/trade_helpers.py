"""Shared helpers for the trade tests: a user, a commune, a ready-made case."""
from __future__ import annotations

import pytest

from sqlalchemy import select

from core.actor import Actor
from core.services import cases
from db import models as m


def make_user(database, login="mgr", role="manager", sectors=()) -> Actor:
    with database.write() as session:
        user = m.User(login=login, full_name=f"Utilisatrice {login}", role=role)
        session.add(user)
        session.flush()
        for nb in sectors:
            session.add(m.UserSector(user_id=user.id, neighbourhood_id=nb))
        user_id = user.id
    return Actor(user_id=user_id, login=login, role=role, full_name=f"Utilisatrice {login}",
                 sector_ids=frozenset(sectors))


def place(database):
    """(commune_id, postcode, qpv neighbourhood id, non-qpv neighbourhood id) of Lille."""
    with database.session() as session:
        commune = session.scalar(select(m.Commune).where(m.Commune.name == "Lille"))
        qpv = next(n.id for n in commune.neighbourhoods if n.is_qpv)
        other = next(n.id for n in commune.neighbourhoods if not n.is_qpv)
        return commune.id, commune.postcode, qpv, other


def new_case(database, actor, last_name="Lefèvre", first_name="Hélène", children=0, area=None, **dwelling) -> int:
    commune_id, postcode, qpv, _ = place(database)
    values = {"street": "rue Pierre Legrand", "street_number": "12", "postcode": postcode, "commune_id": commune_id,
              "neighbourhood_id": qpv, "tenure": "locataire_prive", "living_area_m2": area, **dwelling}
    changes = cases.create_case(database, actor, household={"last_name": last_name, "first_name": first_name,
                                                            "children": children, "phone": "03 20 11 22 33"},
                                dwelling=values, source="habitant", kinds=["habitat_indigne"], objectives=["O3"])
    return changes.result


def item_ids(database, zone=None, count=3) -> list[int]:
    with database.session() as session:
        statement = select(m.DisorderItem.id).order_by(m.DisorderItem.id)
        if zone:
            statement = statement.where(m.DisorderItem.zone == zone)
        return list(session.scalars(statement))[:count]


@pytest.fixture(scope="module")
def shared_demo(tmp_path_factory):
    """200 demo cases built once per test module, for tests that only read."""
    from core.demo import build_demo
    from db.open import open_database
    from tests.conftest import DEMO_TODAY

    folder = tmp_path_factory.mktemp("shared-demo")
    database = open_database(folder / "demo.sqlite3", backup_dir=folder)
    build_demo(database, cases=200, seed=7, today=DEMO_TODAY)
    yield database
    database.dispose()
