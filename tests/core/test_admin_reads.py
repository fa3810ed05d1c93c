"""Administration reads and the settings written from dialogs: permission, validation and audit like any write."""
from __future__ import annotations

import dataclasses
import json
from datetime import datetime

import pytest
from sqlalchemy import select, text

from core.access import case_scope_condition
from core.actor import SYSTEM
from core.audit import EventFilter, record_event
from core.auth import actor_for
from core.errors import PermissionDenied, ValidationError
from core.queries.admin import (
    audit_retention,
    find_events,
    list_users,
    session_lock_minutes,
)
from core.queries.window import case_id_by_reference
from core.services.settings import set_audit_retention, set_session_lock_minutes
from db import models as m
from tests.core.trade_helpers import make_user


def _events(db, action: str) -> list[m.AuditEvent]:
    with db.session() as s:
        return list(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action).order_by(m.AuditEvent.id)))


def test_the_idle_lock_delay_is_an_audited_administrator_action(db):
    admin = make_user(db, login="adm", role="admin")
    agent = make_user(db, login="agt", role="agent")
    assert session_lock_minutes(db, agent) == 10  # the default, read by every session at login
    set_session_lock_minutes(db, admin, 25)
    assert session_lock_minutes(db, agent) == 25
    [event] = _events(db, "parametre.verrouillage_session")
    assert event.user_login == "adm" and json.loads(event.details)["valeur"] == 25


@pytest.mark.parametrize("minutes", [0, 121, "dix"])
def test_a_lock_delay_out_of_range_is_refused_in_french_and_nothing_is_saved(db, minutes):
    admin = make_user(db, login="adm", role="admin")
    with pytest.raises(ValidationError) as refused:
        set_session_lock_minutes(db, admin, minutes)
    assert refused.value.field == "session_lock_minutes" and "Le délai de verrouillage" in refused.value.message
    assert session_lock_minutes(db, admin) == 10 and not _events(db, "parametre.verrouillage_session")


def test_only_an_administrator_changes_the_lock_delay(db):
    manager = make_user(db, login="mgr", role="manager")
    with pytest.raises(PermissionDenied) as refused:
        set_session_lock_minutes(db, manager, 30)
    assert "Votre rôle ne permet pas" in refused.value.message


def test_saving_the_audit_retention_purges_older_events_in_the_same_audited_action(db):
    admin = make_user(db, login="adm", role="admin")
    with db.write() as s:
        s.execute(text("DROP TRIGGER audit_events_no_update"))  # only to backdate test rows
        for _ in range(3):
            record_event(s, SYSTEM, "dossier.consultation", "case", 1)
    with db.write() as s:
        oldest = s.scalar(select(m.AuditEvent.id).where(m.AuditEvent.action == "dossier.consultation"))
        s.execute(text("UPDATE audit_events SET occurred_at = :old WHERE id <= :id"),
                  {"old": datetime(2025, 1, 1), "id": oldest + 1})
    changes = set_audit_retention(db, admin, 8)
    assert changes.result == 2 and audit_retention(db, admin) == 8
    assert len(_events(db, "dossier.consultation")) == 1
    [event] = _events(db, "parametre.conservation_journal")
    assert json.loads(event.details) == {"champs": ["audit_retention_months"], "valeur": 8, "supprimes": 2}


def test_a_retention_below_six_months_is_refused_naming_the_field(db):
    admin = make_user(db, login="adm", role="admin")
    with pytest.raises(ValidationError) as refused:
        set_audit_retention(db, admin, 3)
    assert refused.value.field == "audit_retention_months" and "entre 6 et 120 mois" in refused.value.message
    assert audit_retention(db, admin) == 12


def test_audit_rows_and_accounts_are_plain_frozen_values(db):
    admin = make_user(db, login="adm", role="admin")
    set_session_lock_minutes(db, admin, 15)
    [row] = find_events(db, admin, EventFilter(action="parametre."))
    assert row.action == "parametre.verrouillage_session" and row.user_login == "adm"
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.action = "autre"
    accounts = list_users(db, admin)
    assert "adm" in [a.login for a in accounts] and isinstance(accounts, tuple)


def test_a_reference_outside_an_agents_scope_opens_nothing(demo_db):
    with demo_db.session() as s:
        agent = actor_for(s.scalar(select(m.User).where(m.User.role == "agent", m.User.sectors.any())
                                   .order_by(m.User.id)))
        outside = s.scalar(select(m.Case.reference).where(~case_scope_condition(agent)).limit(1))
        inside = s.scalar(select(m.Case.reference).where(case_scope_condition(agent)).limit(1))
        manager = actor_for(s.scalar(select(m.User).where(m.User.role == "manager")))
    assert case_id_by_reference(demo_db, agent, outside) is None
    assert case_id_by_reference(demo_db, agent, f"  {inside} ") is not None
    assert case_id_by_reference(demo_db, manager, outside) is not None
    assert case_id_by_reference(demo_db, manager, "1999-99999") is None
