"""The read side: one function per thing a screen shows, with the actor's scope applied here.

A query is a plain function `fn(session, actor, ...)` decorated with `@query(name, permission)`.
Called as `fn(database, actor, ...)`, the decorator opens one short read session (closed before it
returns), checks the permission in core (core.access.authorize) and runs the function, which returns
plain frozen dataclasses (or tuples of them, or plain values): never ORM objects, never a live
session. Called with a Session instead of a Database (`fn(session, actor, ...)`), it reuses that
session, so a query can be composed inside another read or a service.

Every query is listed in QUERIES, so one test calls each as an agent on a base where most cases lie
outside her scope and proves that nothing leaks (tests/core/test_query_scope.py), as ACTIONS lets the
tests enumerate the writes.

The scope condition itself lives in core.access (case_scope_condition, restrict_cases): the case list,
every query and the services share it.
"""
from __future__ import annotations

import functools
import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

from core.access import authorize
from core.actor import Actor


@dataclass(frozen=True)
class QuerySpec:
    name: str
    permission: str
    case_arg: str | None
    function: Callable


QUERIES: dict[str, QuerySpec] = {}


def query(name: str, permission: str = "case.read", case_arg: str | None = None):
    """Declare a screen read. `case_arg` names the argument holding a case id the actor must reach."""

    def decorator(function: Callable) -> Callable:
        import inspect

        signature = inspect.signature(function)

        @functools.wraps(function)
        def run(source, actor: Actor, *args, **kwargs):
            case_id = None
            if case_arg:
                case_id = signature.bind(None, actor, *args, **kwargs).arguments.get(case_arg)
            if isinstance(source, Session):
                authorize(source, actor, permission, case_id)
                return function(source, actor, *args, **kwargs)
            with source.session() as session:
                authorize(session, actor, permission, case_id)
                return function(session, actor, *args, **kwargs)

        if name in QUERIES:
            raise ValueError(f"query {name!r} declared twice")
        run.query_name = name
        run.in_session = function
        QUERIES[name] = QuerySpec(name, permission, case_arg, run)
        return run

    return decorator


def load_all() -> dict[str, QuerySpec]:
    """Import every module of this package (each registers its queries) and return the registry."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return QUERIES
