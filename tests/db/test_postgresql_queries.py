"""Every screen's read runs on PostgreSQL too (its SQL is stricter than SQLite's: GROUP BY, types, casts)."""
from __future__ import annotations

import pytest

from core.access import PERMISSIONS
from core.errors import PermissionDenied
from tests.conftest import DEMO_TODAY
from tests.core.test_query_scope import ARGUMENTS, QUERIES, scope_context


@pytest.fixture(scope="module")
def pg_context(postgres_server):
    from core.demo import build_demo
    from db.open import open_database
    from tests.postgres import fresh_database

    with fresh_database(postgres_server) as url:
        database = open_database(url)
        build_demo(database, cases=200, seed=7, today=DEMO_TODAY)
        yield scope_context(database)
        database.dispose()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_runs_on_postgresql_for_a_manager_and_an_agent(pg_context, name):
    spec = QUERIES[name]
    args, kwargs = ARGUMENTS[name](pg_context)
    for actor in (pg_context.manager, pg_context.agent):
        if actor.role not in PERMISSIONS[spec.permission]:
            with pytest.raises(PermissionDenied):
                spec.function(pg_context.database, actor, *args, **kwargs)
            continue
        spec.function(pg_context.database, actor, *args, **kwargs)
