"""The case list: ids filtered, searched and sorted in SQL; rows loaded by page.

The GUI keeps only the id list and asks for rows as they are painted
(calibre's and Anki's way), so 100,000 cases cost one query of integers.
"""
from __future__ import annotations

from functools import lru_cache
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Sequence

from sqlalchemy import Integer, and_, bindparam, case, exists, false, func, literal_column, or_, select, text, union
from sqlalchemy.orm import Session

from core.access import restrict_cases
from core.actor import Actor
from core.scoring import band_condition
from db import models as m
from db.fetch import fetch_ids
from db.search import search_sql
from db.vocab import CASE_STATUSES, PRIORITIES, label

COLUMNS: list[tuple[str, str]] = [
    ("reference", "Référence"),
    ("household", "Ménage"),
    ("address", "Adresse"),
    ("neighbourhood", "Quartier"),
    ("kinds", "Type"),
    ("status", "Statut"),
    ("priority", "Priorité"),
    ("agent", "Agent"),
    ("last_activity", "Dernière activité"),
]

_PRIORITY_RANK = {"basse": 0, "normale": 1, "haute": 2, "urgente": 3}

SORT_KEYS = {
    "reference": m.Case.reference,
    "household": func.lower(m.Household.last_name),
    "address": func.lower(m.Dwelling.street),
    "neighbourhood": m.Neighbourhood.name,
    "status": m.Case.status,
    "agent": m.User.full_name,
    "last_activity": m.Case.last_activity_at,
    "opened_on": m.Case.opened_on,
    "criticality": m.Case.criticality,
    "commune": m.Commune.name,
}
# Sorts by a column of the cases with an index of its own: a search's first page walks that index in order.
_SORTS_WALKED_WITH_A_SEARCH = frozenset({"last_activity", "reference", "opened_on"})
# Ties broken by the first name (households of one surname), then the sorted table's own id, then the case's:
# the order of the indexes on households and dwellings (db.models.people), which SQLite then reads in order
# instead of sorting every case.
_SORT_TIES = {"household": (func.lower(m.Household.first_name), m.Household.id), "address": (m.Dwelling.id,)}
# Which joined tables a sort key needs (the others are left out of the query).
_SORT_JOINS = {"household": "household", "address": "dwelling", "neighbourhood": "neighbourhood", "agent": "user",
               "commune": "commune"}


@dataclass(frozen=True)
class CaseQuery:
    """What the case list shows: search text, filters, sort. Every filter is optional.

    Singular ids (agent_id, neighbourhood_id, commune_id) are shortcuts for one-element
    tuples. `today` fixes the day used by `overdue_only` (today by default).
    """

    text: str = ""
    statuses: tuple[str, ...] = ()
    sort: str = "last_activity"
    descending: bool = True
    kinds: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    criticality_bands: tuple[str, ...] = ()  # "faible", "moyenne", "forte" (core.scoring.BANDS)
    agent_id: int | None = None
    agent_ids: tuple[int, ...] = ()
    unassigned: bool = False
    neighbourhood_id: int | None = None
    neighbourhood_ids: tuple[int, ...] = ()
    commune_id: int | None = None
    commune_ids: tuple[int, ...] = ()
    qpv: bool | None = None
    objective_ids: tuple[int, ...] = ()
    opened_from: date | None = None
    opened_to: date | None = None
    activity_from: date | None = None
    activity_to: date | None = None
    overdue_only: bool = False
    today: date | None = None


@dataclass(frozen=True)
class CaseRow:
    id: int
    reference: str
    household: str
    address: str
    neighbourhood: str
    is_qpv: bool
    kinds: str
    status: str
    priority: str
    agent: str
    last_activity: datetime | None
    opened_on: date | None
    criticality: int = 0
    extra: dict = field(default_factory=dict)
    checked_out_by: str = ""  # taken on a field laptop (core.laptop), not yet brought back
    checked_out_on: datetime | None = None

    @property
    def checkout_note(self) -> str:
        """« emporté par Sabrina H. le 12/03 », or "" when the case is not out on a laptop."""
        if not self.checked_out_by:
            return ""
        when = f" le {self.checked_out_on:%d/%m}" if self.checked_out_on else ""
        return f"emporté par {short_name(self.checked_out_by)}{when}"

    def display(self, column: str) -> str:
        value = getattr(self, column)
        if column == "status":
            return label(CASE_STATUSES, value)
        if column == "priority":
            return label(PRIORITIES, value)
        if isinstance(value, datetime):
            return value.strftime("%d/%m/%Y")
        return "" if value is None else str(value)


def case_ids(session: Session, query: CaseQuery = CaseQuery(), actor: Actor | None = None) -> list[int]:
    """Every matching case id, in the query's order (the GUI keeps this list, rows come by page).

    With an actor, only the cases they may see (an agent: own sectors and assigned cases).
    """
    return fetch_ids(session, restrict_cases(_id_statement(session, query), actor))


@dataclass
class CasePage:
    ids: list[int]
    total: int
    offset: int
    limit: int


def case_page(session: Session, query: CaseQuery = CaseQuery(), offset: int = 0, limit: int = 200,
              actor: Actor | None = None, count_total: bool = True) -> CasePage:
    """One page of matching ids and the total count (within the actor's scope when given).

    count_total=False gives total -1: counting 80,000 matches of a short word costs
    more than finding the first page.
    """
    statement = restrict_cases(_id_statement(session, query, page=True), actor)
    # Written into the SQL, not bound: SQLite keeps only the best `limit` rows while sorting when it
    # knows the number (36 ms instead of 215 ms for a page of 72,000 open cases by household name).
    ids = list(session.scalars(statement.offset(literal_column(str(int(offset))))
                               .limit(literal_column(str(int(limit))))))
    if offset == 0 and len(ids) < limit:
        total = len(ids)
    elif not count_total:
        total = -1
    else:
        total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    return CasePage(ids, total, offset, limit)


def _id_statement(session: Session, query: CaseQuery, page: bool = False):
    needed = {_SORT_JOINS.get(query.sort)}
    statement = select(m.Case.id)
    statement, needed = _filtered(session, statement, query, needed, page)
    statement = _joined(statement, needed)
    if query.sort == "priority":
        order = _priority_order()
    elif query.sort == "kinds":
        kinds = _kinds_sort_table()
        statement = statement.outerjoin(kinds, kinds.c.case_id == m.Case.id)
        order = kinds.c.kind_label
    else:
        order = SORT_KEYS.get(query.sort, m.Case.last_activity_at)
    keys = [order, *_SORT_TIES.get(query.sort, ()), m.Case.id]
    return statement.order_by(*(key.desc() if query.descending else key.asc() for key in keys))


def _joined(statement, needed: set):
    if needed & {"household"}:
        statement = statement.join(m.Household, m.Household.id == m.Case.household_id)
    if needed & {"dwelling", "neighbourhood", "commune"}:
        statement = statement.join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id)
    if "neighbourhood" in needed:
        statement = statement.outerjoin(m.Neighbourhood, m.Neighbourhood.id == m.Dwelling.neighbourhood_id)
    if "commune" in needed:
        statement = statement.join(m.Commune, m.Commune.id == m.Dwelling.commune_id)
    if "user" in needed:
        statement = statement.outerjoin(m.User, m.User.id == m.Case.agent_id)
    return statement


def _ids(single, many) -> tuple:
    return tuple(many) + ((single,) if single is not None else ())


def _filtered(session: Session, statement, query: CaseQuery, needed: set, page: bool = False):
    where = []
    if query.statuses:
        condition = m.Case.status.in_(query.statuses)
        if page and query.sort not in ("last_activity", "status") and session.get_bind().dialect.name == "sqlite":
            # Most cases are open: believing « open » selective, SQLite read 70,000 cases through the status
            # index and sorted them all for a page of 200 (100-200 ms at 100,000 cases, 1-35 ms with the hint).
            condition = func.likelihood(condition, literal_column("0.9"))
        where.append(condition)
    if query.priorities:
        where.append(m.Case.priority.in_(query.priorities))
    if query.kinds:
        where.append(m.Case.id.in_(select(m.CaseKindLink.case_id).where(m.CaseKindLink.kind_code.in_(query.kinds))))
    if query.objective_ids:
        where.append(m.Case.id.in_(select(m.CaseObjective.case_id)
                                   .where(m.CaseObjective.objective_id.in_(query.objective_ids))))
    if query.criticality_bands:
        where.append(or_(*[band_condition(b) for b in query.criticality_bands]))
    agents = _ids(query.agent_id, query.agent_ids)
    if agents or query.unassigned:
        where.append(or_(m.Case.agent_id.in_(agents), m.Case.agent_id.is_(None) if query.unassigned else false()))
    neighbourhoods = _ids(query.neighbourhood_id, query.neighbourhood_ids)
    communes = _ids(query.commune_id, query.commune_ids)
    if neighbourhoods or communes or query.qpv is not None:
        needed.add("dwelling")
        if neighbourhoods:
            where.append(m.Dwelling.neighbourhood_id.in_(neighbourhoods))
        if communes:
            where.append(m.Dwelling.commune_id.in_(communes))
        if query.qpv is not None:
            qpv_ids = select(m.Neighbourhood.id).where(m.Neighbourhood.is_qpv)
            where.append(m.Dwelling.neighbourhood_id.in_(qpv_ids) if query.qpv
                         else or_(m.Dwelling.neighbourhood_id.is_(None), m.Dwelling.neighbourhood_id.not_in(qpv_ids)))
    if query.opened_from:
        where.append(m.Case.opened_on >= query.opened_from)
    if query.opened_to:
        where.append(m.Case.opened_on <= query.opened_to)
    if query.activity_from:
        where.append(m.Case.last_activity_at >= datetime.combine(query.activity_from, time.min))
    if query.activity_to:
        where.append(m.Case.last_activity_at < datetime.combine(query.activity_to + timedelta(days=1), time.min))
    if query.overdue_only:
        where.append(overdue_condition(query.today or date.today()))
    if query.text.strip():
        found = search_sql(session, query.text)
        if found is not None:
            sql, params = found
            case_id = m.Case.id
            if page and query.sort in _SORTS_WALKED_WITH_A_SEARCH and session.get_bind().dialect.name == "sqlite":
                # « +id »: SQLite then reads the sort's own index in order and keeps the matching cases, instead
                # of looking up every match and sorting them all. A word most cases hold (« rue d »: 80,000 at
                # 100,000 cases) took 60-85 ms for its first page, 20-30 ms this way; a rare one costs a walk
                # of the index at most (4 -> 14 ms for 99 matches).
                case_id = literal_column("+cases.id", Integer)
            where.append(case_id.in_(text(sql).bindparams(**params)))
    return statement.where(*where), needed


def overdue_condition(today: date, among: Sequence[int] | None = None):
    """A case is overdue when a task, a referral's answer or a visit's conclusion is late.

    A union of three small index-driven selects: far cheaper than three EXISTS per case.
    With `among` (a page of ids), each select is limited to those cases: the union of
    every late case in the base costs ~0.12 s at 100,000 cases, a page's share ~1 ms.
    """
    tasks = select(m.Task.case_id).where(m.Task.done_on.is_(None), m.Task.due_on < today,
                                         m.Task.case_id.is_not(None))
    referrals = select(m.Referral.case_id).where(m.Referral.status.in_(("nouvelle", "en_cours")),
                                                 m.Referral.expected_answer_on < today)
    late_visit = or_(m.Visit.status == "conclusion_a_renseigner",
                     and_(m.Visit.status == "planifiee", m.Visit.scheduled_at < datetime.combine(today, time.min)))
    if among is None:
        visits = select(m.VisitCase.case_id).join(m.Visit, m.Visit.id == m.VisitCase.visit_id).where(late_visit)
    else:
        ids = list(among)
        tasks = tasks.where(m.Task.case_id.in_(ids))
        referrals = referrals.where(m.Referral.case_id.in_(ids))
        # EXISTS keeps SQLite on the page's visit links; a join starts from every planned visit.
        visits = select(m.VisitCase.case_id).where(
            m.VisitCase.case_id.in_(ids), exists(select(m.Visit.id).where(m.Visit.id == m.VisitCase.visit_id, late_visit)))
    return m.Case.id.in_(union(tasks, referrals, visits))


def _priority_order():
    return case(_PRIORITY_RANK, value=m.Case.priority, else_=1)


def _kinds_sort_table():
    """First kind label per case (cases have one kind, sometimes two), grouped once for the sort."""
    return (select(m.CaseKindLink.case_id, func.min(m.CaseKind.label).label("kind_label"))
            .join(m.CaseKind, m.CaseKind.code == m.CaseKindLink.kind_code)
            .group_by(m.CaseKindLink.case_id).subquery())


def case_rows(session: Session, ids: Sequence[int]) -> dict[int, CaseRow]:
    """The rows of a page of ids: one query, the ids bound as one expanding parameter."""
    if not ids:
        return {}
    rows = {}
    for r in session.execute(_rows_statement(session.get_bind().dialect.name), {"ids": list(ids)}):
        rows[r[0]] = CaseRow(
            id=r[0], reference=r[1], household=f"{r[2].upper()} {r[3]}".strip(),
            address=f"{r[4]} {r[5]}, {r[6]}".strip(), neighbourhood=r[7] or "", is_qpv=bool(r[8]),
            kinds=r[15] or "", status=r[9], priority=r[10],
            agent=r[11] or "", last_activity=r[12], opened_on=r[13], criticality=r[14] or 0,
        )
    _add_checkouts(session, rows)
    return rows


def _add_checkouts(session: Session, rows: dict[int, CaseRow]) -> None:
    """Who has each case out on a laptop (the latest checkout still out)."""
    statement = (select(m.CheckoutCase.case_id, m.Checkout.user_name, m.Checkout.taken_at)
                 .join(m.Checkout, m.Checkout.id == m.CheckoutCase.checkout_id)
                 .where(m.Checkout.state == "sorti", m.CheckoutCase.case_id.in_(list(rows)))
                 .order_by(m.Checkout.taken_at))
    for case_id, name, taken_at in session.execute(statement):
        rows[case_id] = replace(rows[case_id], checked_out_by=name, checked_out_on=taken_at)


def short_name(full_name: str) -> str:
    """« Sabrina Hamdi » -> « Sabrina H. » (a name the list can show in little room)."""
    parts = full_name.split()
    return f"{parts[0]} {parts[-1][0].upper()}." if len(parts) > 1 else full_name


@lru_cache(maxsize=2)
def _rows_statement(dialect: str):
    labels = (func.group_concat(m.CaseKind.label, ", ") if dialect == "sqlite"
              else func.string_agg(m.CaseKind.label, ", "))
    kinds = (select(labels).select_from(m.CaseKindLink)
             .join(m.CaseKind, m.CaseKind.code == m.CaseKindLink.kind_code)
             .where(m.CaseKindLink.case_id == m.Case.id).scalar_subquery())
    return (
        select(
            m.Case.id, m.Case.reference, m.Household.last_name, m.Household.first_name, m.Dwelling.street_number,
            m.Dwelling.street, m.Commune.name, m.Neighbourhood.name, m.Neighbourhood.is_qpv, m.Case.status,
            m.Case.priority, m.User.full_name, m.Case.last_activity_at, m.Case.opened_on, m.Case.criticality, kinds,
        )
        .join(m.Household, m.Household.id == m.Case.household_id)
        .join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id)
        .join(m.Commune, m.Commune.id == m.Dwelling.commune_id)
        .outerjoin(m.Neighbourhood, m.Neighbourhood.id == m.Dwelling.neighbourhood_id)
        .outerjoin(m.User, m.User.id == m.Case.agent_id)
        .where(m.Case.id.in_(bindparam("ids", expanding=True)))
    )


def count_cases(session: Session, actor: Actor | None = None) -> int:
    return session.scalar(restrict_cases(select(func.count(m.Case.id)), actor)) or 0
