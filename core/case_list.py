"""The case list: ids filtered, searched and sorted in SQL; rows loaded by page.

The GUI keeps only the id list and asks for rows as they are painted
(calibre's and Anki's way), so 100,000 cases cost one query of integers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Sequence

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db import models as m
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
}


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    statuses: tuple[str, ...] = ()
    sort: str = "last_activity"
    descending: bool = True


@dataclass
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

    def display(self, column: str) -> str:
        value = getattr(self, column)
        if column == "status":
            return label(CASE_STATUSES, value)
        if column == "priority":
            return label(PRIORITIES, value)
        if isinstance(value, datetime):
            return value.strftime("%d/%m/%Y")
        return "" if value is None else str(value)


def case_ids(session: Session, query: CaseQuery = CaseQuery()) -> list[int]:
    statement = (
        select(m.Case.id)
        .join(m.Household, m.Household.id == m.Case.household_id)
        .join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id)
        .outerjoin(m.Neighbourhood, m.Neighbourhood.id == m.Dwelling.neighbourhood_id)
        .outerjoin(m.User, m.User.id == m.Case.agent_id)
    )
    if query.statuses:
        statement = statement.where(m.Case.status.in_(query.statuses))
    if query.text.strip():
        found = search_sql(session, query.text)
        if found is not None:
            sql, params = found
            statement = statement.where(m.Case.id.in_(text(sql).bindparams(**params)))
    if query.sort == "priority":
        order = _priority_order()
    else:
        order = SORT_KEYS.get(query.sort, m.Case.last_activity_at)
    order = order.desc() if query.descending else order.asc()
    statement = statement.order_by(order, m.Case.id.desc() if query.descending else m.Case.id.asc())
    return list(session.scalars(statement))


def _priority_order():
    from sqlalchemy import case

    return case(_PRIORITY_RANK, value=m.Case.priority, else_=1)


def case_rows(session: Session, ids: Sequence[int]) -> dict[int, CaseRow]:
    if not ids:
        return {}
    kinds = func.group_concat(m.CaseKind.label) if session.get_bind().dialect.name == "sqlite" else func.string_agg(m.CaseKind.label, ", ")
    kinds_by_case = dict(
        session.execute(
            select(m.CaseKindLink.case_id, kinds)
            .join(m.CaseKind, m.CaseKind.code == m.CaseKindLink.kind_code)
            .where(m.CaseKindLink.case_id.in_(ids))
            .group_by(m.CaseKindLink.case_id)
        ).all()
    )
    statement = (
        select(
            m.Case.id, m.Case.reference, m.Household.last_name, m.Household.first_name, m.Dwelling.street_number,
            m.Dwelling.street, m.Commune.name, m.Neighbourhood.name, m.Neighbourhood.is_qpv, m.Case.status,
            m.Case.priority, m.User.full_name, m.Case.last_activity_at, m.Case.opened_on, m.Case.criticality,
        )
        .join(m.Household, m.Household.id == m.Case.household_id)
        .join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id)
        .join(m.Commune, m.Commune.id == m.Dwelling.commune_id)
        .outerjoin(m.Neighbourhood, m.Neighbourhood.id == m.Dwelling.neighbourhood_id)
        .outerjoin(m.User, m.User.id == m.Case.agent_id)
        .where(m.Case.id.in_(ids))
    )
    rows = {}
    for r in session.execute(statement):
        rows[r[0]] = CaseRow(
            id=r[0], reference=r[1], household=f"{r[2].upper()} {r[3]}".strip(),
            address=f"{r[4]} {r[5]}, {r[6]}".strip(), neighbourhood=r[7] or "", is_qpv=bool(r[8]),
            kinds=(kinds_by_case.get(r[0]) or "").replace(",", ", "), status=r[9], priority=r[10],
            agent=r[11] or "", last_activity=r[12], opened_on=r[13], criticality=r[14] or 0,
        )
    return rows


def count_cases(session: Session) -> int:
    return session.scalar(select(func.count(m.Case.id))) or 0
