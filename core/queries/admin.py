"""Reads of the administration screens: user accounts, the audit trail, retention and the settings
behind them. Each one but the idle-lock delay is for administrators only (its permission is declared)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.actor import Actor
from core.audit import EventFilter, int_setting, retention_months
from core.queries import query
from core.retention import ANONYMOUS_NAME, cutoff
from core.services.settings import DEFAULT_LOCK_MINUTES, LOCK_SETTING, MAX_LOCK_MINUTES
from core.throttle import locked_logins
from db import models as m
from db.base import now
from db.vocab import ROLES


# -- user accounts ------------------------------------------------------------------------------
@dataclass(frozen=True)
class UserRow:
    id: int
    login: str
    full_name: str
    role: str
    active: bool
    has_password: bool
    sectors: tuple[str, ...]
    locked: bool

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


@query("admin.comptes", permission="user.manage")
def list_users(session: Session, actor: Actor, include_inactive: bool = True) -> tuple[UserRow, ...]:
    """Every account, active ones first; `locked` while the login is throttled after failures."""
    statement = select(m.User).options(selectinload(m.User.sectors)).order_by(m.User.active.desc(), m.User.login)
    if not include_inactive:
        statement = statement.where(m.User.active.is_(True))
    locked = locked_logins(session, now())  # throttled by login name (core.throttle)
    return tuple(
        UserRow(u.id, u.login, u.full_name, u.role, u.active, bool(u.password_hash),
                tuple(sorted(n.name for n in u.sectors)), u.login in locked)
        for u in session.scalars(statement)
    )


@query("admin.delai_verrouillage", permission="account.self")
def session_lock_minutes(session: Session, actor: Actor) -> int:
    """Idle minutes before a session locks (every user's session reads it at login)."""
    return min(MAX_LOCK_MINUTES, max(1, int_setting(session, LOCK_SETTING, DEFAULT_LOCK_MINUTES)))


# -- audit trail ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: datetime
    user_login: str
    action: str
    entity: str
    entity_id: str
    details: str


@dataclass(frozen=True)
class AuditChoices:
    logins: tuple[str, ...]
    actions: tuple[str, ...]


@query("admin.journal", permission="audit.read")
def find_events(session: Session, actor: Actor, criteria: EventFilter | None = None) -> tuple[AuditRow, ...]:
    """The events an administrator asked for, newest first (at most criteria.limit)."""
    criteria = criteria or EventFilter()
    event = m.AuditEvent
    statement = select(event.id, event.occurred_at, event.user_login, event.action, event.entity, event.entity_id,
                       event.details).order_by(event.id.desc()).limit(criteria.limit)
    if criteria.since:
        statement = statement.where(event.occurred_at >= criteria.since)
    if criteria.until:
        statement = statement.where(event.occurred_at <= criteria.until)
    if criteria.login:
        statement = statement.where(event.user_login == criteria.login)
    if criteria.action:
        statement = statement.where(event.action.startswith(criteria.action))
    if criteria.entity:
        statement = statement.where(event.entity == criteria.entity)
    if criteria.entity_id:
        statement = statement.where(event.entity_id == str(criteria.entity_id))
    return tuple(AuditRow(*row) for row in session.execute(statement))


@query("admin.journal_filtres", permission="audit.read")
def audit_filter_choices(session: Session, actor: Actor) -> AuditChoices:
    """The logins and actions the trail holds, for the audit window's filters."""
    logins = session.scalars(select(m.AuditEvent.user_login).distinct().order_by(m.AuditEvent.user_login))
    actions = session.scalars(select(m.AuditEvent.action).distinct().order_by(m.AuditEvent.action))
    return AuditChoices(tuple(logins), tuple(actions))


# -- retention ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StaleCase:
    id: int
    reference: str
    household: str
    status: str
    last_activity: datetime | None
    months_without_contact: int


@query("admin.conservation_journal", permission="retention.manage")
def audit_retention(session: Session, actor: Actor) -> int:
    """Months the audit trail is kept."""
    return retention_months(session)


@query("admin.dossiers_sans_contact", permission="retention.manage")
def stale_cases(session: Session, actor: Actor, today: date | None = None) -> tuple[StaleCase, ...]:
    """Cases with no contact for 24 months that still hold personal data, oldest first."""
    limit = cutoff(today)
    today = today or date.today()
    rows = session.execute(
        select(m.Case.id, m.Case.reference, m.Household.last_name, m.Household.first_name, m.Case.status,
               m.Case.last_activity_at)
        .join(m.Household, m.Household.id == m.Case.household_id)
        .where(m.Case.last_activity_at < limit, m.Household.last_name != ANONYMOUS_NAME)
        .order_by(m.Case.last_activity_at, m.Case.id)
    ).all()
    return tuple(
        StaleCase(r[0], r[1], f"{r[2].upper()} {r[3]}".strip(), r[4], r[5],
                  (today.year - r[5].year) * 12 + today.month - r[5].month if r[5] else 0)
        for r in rows
    )
