"""Indicators of the contract, computed in SQL, per objective, neighbourhood or commune, over a period.

Definitions (period = start..end, both included):
- opened / closed: cases whose opened_on / closed_on falls in the period;
- median days from report to first visit: cases opened in the period that had a
  visit done (réalisée) on or after the report, from opened_on to the first one's day;
- median days from report to closure: cases closed in the period;
- visits done: visits réalisées in the period (for a group, those concerning one of
  its cases; in the total every visit, collective walks without case included);
- disorders confirmed, by theme: confirmations by a visit done in the period;
- procedures concluded: procedure conclusions of visits done in the period;
- referrals answered on time: referrals whose expected answer date falls in the
  period, answered on or before that date (share over all of them);
- relocation: households rehoused in the period, share rehoused outside a QPV (over
  those whose location is known), proposals per rehousing, median days from the
  social-housing demand (SNE filing date) to rehousing;
- average criticality: cases open at some time during the period.

A case linked to two objectives counts in both; the total counts it once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Column, Date, Index, Integer, MetaData, Table, case, cast, func, literal, select
from sqlalchemy.orm import Session

from db import models as m

GROUPINGS = {None: "Ensemble", "objective": "Objectif", "neighbourhood": "Quartier", "commune": "Commune"}


@dataclass
class IndicatorRow:
    key: int | None
    label: str
    opened: int = 0
    closed: int = 0
    median_days_to_first_visit: float | None = None
    median_days_to_closure: float | None = None
    visits_done: int = 0
    disorders_confirmed: int = 0
    confirmed_by_theme: dict[str, int] = field(default_factory=dict)
    procedures: dict[str, int] = field(default_factory=dict)
    referrals_due: int = 0
    referrals_on_time: int = 0
    rehoused: int = 0
    rehoused_known_location: int = 0
    rehoused_outside_qpv: int = 0
    proposals_of_rehoused: int = 0
    median_days_demand_to_rehousing: float | None = None
    average_criticality: float | None = None

    @property
    def share_referrals_on_time(self) -> float | None:
        return self.referrals_on_time / self.referrals_due if self.referrals_due else None

    @property
    def share_rehoused_outside_qpv(self) -> float | None:
        return self.rehoused_outside_qpv / self.rehoused_known_location if self.rehoused_known_location else None

    @property
    def proposals_per_rehousing(self) -> float | None:
        return self.proposals_of_rehoused / self.rehoused if self.rehoused else None


@dataclass
class Indicators:
    start: date
    end: date
    by: str | None
    total: IndicatorRow
    groups: list[IndicatorRow]


# Which group each case counts in, computed once per call into a temporary table: each
# metric then finds a row's group in this small table instead of walking case -> dwelling.
TOTAL_KEY = -1
_TEMP = MetaData()
GROUP_MAP = Table("indicator_groups", _TEMP, Column("case_id", Integer, nullable=False), Column("gkey", Integer),
                  Index("ix_indicator_groups_case", "case_id", "gkey"), prefixes=["TEMPORARY"])


def compute_indicators(session: Session, start: date, end: date, by: str | None = None) -> Indicators:
    """The indicators of the period, in total and per group (objective, neighbourhood, commune)."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    if by is None:
        return Indicators(start, end, by, _rows(session, start, end, None)[0], [])
    connection = session.connection()
    GROUP_MAP.drop(connection, checkfirst=True)
    GROUP_MAP.create(connection)
    try:
        # Every case also counts once in the total (key TOTAL_KEY): one pass gives both.
        connection.execute(GROUP_MAP.insert().from_select(["case_id", "gkey"], _group_map(by)))
        connection.execute(GROUP_MAP.insert().from_select(["case_id", "gkey"], select(m.Case.id, literal(TOTAL_KEY))))
        rows = _rows(session, start, end, by)
    finally:
        GROUP_MAP.drop(connection)
    total = rows.pop(TOTAL_KEY, None) or IndicatorRow(0, GROUPINGS[None])
    total.key, total.label = 0, GROUPINGS[None]
    total.visits_done = _all_visits_done(session, start, end)  # walks without a case count in the total
    return Indicators(start, end, by, total, list(rows.values()))


def _group_map(by: str):
    if by == "objective":
        return select(m.CaseObjective.case_id, m.CaseObjective.objective_id)
    column = m.Dwelling.neighbourhood_id if by == "neighbourhood" else m.Dwelling.commune_id
    return select(m.Case.id, column).join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id)


def _group(by: str | None, case_id):
    """The group column of the case given by `case_id`, and the join that brings it."""
    if by is None:
        return literal(0).label("gkey"), []
    return GROUP_MAP.c.gkey.label("gkey"), [(GROUP_MAP, GROUP_MAP.c.case_id == case_id)]


def _select(columns, by: str | None, case_id, source, joins=(), grouped: bool = True):
    """select(gkey, *columns) from `source` and its joins, then joined to the case's group.

    grouped=False gives one row per item (for medians).
    """
    gkey, group_joins = _group(by, case_id)
    statement = select(gkey, *columns).select_from(source)
    for target, on in [*joins, *group_joins]:
        statement = statement.join(target, on)
    return statement.group_by(gkey) if grouped and by is not None else statement


def _labels(session: Session, by: str | None) -> dict:
    if by is None:
        return {0: GROUPINGS[None]}
    if by == "objective":
        return {i: f"{code} – {label}" for i, code, label in
                session.execute(select(m.Objective.id, m.Objective.code, m.Objective.label).order_by(m.Objective.position))}
    if by == "neighbourhood":
        labels = {i: f"{name} ({commune})" for i, name, commune in session.execute(
            select(m.Neighbourhood.id, m.Neighbourhood.name, m.Commune.name).join(m.Commune)
            .order_by(m.Commune.name, m.Neighbourhood.name))}
        return labels | {None: "Hors quartier suivi"}
    return dict(session.execute(select(m.Commune.id, m.Commune.name).order_by(m.Commune.name)).all())


def _days(session: Session, later, earlier):
    """Whole days between two dates (or a datetime and a date), in the dialect's arithmetic."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(func.date(later)) - func.julianday(func.date(earlier))
    return cast(later, Date) - cast(earlier, Date)


def _median(session: Session, pairs) -> dict:
    """Median of `days` per `gkey` of a (gkey, days) selectable, with window functions."""
    sub = pairs.subquery()
    ranked = select(
        sub.c.gkey, sub.c.days,
        func.row_number().over(partition_by=sub.c.gkey, order_by=sub.c.days).label("rn"),
        func.count().over(partition_by=sub.c.gkey).label("cnt"),
    ).subquery()
    low, high = (ranked.c.cnt + 1) // 2, (ranked.c.cnt + 2) // 2
    statement = (select(ranked.c.gkey, func.avg(ranked.c.days))
                 .where((ranked.c.rn == low) | (ranked.c.rn == high)).group_by(ranked.c.gkey))
    return {k: float(v) for k, v in session.execute(statement)}


def _rows(session: Session, start: date, end: date, by: str | None) -> dict:
    first, after = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
    rows = {key: IndicatorRow(key, label) for key, label in _labels(session, by).items()}

    def row(key) -> IndicatorRow:
        return rows.setdefault(key, IndicatorRow(key, str(key)))

    _cases(session, by, start, end, row)
    _visits(session, by, first, after, row)
    _referrals(session, by, start, end, row)
    _relocation(session, by, start, end, row)
    return rows


def _cases(session: Session, by, start: date, end: date, row) -> None:
    # No WHERE on opened_on: nearly every case qualifies, and a full scan beats an index walk.
    began = m.Case.opened_on <= end
    opened = case((m.Case.opened_on.between(start, end), 1), else_=0)
    closed = case((m.Case.closed_on.between(start, end), 1), else_=0)
    active = case((began & (m.Case.closed_on.is_(None) | (m.Case.closed_on >= start)), m.Case.criticality))
    statement = _select([func.sum(opened), func.sum(closed), func.avg(active)], by, m.Case.id, m.Case)
    for key, n_opened, n_closed, criticality in session.execute(statement):
        target = row(key)
        target.opened, target.closed = int(n_opened or 0), int(n_closed or 0)
        target.average_criticality = float(criticality) if criticality is not None else None
    # Driven by the visits done since the start of the period (index range); the cases opened
    # in the period come from their date index once, materialized, instead of one lookup per visit.
    opened_cases = (select(m.Case.id.label("case_id"), m.Case.opened_on)
                    .where(m.Case.opened_on.between(start, end)).cte("opened_cases").prefix_with("MATERIALIZED"))
    firsts = (select(opened_cases.c.case_id, opened_cases.c.opened_on, func.min(m.Visit.done_at).label("first_done"))
              .select_from(m.Visit).join(m.VisitCase, m.VisitCase.visit_id == m.Visit.id)
              .join(opened_cases, opened_cases.c.case_id == m.VisitCase.case_id)
              .where(m.Visit.status == "realisee", m.Visit.done_at >= datetime.combine(start, time.min),
                     m.Visit.done_at >= opened_cases.c.opened_on)
              .group_by(opened_cases.c.case_id, opened_cases.c.opened_on).subquery())
    days = _days(session, firsts.c.first_done, firsts.c.opened_on).label("days")
    for key, value in _median(session, _select([days], by, firsts.c.case_id, firsts, grouped=False)).items():
        row(key).median_days_to_first_visit = value
    days = _days(session, m.Case.closed_on, m.Case.opened_on).label("days")
    pairs = _select([days], by, m.Case.id, m.Case, grouped=False).where(m.Case.closed_on.between(start, end))
    for key, value in _median(session, pairs).items():
        row(key).median_days_to_closure = value


def _visits(session: Session, by, first: datetime, after: datetime, row) -> None:
    done = (m.Visit.status == "realisee") & (m.Visit.done_at >= first) & (m.Visit.done_at < after)
    if by is None:
        row(0).visits_done = _all_visits_done(session, first.date(), after.date() - timedelta(days=1))
    else:
        statement = _select([func.count(func.distinct(m.Visit.id))], by, m.VisitCase.case_id, m.Visit,
                            [(m.VisitCase, m.VisitCase.visit_id == m.Visit.id)])
        for key, n in session.execute(statement.where(done)):
            row(key).visits_done = n
    statement = _select([m.DisorderItem.theme, func.count()], by, m.CaseDisorder.case_id, m.Visit,
                        [(m.CaseDisorder, m.CaseDisorder.visit_id == m.Visit.id),
                         (m.DisorderItem, m.DisorderItem.id == m.CaseDisorder.item_id)])
    for key, theme, n in session.execute(statement.where(m.CaseDisorder.state == "confirme", done)
                                         .group_by(m.DisorderItem.theme)):
        target = row(key)
        target.confirmed_by_theme[theme] = n
        target.disorders_confirmed += n
    statement = _select([m.VisitProcedure.procedure_code, func.count()], by, m.VisitProcedure.case_id, m.Visit,
                        [(m.VisitProcedure, m.VisitProcedure.visit_id == m.Visit.id)])
    for key, code, n in session.execute(statement.where(done).group_by(m.VisitProcedure.procedure_code)):
        row(key).procedures[code] = n


def _all_visits_done(session: Session, start: date, end: date) -> int:
    first, after = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
    return session.scalar(select(func.count(m.Visit.id)).where(
        m.Visit.status == "realisee", m.Visit.done_at >= first, m.Visit.done_at < after)) or 0


def _referrals(session: Session, by, start: date, end: date, row) -> None:
    on_time = case(((m.Referral.answered_on.is_not(None)) & (m.Referral.answered_on <= m.Referral.expected_answer_on), 1),
                   else_=0)
    statement = _select([func.count(), func.sum(on_time)], by, m.Referral.case_id, m.Referral)
    for key, due, ok in session.execute(statement.where(m.Referral.expected_answer_on.between(start, end))):
        target = row(key)
        target.referrals_due, target.referrals_on_time = int(due or 0), int(ok or 0)


def _relocation(session: Session, by, start: date, end: date, row) -> None:
    rehoused = (m.Relocation.status == "reloge") & m.Relocation.rehoused_on.between(start, end)
    proposals = (select(func.count(m.Proposal.id)).where(m.Proposal.relocation_id == m.Relocation.id)
                 .correlate(m.Relocation).scalar_subquery())
    outside = case((m.Relocation.new_in_qpv.is_(False), 1), else_=0)
    known = case((m.Relocation.new_in_qpv.is_not(None), 1), else_=0)
    statement = _select([func.count(), func.sum(outside), func.sum(known), func.sum(proposals)], by,
                        m.Relocation.case_id, m.Relocation)
    for key, n, out, kn, props in session.execute(statement.where(rehoused)):
        target = row(key)
        target.rehoused, target.rehoused_outside_qpv = int(n or 0), int(out or 0)
        target.rehoused_known_location, target.proposals_of_rehoused = int(kn or 0), int(props or 0)
    days = _days(session, m.Relocation.rehoused_on, m.Relocation.sne_filed_on).label("days")
    pairs = _select([days], by, m.Relocation.case_id, m.Relocation, grouped=False)
    for key, value in _median(session, pairs.where(rehoused, m.Relocation.sne_filed_on.is_not(None))).items():
        row(key).median_days_demand_to_rehousing = value
