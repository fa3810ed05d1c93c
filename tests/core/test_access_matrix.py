"""Permissions and audit completeness, found by enumerating every declared service action."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from sqlalchemy import select

import core.services
from core.access import CASE_SCOPED, PERMISSIONS, case_scope_condition, restrict_cases
from core.actor import Actor
from core.errors import PermissionDenied
from core.services.base import ACTIONS, Changes
from db import models as m
from db.vocab import ROLES

SERVICE_MODULES = ["core.users", "core.retention", "core.rgpd_export"]


def _import_all_services() -> list:
    modules = [importlib.import_module(f"core.services.{info.name}") for info in pkgutil.iter_modules(core.services.__path__)]
    for name in SERVICE_MODULES:
        modules.append(importlib.import_module(name))
    return modules


MODULES = _import_all_services()
ALL_ACTIONS = sorted(ACTIONS)

# The policy of the issue, written out: what each role may do.
EXPECTED = {
    "agent": {"case.read", "case.edit", "account.self"},
    "manager": {"case.read", "case.edit", "account.self", "report.read", "export", "import", "commission.manage",
                "backup.manage"},
    "admin": set(PERMISSIONS),
}


def test_there_are_actions_to_check():
    assert len(ALL_ACTIONS) >= 8
    assert {"utilisateur.creation", "conservation.anonymisation"} <= set(ALL_ACTIONS)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_permission_table_matches_the_roles_of_the_issue(role):
    assert {p for p, roles in PERMISSIONS.items() if role in roles} == EXPECTED[role]


def test_every_public_service_function_goes_through_the_action_contract():
    """A function taking (session, actor, ...) in a service module that is not an action would skip checks and audit."""
    bypassing = []
    helpers = {"core.services.base", "core.services.common"}  # building blocks used inside actions
    for module in (mod for mod in MODULES if mod.__name__ not in helpers):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            params = list(inspect.signature(function).parameters)
            if params[:2] == ["session", "actor"] and not hasattr(function, "action_name"):
                bypassing.append(f"{module.__name__}.{name}")
    assert bypassing == []


def _call_with_placeholders(spec, database, actor, case_id):
    signature = inspect.signature(spec.function.in_session)
    kwargs = {}
    for name, param in list(signature.parameters.items())[2:]:
        if param.default is inspect.Parameter.empty and param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            kwargs[name] = None
    if spec.case_arg:
        kwargs[spec.case_arg] = case_id
    return spec.function(database, actor, **kwargs)


def _outside_case(session, agent: Actor) -> int:
    outside = select(m.Case.id).where(~case_scope_condition(agent)).order_by(m.Case.id).limit(1)
    return session.scalar(outside)


@pytest.fixture(scope="module")
def matrix_db(tmp_path_factory):
    from core.demo import build_demo
    from db.open import open_database
    from tests.conftest import DEMO_TODAY

    database = open_database(tmp_path_factory.mktemp("matrix") / "m.sqlite3")
    build_demo(database, cases=40, seed=3, today=DEMO_TODAY)
    yield database
    database.dispose()


def _agent(session) -> Actor:
    user = session.scalar(select(m.User).where(m.User.role == "agent", m.User.sectors.any()).order_by(m.User.id))
    return Actor(user.id, user.login, "agent", user.full_name, frozenset(n.id for n in user.sectors))


@pytest.mark.parametrize("name", ALL_ACTIONS)
def test_permission_matrix(name, matrix_db):
    """Every action against every role: refused exactly when the policy says so, before any change."""
    spec = ACTIONS[name]
    with matrix_db.session() as session:
        agent = _agent(session)
        case_id = _outside_case(session, agent)
    for role in sorted(ROLES):
        actor = agent if role == "agent" else Actor(998 if role == "admin" else 999, role, role)
        should_refuse = role not in PERMISSIONS[spec.permission] or (
            role == "agent" and spec.permission in CASE_SCOPED and spec.case_arg is not None)
        before = _last_event(matrix_db)
        try:
            _call_with_placeholders(spec, matrix_db, actor, case_id)
            refused = False
        except PermissionDenied as error:
            refused = True
            assert error.message and error.message[0].isupper()  # a French sentence for the user
        except Exception:  # noqa: BLE001 - placeholders are not valid input; only the permission matters here
            refused = False
        assert refused == should_refuse, f"{name} / {role}"
        if refused:
            assert _last_event(matrix_db) == before  # a refused call leaves nothing behind


def _last_event(database):
    with database.session() as session:
        return session.scalar(select(m.AuditEvent.id).order_by(m.AuditEvent.id.desc()).limit(1))


def _function_cell(run):
    """The closure cell holding the service function an action wraps (it may sit one helper deeper)."""
    pending = [run]
    while pending:
        code_owner = pending.pop()
        for name, cell in zip(code_owner.__code__.co_freevars, code_owner.__closure__ or ()):
            if name == "function":
                return cell
            if hasattr(cell.cell_contents, "__code__"):
                pending.append(cell.cell_contents)
    raise AssertionError("the action's service function was not found in its closure")


@pytest.mark.parametrize("name", [n for n in ALL_ACTIONS if ACTIONS[n].mutating])
def test_every_mutating_action_writes_an_audit_event(name, db, monkeypatch):
    """The decorator records one event named after the action, with the fields changed."""
    spec = ACTIONS[name]
    run = spec.function
    cell = _function_cell(run)
    original = cell.cell_contents

    def pretend(session, actor, *args, **kwargs):
        return Changes(entity="essai", entity_id=41, fields=["champ_modifie"], case_ids={41})

    cell.cell_contents = pretend
    try:
        _call_with_placeholders(spec, db, Actor(None, "système", "admin"), None)
    finally:
        cell.cell_contents = original
    with db.session() as session:
        event = session.scalar(select(m.AuditEvent).order_by(m.AuditEvent.id.desc()).limit(1))
    assert (event.action, event.entity, event.entity_id) == (name, "essai", "41")
    assert "champ_modifie" in event.details


def test_agent_case_scope_restricts_queries(demo_db):
    with demo_db.session() as session:
        agent = _agent(session)
        visible = set(session.scalars(restrict_cases(select(m.Case.id), agent)))
        everything = set(session.scalars(select(m.Case.id)))
        expected = {
            case.id for case in session.scalars(select(m.Case))
            if case.agent_id == agent.user_id or case.dwelling.neighbourhood_id in agent.sector_ids
        }
        manager = Actor(1, "chef", "manager")
        assert set(session.scalars(restrict_cases(select(m.Case.id), manager))) == everything
    assert visible == expected and 0 < len(visible) < len(everything)


def test_case_list_shows_an_agent_only_their_cases(demo_db):
    from core.case_list import CaseQuery, case_ids, case_page, count_cases

    with demo_db.session() as session:
        agent = _agent(session)
        visible = set(session.scalars(restrict_cases(select(m.Case.id), agent)))
        assert set(case_ids(session, CaseQuery(), actor=agent)) == visible
        assert count_cases(session, agent) == len(visible) < count_cases(session)
        assert case_page(session, CaseQuery(), actor=agent).total == len(visible)
