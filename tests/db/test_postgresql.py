"""The same models and migrations run on PostgreSQL, for offices sharing one database."""
from datetime import date

import pytest
from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from core.case_list import CaseQuery, case_ids, case_rows
from core.demo import build_demo
from db import models as m
from db.migrate import alembic_config, current_revision, head_revision, run_alembic
from db.open import open_database


@pytest.fixture
def pg_db(postgres_url):
    database = open_database(postgres_url)
    yield database
    database.dispose()


def test_migrations_run_on_postgresql_without_drift(pg_db):
    assert current_revision(pg_db) == head_revision()
    command.check(alembic_config(pg_db))
    run_alembic(pg_db, "downgrade", "base")
    assert current_revision(pg_db) is None
    run_alembic(pg_db, "upgrade", "head")
    assert current_revision(pg_db) == head_revision()


def test_demo_and_accent_free_search_on_postgresql(pg_db):
    build_demo(pg_db, cases=40, seed=5, today=date(2026, 11, 25))
    with pg_db.session() as session:
        assert session.scalar(select(func.count(m.Case.id))) == 40
        accented = session.scalar(select(m.Household.last_name).where(m.Household.last_name.op("~")("[éèëÉ]")))
    assert accented
    from db.search import fold

    with pg_db.session() as session:
        ids = case_ids(session, CaseQuery(text=fold(accented)))
        names = [row.household for row in case_rows(session, ids).values()]
    assert ids and any(accented.upper() in name for name in names)


def test_ids_keep_counting_after_the_bulk_demo(pg_db):
    build_demo(pg_db, cases=5, seed=1, today=date(2026, 11, 25))
    with pg_db.write() as session:
        household = m.Household(last_name="Après-démo", adults=1)
        session.add(household)
    assert household.id > 5


def test_audit_trail_is_append_only_on_postgresql(pg_db):
    with pg_db.write() as session:
        session.add(m.AuditEvent(action="test", user_login="x"))
    with pytest.raises(DBAPIError):
        with pg_db.write() as session:
            session.execute(text("UPDATE audit_events SET action = 'falsifié'"))
    with pytest.raises(DBAPIError):
        with pg_db.write() as session:
            session.execute(text("DELETE FROM audit_events"))



def test_the_bilan_and_the_csv_export_are_the_same_on_postgresql_as_on_sqlite(pg_db, db, tmp_path):
    """Both read the driver's own values (no SQLAlchemy rows): the same demo (same seed) gives the same bilan
    figures and the same CSV file, areas, amounts, dates and flags written alike."""
    from core.actor import SYSTEM
    from core.exports import BY_KEY, export_cases
    from core.pdf.bilan_data import compute_bilan, resolve_scope

    seen = []
    for name, database in (("pg", pg_db), ("sqlite", db)):
        build_demo(database, cases=40, seed=7, today=date(2026, 11, 25))
        with database.session() as session:
            bilan = compute_bilan(session, resolve_scope(session, date(2025, 12, 1), date(2026, 11, 25)))
        by_code = {code: bilan.by_objective.get(objective_id, {}) for objective_id, code, _label in bilan.objectives}
        target = tmp_path / f"{name}.csv"
        export_cases(database, SYSTEM, target, "csv", columns=list(BY_KEY))
        seen.append((bilan.totals, by_code, [row[1] for row in bilan.annex], target.read_text(encoding="utf-8-sig")))
    assert seen[0][0]["suivis"] > 0 and seen[0][0]["visites"] > 0 and seen[0][3].count("\n") == 41
    assert seen[0] == seen[1]
