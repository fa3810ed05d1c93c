"""The scope matrix of the read side: every registered query, called as an agent on a base where most
cases lie outside her scope, returns no reference, no name and no count from outside it; a manager sees
all; a read that needs a permission refuses an agent in French."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass

import pytest
from sqlalchemy import select

import core.queries
import tests.core.query_args
from core.access import PERMISSIONS, agent_can_reach_case
from core.actor import Actor
from core.auth import actor_for
from core.errors import PermissionDenied
from db import models as m


def _arguments() -> dict:
    merged = {}
    for info in pkgutil.iter_modules(tests.core.query_args.__path__):
        module = importlib.import_module(f"tests.core.query_args.{info.name}")
        for name, make in module.ARGUMENTS.items():
            assert name not in merged, f"arguments for {name} given twice"
            merged[name] = make
    return merged


QUERIES = core.queries.load_all()
ARGUMENTS = _arguments()


@dataclass
class ScopeContext:
    database: object
    agent: Actor
    manager: Actor
    inside_case_id: int
    outside_case_id: int
    outside_texts: frozenset[str]  # references and household names of cases the agent may not see
    inside_count: int
    total_count: int


@pytest.fixture
def context(demo_db) -> ScopeContext:
    return scope_context(demo_db)


def scope_context(demo_db) -> ScopeContext:
    """The agent, the manager and the cases in and out of the agent's scope, on a base filled by the demo."""
    with demo_db.session() as session:
        agent_user = session.scalars(select(m.User).where(m.User.role == "agent").order_by(m.User.id)).first()
        agent = actor_for(agent_user)
        manager = actor_for(session.scalars(select(m.User).where(m.User.role == "manager")).first())
        rows = session.execute(select(m.Case.id, m.Case.reference, m.Household.last_name, m.Household.first_name)
                               .join(m.Household, m.Household.id == m.Case.household_id).order_by(m.Case.id)).all()
        inside = [r for r in rows if agent_can_reach_case(session, agent, r.id)]
        outside = [r for r in rows if not agent_can_reach_case(session, agent, r.id)]
    inside_names = {r.last_name.upper() for r in inside}
    texts = {r.reference for r in outside}
    texts |= {r.last_name.upper() for r in outside if r.last_name.upper() not in inside_names}
    assert 0 < len(inside) < len(outside), "the base must hold mostly cases outside the agent's scope"
    return ScopeContext(demo_db, agent, manager, inside[0].id, outside[0].id, frozenset(texts), len(inside),
                        len(rows))


def test_every_registered_query_has_example_arguments():
    missing = sorted(set(QUERIES) - set(ARGUMENTS))
    assert not missing, f"give example arguments in tests/core/query_args/ for: {missing}"
    unknown = sorted(set(ARGUMENTS) - set(QUERIES))
    assert not unknown, f"arguments for queries that do not exist: {unknown}"


def test_no_public_read_function_in_core_queries_escapes_the_registry():
    """A function taking (session, actor, ...) in core/queries that is not registered skips the scope test."""
    escaping = []
    for info in pkgutil.iter_modules(core.queries.__path__):
        module = importlib.import_module(f"core.queries.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            params = list(inspect.signature(function).parameters)
            if params[:2] == ["session", "actor"] and not hasattr(function, "query_name"):
                escaping.append(f"{module.__name__}.{name}")
    assert not escaping


def _as_text(value) -> str:
    return repr(value).upper()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_an_agent_sees_nothing_outside_her_scope(context, name):
    spec = QUERIES[name]
    if context.agent.role not in PERMISSIONS[spec.permission]:
        with pytest.raises(PermissionDenied) as refused:
            args, kwargs = ARGUMENTS[name](context)
            spec.function(context.database, context.agent, *args, **kwargs)
        assert "Votre rôle ne permet pas" in refused.value.message
        return
    args, kwargs = ARGUMENTS[name](context)
    if spec.case_arg:
        with pytest.raises(PermissionDenied):
            outside_args, outside_kwargs = ARGUMENTS[name](context, outside=True)
            spec.function(context.database, context.agent, *outside_args, **outside_kwargs)
    result = _as_text(spec.function(context.database, context.agent, *args, **kwargs))
    leaked = sorted(text for text in context.outside_texts if text in result)
    assert not leaked, f"{name} shows an agent {len(leaked)} references or names outside her scope: {leaked[:5]}"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_a_manager_reads_every_query(context, name):
    spec = QUERIES[name]
    args, kwargs = ARGUMENTS[name](context)
    if context.manager.role not in PERMISSIONS[spec.permission]:  # an administrator's screen
        with pytest.raises(PermissionDenied):
            spec.function(context.database, context.manager, *args, **kwargs)
        return
    spec.function(context.database, context.manager, *args, **kwargs)
