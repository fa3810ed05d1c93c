"""Reads of the case list and what sits around it: the first page and the whole id list, rows of a
page, the filter bar's choices, saved filters, the case picker and the duplicate candidates of a new case.

Every id list goes through core.access.restrict_cases (core.case_list applies it): an agent gets only
the cases of her sectors and those assigned to her, and rows are read only for those.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import restrict_cases
from core.actor import Actor
from core.case_list import CaseQuery, CaseRow, case_ids, case_page, case_rows, count_cases, overdue_condition
from core.duplicates import DuplicateCandidate, find_duplicates
from core.queries import query
from db import models as m
from db.fetch import fetch_ids


@dataclass(frozen=True)
class FirstPage:
    ids: tuple[int, ...]
    rows: dict  # id -> CaseRow
    total: int  # cases the actor may see, whatever the filters
    overdue: frozenset[int]  # late cases among ids (or the known set, when given)


@dataclass(frozen=True)
class WholeList:
    ids: tuple[int, ...]
    overdue: frozenset[int]
    overdue_everywhere: bool = False  # every late case of the actor's scope, not only those of this list


@dataclass(frozen=True)
class ListChoices:
    agents: tuple[tuple[int, str], ...]
    neighbourhoods: tuple[tuple[int, str], ...]  # "name (commune)"
    kinds: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PickerLine:
    id: int
    reference: str
    household: str
    address: str


def _in_scope(session: Session, actor: Actor, ids: Sequence[int]) -> list[int]:
    """The ids among these that the actor may see (all of them for a manager)."""
    if not ids:
        return []
    if actor.role != "agent":
        return list(ids)
    allowed = set(session.scalars(restrict_cases(select(m.Case.id).where(m.Case.id.in_(list(ids))), actor)))
    return [i for i in ids if i in allowed]


OVERDUE_AMONG_AT_MOST = 5000  # ids bound in one query: far below SQLite's 32,766 and PostgreSQL's 65,535


def _overdue(session: Session, actor: Actor, among: Sequence[int] | None, today: date | None) -> frozenset[int]:
    """Late cases (a task, a referral's answer or a visit's conclusion overdue) the actor may see."""
    statement = select(m.Case.id).where(overdue_condition(today or date.today(), among))
    return frozenset(fetch_ids(session, restrict_cases(statement, actor)))


@query("case_list.first_page")
def case_list_first_page(session: Session, actor: Actor, query: CaseQuery = CaseQuery(), limit: int = 200,
                         known_overdue: frozenset[int] | None = None, known_total: int | None = None,
                         rows_of_first: int | None = None) -> FirstPage:
    """The first `limit` cases of the list with their rows: what the user sees while the rest loads.

    known_total: the count of the actor's cases read with an earlier list (counting 100,000 cases took
    7 ms of each search's first page); it is passed back as the page's total.
    rows_of_first: when the list goes on past the page, only the rows of its first cases (a screen's worth:
    the rows of 200 took 7 ms, of 60 about 2.5); the others come with the rest of the list."""
    page = case_page(session, query, limit=limit, actor=actor, count_total=False)
    overdue = known_overdue if known_overdue is not None else _overdue(session, actor, page.ids, query.today)
    total = known_total if known_total is not None else count_cases(session, actor)
    with_rows = page.ids if rows_of_first is None or len(page.ids) < limit else page.ids[:rows_of_first]
    return FirstPage(tuple(page.ids), case_rows(session, with_rows), total, frozenset(overdue))


@query("case_list.ids")
def case_list_ids(session: Session, actor: Actor, query: CaseQuery = CaseQuery(), with_overdue: bool = True
                  ) -> WholeList:
    """Every matching id in the list's order, with the late cases among them when asked."""
    ids = tuple(case_ids(session, query, actor))
    if not with_overdue:
        return WholeList(ids, frozenset())
    if len(ids) <= OVERDUE_AMONG_AT_MOST:  # a search's few cases: only theirs (all 41,000 took 200 ms at 100,000)
        return WholeList(ids, _overdue(session, actor, ids, query.today))
    return WholeList(ids, _overdue(session, actor, None, query.today), overdue_everywhere=True)


@query("case_list.count")
def case_list_count(session: Session, actor: Actor) -> int:
    """How many cases the actor may see."""
    return count_cases(session, actor)


@query("case_list.rows")
def case_list_rows(session: Session, actor: Actor, ids: Sequence[int]) -> dict[int, CaseRow]:
    """Rows of a page of ids (those the actor may see)."""
    return case_rows(session, _in_scope(session, actor, list(ids)))


@query("case_list.choices")
def case_list_choices(session: Session, actor: Actor) -> ListChoices:
    """The filter bar: active agents, neighbourhoods with their commune, case kinds."""
    agents = session.execute(select(m.User.id, m.User.full_name).where(m.User.active.is_(True))
                             .order_by(m.User.full_name)).all()
    places = session.execute(select(m.Neighbourhood.id, m.Neighbourhood.name, m.Commune.name)
                             .join(m.Commune, m.Commune.id == m.Neighbourhood.commune_id)
                             .order_by(m.Commune.name, m.Neighbourhood.name)).all()
    kinds = session.execute(select(m.CaseKind.code, m.CaseKind.label).order_by(m.CaseKind.position)).all()
    return ListChoices(tuple((i, n) for i, n in agents), tuple((i, f"{n} ({c})") for i, n, c in places),
                       tuple((c, t) for c, t in kinds))


@query("case_list.picker")
def case_picker_lines(session: Session, actor: Actor, text: str = "", statuses: tuple[str, ...] = (),
                      chosen: tuple[int, ...] = (), limit: int = 200) -> tuple[PickerLine, ...]:
    """The case picker (commissions, walks): cases matching the text, the chosen ones first when no text."""
    ids = case_ids(session, CaseQuery(text=text, statuses=tuple(statuses)), actor)[:limit]
    shown = ids if text else list(dict.fromkeys([*_in_scope(session, actor, list(chosen)), *ids]))
    rows = case_rows(session, shown)
    return tuple(PickerLine(i, rows[i].reference, rows[i].household, rows[i].address) for i in shown if i in rows)


@query("case_list.latest_case")
def latest_case_id(session: Session, actor: Actor, with_relocation: bool = False) -> int | None:
    """The most recently created case the actor may see (the case file warms up on it); with_relocation: the
    latest one with a relocation (most cases have none, and a relocation's reads compile more)."""
    statement = select(m.Case.id)
    if with_relocation:
        statement = statement.where(m.Case.id.in_(select(m.Relocation.case_id)))
    return session.scalar(restrict_cases(statement, actor).order_by(m.Case.id.desc()).limit(1))


@query("case_list.saved_filter_names")
def saved_filter_names(session: Session, actor: Actor) -> tuple[str, ...]:
    """The actor's own saved filters (a personal view preference)."""
    return tuple(session.scalars(select(m.SavedFilter.name).where(saved_filter_owner(actor))
                                 .order_by(m.SavedFilter.name)))


@query("case_list.saved_filter")
def saved_filter(session: Session, actor: Actor, name: str) -> str | None:
    """The definition (JSON) of one of the actor's saved filters."""
    return session.scalar(select(m.SavedFilter.definition).where(saved_filter_owner(actor),
                                                                 m.SavedFilter.name == name))


def saved_filter_owner(actor: Actor):
    if actor.user_id is None:
        return m.SavedFilter.user_id.is_(None)
    return m.SavedFilter.user_id == actor.user_id


@query("case_list.duplicates")
def duplicate_candidates(session: Session, actor: Actor, last_name: str = "", first_name: str = "",
                         street_number: str = "", street: str = "", postcode: str = "", limit: int = 20
                         ) -> tuple[DuplicateCandidate, ...]:
    """Cases that may be the one being created (same address, or same household name), within the scope."""
    return tuple(find_duplicates(session, last_name, first_name, street_number, street, postcode, limit, actor))
