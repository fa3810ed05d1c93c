"""Who uses the window until the login dialog decides: the first active administrator."""
from __future__ import annotations

from sqlalchemy import select

from core.actor import SYSTEM, Actor
from db import models as m
from db.engine import Database


def actor_for_user(user: m.User) -> Actor:
    return Actor(user_id=user.id, login=user.login, role=user.role, full_name=user.full_name,
                 sector_ids=frozenset(n.id for n in user.sectors))


def default_actor(database: Database) -> Actor:
    with database.session() as session:
        user = session.scalars(
            select(m.User).where(m.User.active.is_(True), m.User.role == "admin").order_by(m.User.id)
        ).first()
        return actor_for_user(user) if user is not None else SYSTEM
