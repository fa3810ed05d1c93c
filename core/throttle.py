"""Login throttling: failures counted per login name, whether the account exists or not, and per workstation.

A login name's counter grows the same way for an existing account and for a
name nobody has, so « Trop d'essais » says nothing about which logins exist.
The workstation counter adds up failures across every name typed on this
computer, so trying a few passwords on each of many accounts is slowed too.

Each failure is one atomic `INSERT … ON CONFLICT DO UPDATE SET failures = failures + 1
… RETURNING`, so two workstations failing at once on a shared PostgreSQL base both count.
A counter restarts after an hour without failure; a successful login clears its name's counter
(not the workstation's: an attacker with an account of their own must not be able to reset it).
"""
from __future__ import annotations

import socket
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from db.models import LoginThrottle

LOGIN_FREE_ATTEMPTS = 5
WORKSTATION_FREE_ATTEMPTS = 10
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60
QUIET_RESET = timedelta(hours=1)
FORGET_AFTER = timedelta(days=1)


def delay_after(failures: int, free: int = LOGIN_FREE_ATTEMPTS) -> int:
    """Seconds to wait after this many consecutive failures (0 while attempts are free)."""
    if failures < free:
        return 0
    return min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** min(failures - free, 20))


def login_key(login: str) -> str:
    return "identifiant:" + login.strip().lower()[:100]


def workstation_key() -> str:
    return "poste:" + (socket.gethostname() or "inconnu").lower()[:100]


def keys_for(login: str) -> list[tuple[str, int]]:
    """The counters one attempt touches, with the number of free failures each allows."""
    return [(login_key(login), LOGIN_FREE_ATTEMPTS), (workstation_key(), WORKSTATION_FREE_ATTEMPTS)]


def remaining_wait(session: Session, keys: list[str], moment: datetime) -> int:
    """Seconds before another attempt may be judged (0 when none of the counters is waiting)."""
    until = session.scalar(select(func.max(LoginThrottle.locked_until)).where(LoginThrottle.key.in_(keys)))
    if until is None or until <= moment:
        return 0
    return int((until - moment).total_seconds()) + 1


def _upsert(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def count_failure(session: Session, key: str, free: int, moment: datetime) -> int:
    """Add one failure to `key` atomically; set and return its wait in seconds."""
    insert = _upsert(session)
    statement = insert(LoginThrottle).values(key=key, failures=1, last_failure_at=moment)
    quiet = LoginThrottle.last_failure_at < moment - QUIET_RESET
    statement = statement.on_conflict_do_update(
        index_elements=[LoginThrottle.key],
        set_={"failures": case((quiet, 1), else_=LoginThrottle.failures + 1), "last_failure_at": moment},
    ).returning(LoginThrottle.failures)
    failures = session.execute(statement).scalar_one()
    wait = delay_after(failures, free)
    if wait:
        session.execute(LoginThrottle.__table__.update().where(LoginThrottle.key == key)
                        .values(locked_until=moment + timedelta(seconds=wait)))
    return wait


def count_failures(session: Session, login: str, moment: datetime) -> int:
    """One failed attempt on `login` from this workstation; the longest wait it triggers."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < moment - FORGET_AFTER,
                                                func.coalesce(LoginThrottle.locked_until, moment) <= moment))
    return max(count_failure(session, key, free, moment) for key, free in keys_for(login))


def clear_login(session: Session, login: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == login_key(login)))


def locked_logins(session: Session, moment: datetime) -> set[str]:
    prefix = login_key("")
    rows = session.scalars(select(LoginThrottle.key).where(LoginThrottle.key.startswith(prefix),
                                                           LoginThrottle.locked_until > moment))
    return {key[len(prefix):] for key in rows}
