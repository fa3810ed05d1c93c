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

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, case, cast, func, literal, select
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


# How it stays fast on 100,000 cases: every fact is read once, tagged with its case's "group
# set" (the groups the case counts in, as text: "3", "1,4", or "" for no neighbourhood),
# and aggregated per group set in SQL. Group sets are few, so Python then spreads each
# aggregated row over the total and its groups: the total costs nothing more, and a case
# in two objectives is not read twice. The visits done since the start of the period are
# gathered once, in id order, so that the joins that follow walk the indexes in order.
_TEMP = MetaData()
CASE_GROUPS = Table("indicator_case_groups", _TEMP, Column("case_id", Integer, primary_key=True),
                    Column("gset", String), prefixes=["TEMPORARY"])
PERIOD_VISITS = Table("indicator_period_visits", _TEMP, Column("visit_id", Integer, primary_key=True),
                      Column("done_at", DateTime), Column("in_period", Integer), prefixes=["TEMPORARY"])


def compute_indicators(session: Session, start: date, end: date, by: str | None = None) -> Indicators:
    """The indicators of the period, in total and per group (objective, neighbourhood, commune)."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    connection = session.connection()
    tables = [PERIOD_VISITS] + ([CASE_GROUPS] if by else [])
    for table in tables:
        table.drop(connection, checkfirst=True)
        table.create(connection)
    try:
        _fill(session, by, start, end)
        sums = _Sums(session, by)
        _cases(session, sums, start, end)
        if by:
            _visits(session, sums)
        _visit_findings(session, sums)
        _referrals(session, sums, start, end)
        _relocation(session, sums, start, end)
    finally:
        for table in tables:
            table.drop(connection)
    total, groups = sums.finish()
    total.visits_done = _all_visits_done(session, start, end)  # walks without a case count in the total
    return Indicators(start, end, by, total, groups)


def _fill(session: Session, by: str | None, start: date, end: date) -> None:
    # Visits done from the start on (a first visit may come after the period's end).
    first, after = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
    session.execute(PERIOD_VISITS.insert().from_select(
        ["visit_id", "done_at", "in_period"],
        select(m.Visit.id, m.Visit.done_at, case((m.Visit.done_at < after, 1), else_=0))
        .where(m.Visit.status == "realisee", m.Visit.done_at >= first).order_by(m.Visit.id)))
    if by:
        session.execute(CASE_GROUPS.insert().from_select(["case_id", "gset"], _group_sets(session, by)))


def _concat(session: Session, column):
    if session.get_bind().dialect.name == "sqlite":
        return func.group_concat(column)
    return func.string_agg(column, literal(","))


def _group_sets(session: Session, by: str):
    if by == "objective":
        text_id = cast(m.CaseObjective.objective_id, String)
        return select(m.CaseObjective.case_id, _concat(session, text_id)).group_by(m.CaseObjective.case_id)
    column = m.Dwelling.neighbourhood_id if by == "neighbourhood" else m.Dwelling.commune_id
    return (select(m.Case.id, func.coalesce(cast(column, String), ""))
            .join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id))


class _Sums:
    """Rows per group and in total, fed with rows aggregated per group set."""

    def __init__(self, session: Session, by: str | None):
        self.by = by
        self.total = IndicatorRow(0, GROUPINGS[None])
        self.rows = {} if by is None else {key: IndicatorRow(key, label) for key, label in _labels(session, by).items()}
        self._targets: dict = {}
        self.criticality: dict[int, list] = {}
        self.histograms: dict[tuple[str, int], dict] = {}

    def gset(self, case_id):
        """The group-set column of the case given by `case_id`, and the join that brings it."""
        if self.by is None:
            return literal(None, String).label("gset"), []
        return CASE_GROUPS.c.gset.label("gset"), [(CASE_GROUPS, CASE_GROUPS.c.case_id == case_id)]

    def targets(self, gset) -> list[IndicatorRow]:
        """The total and the rows of the groups of a group set."""
        found = self._targets.get(gset)
        if found is None:
            keys = dict.fromkeys(None if part == "" else int(part) for part in gset.split(",")) if gset is not None else {}
            found = self._targets[gset] = [self.total, *(self.row(key) for key in keys)]
        return found

    def row(self, key) -> IndicatorRow:
        return self.rows.setdefault(key, IndicatorRow(key, str(key)))

    def histograms_of(self, name: str, gset) -> list[dict]:
        """The day-count histograms of `name` that a group set feeds (the total's and its groups')."""
        return [self.histograms.setdefault((name, id(target)), {}) for target in self.targets(gset)]

    def finish(self) -> tuple[IndicatorRow, list[IndicatorRow]]:
        for target in [self.total, *self.rows.values()]:
            summed, counted = self.criticality.get(id(target), (0, 0))
            target.average_criticality = summed / counted if counted else None
            for name in ("median_days_to_first_visit", "median_days_to_closure", "median_days_demand_to_rehousing"):
                setattr(target, name, _median(self.histograms.get((name, id(target)))))
        return self.total, list(self.rows.values())


def _median(histogram: dict | None) -> float | None:
    """Median of values given with their counts: the mean of the two middle ones."""
    if not histogram:
        return None
    n, seen, low = sum(histogram.values()), 0, None
    for value in sorted(histogram):
        seen += histogram[value]
        if low is None and seen >= (n + 1) // 2:
            low = value
        if seen >= (n + 2) // 2:
            return (float(low) + float(value)) / 2
    return None


def _select(sums: _Sums, columns, case_id, source, joins=()):
    """select(gset, *columns) from `source` and its joins, joined to the case's group set, grouped by it."""
    gset, group_joins = sums.gset(case_id)
    statement = select(gset, *columns).select_from(source)
    for target, on in joins:
        statement = statement.join(target, on)
    for target, on in group_joins:
        statement = statement.outerjoin(target, on)
    return statement.group_by(gset) if sums.by else statement


def _labels(session: Session, by: str) -> dict:
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


def _add_medians(session: Session, sums: _Sums, name: str, statement) -> None:
    """Feed `name`'s histograms from a select(gset, days) grouped by gset: counted per day value."""
    days = statement.selected_columns[1]
    fed: dict = {}
    for gset, value, n in session.execute(statement.add_columns(func.count()).group_by(days)):
        histograms = fed.get(gset) or fed.setdefault(gset, sums.histograms_of(name, gset))
        for histogram in histograms:
            histogram[value] = histogram.get(value, 0) + n


def _unindexed(session: Session, column):
    """`column`, hidden from SQLite's index choice where a year's worth of rows is most of the
    table: reading the table in order beats an index walk with one random lookup per row (the
    referrals due, the cases closed), and starting from the cases opened in the period, then
    their visits, costs twice as much as walking the visits done."""
    return func.date(column) if session.get_bind().dialect.name == "sqlite" else column


def _cases(session: Session, sums: _Sums, start: date, end: date) -> None:
    # No WHERE on opened_on: nearly every case qualifies, and a full scan beats an index walk.
    began = m.Case.opened_on <= end
    opened = case((m.Case.opened_on.between(start, end), 1), else_=0)
    closed = case((m.Case.closed_on.between(start, end), 1), else_=0)
    active = case((began & (m.Case.closed_on.is_(None) | (m.Case.closed_on >= start)), m.Case.criticality))
    statement = _select(sums, [func.sum(opened), func.sum(closed), func.sum(active), func.count(active)],
                        m.Case.id, m.Case)
    for gset, n_opened, n_closed, criticality, n_active in session.execute(statement):
        for target in sums.targets(gset):
            target.opened += int(n_opened or 0)
            target.closed += int(n_closed or 0)
            summed, counted = sums.criticality.get(id(target), (0, 0))
            sums.criticality[id(target)] = (summed + int(criticality or 0), counted + n_active)
    # First visit done on or after the report, among the visits done since the period began.
    days = _days(session, func.min(PERIOD_VISITS.c.done_at), m.Case.opened_on).label("days")
    firsts = (select(m.VisitCase.case_id, days).select_from(PERIOD_VISITS)
              .join(m.VisitCase, m.VisitCase.visit_id == PERIOD_VISITS.c.visit_id)
              .join(m.Case, m.Case.id == m.VisitCase.case_id)
              .where(_unindexed(session, m.Case.opened_on).between(start, end),
                     PERIOD_VISITS.c.done_at >= m.Case.opened_on)
              .group_by(m.VisitCase.case_id, m.Case.opened_on).subquery())
    _add_medians(session, sums, "median_days_to_first_visit", _select(sums, [firsts.c.days], firsts.c.case_id, firsts))
    days = _days(session, m.Case.closed_on, m.Case.opened_on).label("days")
    statement = _select(sums, [days], m.Case.id, m.Case).where(_unindexed(session, m.Case.closed_on).between(start, end))
    _add_medians(session, sums, "median_days_to_closure", statement)


def _visits(session: Session, sums: _Sums) -> None:
    # A visit counts once in a group even when several of its cases are in it: the group
    # sets of its cases are concatenated per visit (in visit order: no sort), then counted.
    gset, joins = sums.gset(m.VisitCase.case_id)
    per_visit = (select(_concat(session, gset).label("gset")).select_from(PERIOD_VISITS)
                 .join(m.VisitCase, m.VisitCase.visit_id == PERIOD_VISITS.c.visit_id))
    for target, on in joins:
        per_visit = per_visit.outerjoin(target, on)
    per_visit = per_visit.where(PERIOD_VISITS.c.in_period == 1).group_by(PERIOD_VISITS.c.visit_id).subquery()
    for visit_gset, n in session.execute(select(per_visit.c.gset, func.count()).group_by(per_visit.c.gset)):
        for target in sums.targets(visit_gset)[1:]:
            target.visits_done += n


def _visit_findings(session: Session, sums: _Sums) -> None:
    in_period = PERIOD_VISITS.c.in_period == 1
    statement = _select(sums, [m.DisorderItem.theme, func.count()], m.CaseDisorder.case_id, PERIOD_VISITS,
                        [(m.CaseDisorder, (m.CaseDisorder.visit_id == PERIOD_VISITS.c.visit_id)
                          & (m.CaseDisorder.state == "confirme")),
                         (m.DisorderItem, m.DisorderItem.id == m.CaseDisorder.item_id)])
    for gset, theme, n in session.execute(statement.where(in_period).group_by(m.DisorderItem.theme)):
        for target in sums.targets(gset):
            target.confirmed_by_theme[theme] = target.confirmed_by_theme.get(theme, 0) + n
            target.disorders_confirmed += n
    statement = _select(sums, [m.VisitProcedure.procedure_code, func.count()], m.VisitProcedure.case_id, PERIOD_VISITS,
                        [(m.VisitProcedure, m.VisitProcedure.visit_id == PERIOD_VISITS.c.visit_id)])
    for gset, code, n in session.execute(statement.where(in_period).group_by(m.VisitProcedure.procedure_code)):
        for target in sums.targets(gset):
            target.procedures[code] = target.procedures.get(code, 0) + n


def _all_visits_done(session: Session, start: date, end: date) -> int:
    first, after = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
    return session.scalar(select(func.count(m.Visit.id)).where(
        m.Visit.status == "realisee", m.Visit.done_at >= first, m.Visit.done_at < after)) or 0


def _referrals(session: Session, sums: _Sums, start: date, end: date) -> None:
    on_time = case(((m.Referral.answered_on.is_not(None)) & (m.Referral.answered_on <= m.Referral.expected_answer_on), 1),
                   else_=0)
    statement = _select(sums, [func.count(), func.sum(on_time)], m.Referral.case_id, m.Referral)
    due_in_period = _unindexed(session, m.Referral.expected_answer_on).between(start, end)
    for gset, due, ok in session.execute(statement.where(due_in_period)):
        for target in sums.targets(gset):
            target.referrals_due += int(due or 0)
            target.referrals_on_time += int(ok or 0)


def _relocation(session: Session, sums: _Sums, start: date, end: date) -> None:
    rehoused = (m.Relocation.status == "reloge") & m.Relocation.rehoused_on.between(start, end)
    proposals = (select(func.count(m.Proposal.id)).where(m.Proposal.relocation_id == m.Relocation.id)
                 .correlate(m.Relocation).scalar_subquery())
    outside = case((m.Relocation.new_in_qpv.is_(False), 1), else_=0)
    known = case((m.Relocation.new_in_qpv.is_not(None), 1), else_=0)
    statement = _select(sums, [func.count(), func.sum(outside), func.sum(known), func.sum(proposals)],
                        m.Relocation.case_id, m.Relocation)
    for gset, n, out, kn, props in session.execute(statement.where(rehoused)):
        for target in sums.targets(gset):
            target.rehoused += int(n or 0)
            target.rehoused_outside_qpv += int(out or 0)
            target.rehoused_known_location += int(kn or 0)
            target.proposals_of_rehoused += int(props or 0)
    days = _days(session, m.Relocation.rehoused_on, m.Relocation.sne_filed_on).label("days")
    statement = _select(sums, [days], m.Relocation.case_id, m.Relocation)
    _add_medians(session, sums, "median_days_demand_to_rehousing",
                 statement.where(rehoused, m.Relocation.sne_filed_on.is_not(None)))
