"""The contract every user action follows.

A service is a plain function `fn(session, actor, ...)` decorated with
`@action(name, permission, case_arg=...)`. Called as `fn(database, actor, ...)`,
the decorator:

1. opens one write transaction (BEGIN IMMEDIATE on SQLite);
2. checks the permission in core (core.access.authorize), scoped to the case
   named by `case_arg` when there is one;
3. runs the function, which validates (raising ValidationError with a French
   message and the field), writes, and appends the journal entries it implies;
4. appends an audit event (core.audit.record_event) with what changed;
5. commits, or rolls everything back: nothing is ever half-saved; a deadlock
   between two seats (PostgreSQL) runs the whole action again, up to 3 times.

Every decorated action is listed in ACTIONS, so tests can enumerate them
(permission matrix, audit completeness) instead of keeping hand-made lists.
"""
from __future__ import annotations

import functools
import inspect
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from core.access import authorize
from core.actor import Actor
from core.audit import record_event
from core.errors import ConflictError
from db.engine import Database
from db.errors import is_transient


@dataclass
class Changes:
    """What an action changed, so views refresh only that (Anki's way)."""

    entity: str = ""
    entity_id: int | None = None
    case_ids: set[int] = field(default_factory=set)
    fields: list[str] = field(default_factory=list)
    created: bool = False
    deleted: bool = False
    result: Any = None
    details: dict = field(default_factory=dict)  # more for the audit event (a setting's new value…)

    def audit_details(self) -> dict:
        details = dict(self.details)
        if self.fields:
            details["champs"] = self.fields
        if self.case_ids:
            details["dossiers"] = sorted(self.case_ids)
        return details


@dataclass(frozen=True)
class ActionSpec:
    name: str
    permission: str
    case_arg: str | None
    mutating: bool
    function: Callable


ACTIONS: dict[str, ActionSpec] = {}
# A deadlock or a serialization failure between two seats rolls the whole transaction back: it is run again
# (nothing of the first attempt stayed), and only the last failure reaches the user, in French.
TRANSIENT_ATTEMPTS = 3


def action(name: str, permission: str, case_arg: str | None = None, mutating: bool = True):
    """Declare a user action. The wrapped function must return a Changes."""

    def decorator(function: Callable) -> Callable:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def run(database: Database, actor: Actor, *args, **kwargs) -> Changes:
            bound = signature.bind(None, actor, *args, **kwargs)
            case_id = bound.arguments.get(case_arg) if case_arg else None
            for attempt in range(1, TRANSIENT_ATTEMPTS + 1):
                try:
                    return _run_once(database, actor, case_id, args, kwargs)
                except DBAPIError as error:
                    if not is_transient(error) or attempt == TRANSIENT_ATTEMPTS:
                        raise
                    time.sleep(0.05 * attempt)  # the other seat's transaction, in the way, ends meanwhile
            raise AssertionError("unreachable")

        def _run_once(database: Database, actor: Actor, case_id, args, kwargs) -> Changes:
            try:
                with database.write() as session:
                    session.info["actor"] = actor  # who deleted a record, for its tombstone (core.laptop)
                    authorize(session, actor, permission, case_id)
                    changes = function(session, actor, *args, **kwargs)
                    if mutating or changes is not None:
                        record_event(
                            session, actor, name, changes.entity if changes else "",
                            changes.entity_id if changes else case_id,
                            changes.audit_details() if changes else None,
                        )
            except StaleDataError:
                # Another seat updated the same row between our read and our write (the version column
                # caught it): nothing was written; say so in French, as a version check would.
                raise ConflictError("Enregistrement refusé : quelqu'un a enregistré la même fiche au même moment. "
                                    "Rechargez-la pour voir ses modifications ; ce que vous avez saisi reste "
                                    "affiché.") from None
            return changes

        run.action_name = name
        run.in_session = function  # for composing actions inside one transaction
        ACTIONS[name] = ActionSpec(name, permission, case_arg, mutating, run)
        return run

    return decorator
import core.laptop.tombstones  # noqa: E402,F401 - registers the deletion listener
