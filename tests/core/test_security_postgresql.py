"""The hardening holds on a shared PostgreSQL base too: throttling counters, keyed chain, redaction-only updates."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from core.actor import SYSTEM
from core.audit import verify_chain
from core.auth import AuthenticationError, authenticate
from db import models as m
from db.open import open_database


@pytest.fixture
def pg_db(postgres_url):
    database = open_database(postgres_url)
    yield database
    database.dispose()


def test_unknown_logins_are_throttled_on_postgresql(pg_db):
    answers = []
    for _attempt in range(6):
        with pytest.raises(AuthenticationError) as refused:
            authenticate(pg_db, "personne", "mauvais")
        answers.append(refused.value.wait_seconds)
    assert answers[:4] == [0, 0, 0, 0] and answers[4] == 30
    with pg_db.session() as session:
        assert session.scalar(select(m.LoginThrottle.failures).where(m.LoginThrottle.key == "identifiant:personne")) == 5


def test_anonymisation_redacts_the_audit_and_the_chain_still_verifies_on_postgresql(pg_db):
    from core.demo import build_demo
    from core.exports import ExportFilter, export_cases
    from core.retention import anonymise

    build_demo(pg_db, cases=10, seed=3, today=date(2026, 11, 25))
    with pg_db.session() as session:
        case_id, name = session.execute(select(m.Case.id, m.Household.last_name)
                                        .join(m.Household, m.Household.id == m.Case.household_id).limit(1)).one()
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        export_cases(pg_db, SYSTEM, Path(folder) / "x.csv", "csv", filters=ExportFilter(text=name))
    anonymise(pg_db, SYSTEM, [case_id])
    with pg_db.session() as session:
        details = session.scalars(select(m.AuditEvent.details).where(m.AuditEvent.action == "export")).all()
        assert all(name not in d for d in details) and any("(anonymisé)" in d for d in details)
        assert verify_chain(session)[1] == []
    with pytest.raises(DBAPIError, match="ne peut pas être modifié"):
        with pg_db.write() as session:
            session.execute(text("UPDATE audit_events SET user_login = 'x' WHERE id = 1"))
