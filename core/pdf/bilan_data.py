"""The figures of the bilan par objectif and of the dashboard.

Each indicator is one SQL definition (joins, condition, what is counted), so
a figure and the list of cases behind it come from the same text, and the
tests can check both against hand-written SQL.
"""
from __future__ import annotations

import re

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Boolean, Date, DateTime, bindparam, func, select, text
from sqlalchemy.orm import Session

from core.errors import NotFound, ValidationError
from db import models as m
from db.fetch import fetch_plain_rows
from db.search import fold


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    joins: str
    condition: str
    counted: str
    # The same rows read from the counted table alone, for the metropolis-wide bilan:
    # joining 100,000 cases and dwellings only to reach the case id tripled its cost.
    source: str = ""
    case_column: str = ""


ACTIVE = "c.opened_on <= :end AND (c.closed_on IS NULL OR c.closed_on >= :start)"
INDICATORS = [
    Indicator("suivis", "Dossiers suivis", "", ACTIVE, "c.id"),
    Indicator("ouverts", "Dossiers ouverts", "", "c.opened_on >= :start AND c.opened_on <= :end", "c.id"),
    Indicator("clos", "Dossiers clos", "", "c.closed_on >= :start AND c.closed_on <= :end", "c.id"),
    Indicator("visites", "Visites réalisées",
              "JOIN visit_cases vc ON vc.case_id = c.id JOIN visits v ON v.id = vc.visit_id",
              "v.status = 'realisee' AND v.done_at >= :start_at AND v.done_at < :end_at", "v.id",
              "visit_cases vc JOIN visits v ON v.id = vc.visit_id", "vc.case_id"),
    Indicator("saisines", "Saisines envoyées", "JOIN referrals r ON r.case_id = c.id",
              "r.sent_on >= :start AND r.sent_on <= :end", "r.id", "referrals r", "r.case_id"),
    Indicator("desordres", "Désordres confirmés", "JOIN case_disorders cd ON cd.case_id = c.id",
              f"cd.state = 'confirme' AND {ACTIVE}", "cd.id"),
    Indicator("reloges", "Ménages relogés", "JOIN relocations rl ON rl.case_id = c.id",
              "rl.status = 'reloge' AND rl.rehoused_on >= :start AND rl.rehoused_on <= :end", "rl.id",
              "relocations rl", "rl.case_id"),
    Indicator("reloges_hors_qpv", "dont hors QPV", "JOIN relocations rl ON rl.case_id = c.id",
              "rl.status = 'reloge' AND rl.rehoused_on >= :start AND rl.rehoused_on <= :end "
              "AND rl.new_in_qpv = :false", "rl.id", "relocations rl", "rl.case_id"),
]
BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
GROUPS = {
    "objective": ("JOIN case_objectives co ON co.case_id = c.id", "co.objective_id"),
    "neighbourhood": ("", "d.neighbourhood_id"),
    "all": ("", "0"),
}


@dataclass
class Scope:
    start: date
    end: date
    neighbourhood_ids: tuple[int, ...] | None = None
    commune_id: int | None = None
    label: str = "toute la métropole"
    # SQL selecting the ids of the cases the reader may see (core.queries.dashboard), None for all
    cases_sql: str | None = None

    def where(self) -> str:
        clause = ""
        if self.neighbourhood_ids is not None:
            ids = ", ".join(str(int(i)) for i in self.neighbourhood_ids) or "NULL"
            clause = f" AND d.neighbourhood_id IN ({ids})"
        elif self.commune_id is not None:
            clause = f" AND d.commune_id = {int(self.commune_id)}"
        if self.cases_sql is not None:
            # « +c.id »: a filter, not an index to probe. Bare, SQLite probed visit_cases once per visit and
            # case of the list: an agent's yearly visit count took 45 s at 20,000 cases, 0.3 s this way.
            clause += f" AND +c.id IN ({self.cases_sql})"
        return clause

    def params(self) -> dict:
        return {"start": self.start, "end": self.end, "start_at": datetime.combine(self.start, time.min),
                "end_at": datetime.combine(self.end + timedelta(days=1), time.min), "false": False}


def resolve_scope(session: Session, start: date, end: date, quartier: str | None = None,
                  commune: str | None = None) -> Scope:
    """Check the period and find the neighbourhood or commune by name (accents and case ignored)."""
    if end < start:
        raise ValidationError("La date de fin précède la date de début.", field="au")
    if quartier and commune:
        raise ValidationError("Choisissez un quartier ou une commune, pas les deux.", field="quartier")
    if quartier:
        rows = session.execute(select(m.Neighbourhood.id, m.Neighbourhood.name)).all()
        ids = tuple(i for i, name in rows if fold(name) == fold(quartier.strip()))
        if not ids:
            raise NotFound(f"Quartier inconnu : « {quartier} ».", field="quartier")
        return Scope(start, end, neighbourhood_ids=ids, label=f"quartier {quartier.strip()}")
    if commune:
        rows = session.execute(select(m.Commune.id, m.Commune.name)).all()
        found = [(i, name) for i, name in rows if fold(name) == fold(commune.strip())]
        if not found:
            raise NotFound(f"Commune inconnue : « {commune} ».", field="commune")
        return Scope(start, end, commune_id=found[0][0], label=f"commune de {found[0][1]}")
    return Scope(start, end)


_TYPES = {"start": Date, "end": Date, "start_at": DateTime, "end_at": DateTime, "false": Boolean}


def _statement(sql: str):
    return text(sql).bindparams(*(bindparam(name, type_=kind) for name, kind in _TYPES.items() if _uses(sql, name)))


def _uses(sql: str, name: str) -> bool:
    return re.search(rf":{name}\b", sql) is not None


def _params(sql: str, scope: Scope) -> dict:
    return {k: v for k, v in scope.params().items() if _uses(sql, k)}


def _from(indicator: Indicator, group: str) -> str:
    return (f"FROM cases c JOIN dwellings d ON d.id = c.dwelling_id {GROUPS[group][0]} {indicator.joins} "
            f"WHERE {indicator.condition}")


def counts(session: Session, scope: Scope, group: str, only: set[str] | None = None) -> dict[object, dict[str, int]]:
    """{group key: {indicator key: count}}; group is 'objective', 'neighbourhood' or 'all' (key 0)."""
    result: dict[object, dict[str, int]] = defaultdict(lambda: {i.key: 0 for i in INDICATORS})
    key_expr = GROUPS[group][1]
    for indicator in INDICATORS:
        if only is not None and indicator.key not in only:
            continue
        sql = f"SELECT {key_expr} AS k, COUNT(DISTINCT {indicator.counted}) {_from(indicator, group)}{scope.where()}"
        if group != "all":
            sql += f" GROUP BY {key_expr}"
        stmt = _statement(sql)
        for key, count in session.execute(stmt, _params(sql, scope)):
            result[key][indicator.key] = count
    return dict(result)


def case_ids_behind(session: Session, scope: Scope, indicator_key: str, group: str = "all", key=None) -> list[int]:
    """The cases a figure counts (for the dashboard's drill-down and the annex)."""
    indicator = BY_KEY[indicator_key]
    sql = f"SELECT DISTINCT c.id {_from(indicator, group)}{scope.where()}"
    if group != "all" and key is not None:
        sql += f" AND {GROUPS[group][1]} = {int(key)}"
    elif group == "neighbourhood" and key is None:
        sql += " AND d.neighbourhood_id IS NULL"
    return sorted(session.scalars(_statement(sql), _params(sql, scope)))


@dataclass
class Bilan:
    scope: Scope
    objectives: list[tuple[int, str, str]]  # id, code, label
    by_objective: dict[int, dict[str, int]]
    totals: dict[str, int]
    per_month: list[tuple[date, int]] = field(default_factory=list)
    by_theme: list[tuple[str, int]] = field(default_factory=list)
    relocations_qpv: dict[str, int] = field(default_factory=dict)
    annex: list[tuple] = field(default_factory=list)


def compute_bilan(session: Session, scope: Scope) -> Bilan:
    """All the figures of the bilan, from the same definitions as the dashboard's grouped counts.

    A year over 100,000 cases counts ~100,000 cases and ~300,000 visits, disorders
    and referrals: grouping them by objective in SQL (COUNT DISTINCT per group)
    took most of the bilan's time, so each indicator's (case, counted item) pairs
    are read once and counted here, per objective through one case → objectives map.
    """
    objectives = session.execute(select(m.Objective.id, m.Objective.code, m.Objective.label)
                                 .order_by(m.Objective.position, m.Objective.code)).all()
    objectives_of = _objectives_of_cases(session)
    codes = {objective_id: code for objective_id, code, _label in objectives}
    annex = _annex(session, scope, objectives_of, codes)
    totals = {i.key: 0 for i in INDICATORS}
    by_objective: dict[int, dict[str, int]] = defaultdict(lambda: {i.key: 0 for i in INDICATORS})
    for row in annex:  # every case a case-based figure counts is in the annex
        for key in _case_indicators(scope, row[6], row[7]):
            totals[key] += 1
            for objective_id in objectives_of.get(row[0], ()):
                by_objective[objective_id][key] += 1
    for indicator in INDICATORS:
        if indicator.key in CASE_BASED:
            continue
        counted: set = set()
        per_objective: dict[int, set] = defaultdict(set)
        for case_id, item in _pairs(session, scope, indicator):
            counted.add(item)
            for objective_id in objectives_of.get(case_id, ()):
                per_objective[objective_id].add(item)
        totals[indicator.key] = len(counted)
        for objective_id, items in per_objective.items():
            by_objective[objective_id][indicator.key] = len(items)
    bilan = Bilan(scope, [tuple(o) for o in objectives], dict(by_objective), totals)
    bilan.annex = annex
    bilan.per_month = _per_month(scope, [row[6] for row in bilan.annex])
    bilan.by_theme = _by_theme(session, scope)
    bilan.relocations_qpv = _relocations_qpv(session, scope)
    return bilan


CASE_BASED = ("suivis", "ouverts", "clos")


def _case_indicators(scope: Scope, opened: date, closed: date | None) -> list[str]:
    """Which case-based indicators a case of the annex (active in the period) counts in."""
    keys = ["suivis"]
    if scope.start <= opened <= scope.end:
        keys.append("ouverts")
    if closed is not None and scope.start <= closed <= scope.end:
        keys.append("clos")
    return keys


def _objectives_of_cases(session: Session) -> dict[int, tuple[int, ...]]:
    """case id → its objectives' ids, in the objectives' order."""
    rows = fetch_plain_rows(session, text(
        "SELECT cob.case_id, cob.objective_id FROM case_objectives cob JOIN objectives o ON o.id = cob.objective_id "
        "ORDER BY o.position, o.code"))
    result: dict[int, list[int]] = defaultdict(list)
    for case_id, objective_id in rows:
        result[case_id].append(objective_id)
    return {case_id: tuple(ids) for case_id, ids in result.items()}


def _pairs(session: Session, scope: Scope, indicator: Indicator):
    """(case id, counted item) for every row an indicator counts."""
    if indicator.source and not scope.where():
        sql = f"SELECT {indicator.case_column}, {indicator.counted} FROM {indicator.source} WHERE {indicator.condition}"
    else:
        sql = f"SELECT c.id, {indicator.counted} {_from(indicator, 'all')}{scope.where()}"
    # One fetchall of plain tuples: iterating the result fetched the ~600,000 rows of a year one by one, and
    # building a SQLAlchemy row for each doubled the read (ids and counted values need no conversion).
    return fetch_plain_rows(session, _statement(sql), _params(sql, scope))


def _annex(session: Session, scope: Scope, objectives_of: dict[int, tuple[int, ...]],
           codes: dict[int, str]) -> list[tuple]:
    """(id, reference, household, neighbourhood, commune, status, opened_on, closed_on, objective codes)."""
    sql = ("SELECT c.id, c.reference, h.last_name, h.first_name, n.name, co.name, c.status, c.opened_on, c.closed_on "
           "FROM cases c JOIN dwellings d ON d.id = c.dwelling_id JOIN households h ON h.id = c.household_id "
           "JOIN communes co ON co.id = d.commune_id LEFT JOIN neighbourhoods n ON n.id = d.neighbourhood_id "
           f"WHERE {ACTIVE}{scope.where()} ORDER BY c.reference")
    stmt = _statement(sql).columns(opened_on=Date, closed_on=Date)
    return [(r[0], r[1], f"{r[2].upper()} {r[3]}".strip(), r[4] or "", r[5], r[6], r[7], r[8],
             " ".join(codes[i] for i in objectives_of.get(r[0], ())))
            for r in session.execute(stmt, _params(sql, scope)).all()]


def _per_month(scope: Scope, opened: list[date]) -> list[tuple[date, int]]:
    """New cases per month of the period (the months the chart shows)."""
    counter = Counter(day.replace(day=1) for day in opened if scope.start <= day <= scope.end)
    months, month = [], scope.start.replace(day=1)
    while month <= scope.end:
        months.append((month, counter.get(month, 0)))
        month = (month + timedelta(days=32)).replace(day=1)
    return months


DISORDERS_DEFINITION = ("Désordres confirmés : éléments de la grille qu'une visite a confirmés, sur les dossiers "
                       "suivis pendant la période ; un désordre compte une fois par dossier.")


def _by_theme(session: Session, scope: Scope) -> list[tuple[str, int]]:
    """Confirmed disorders per theme: the very rows the « desordres » indicator counts, so the chart adds up
    to the table's figure."""
    sql = ("SELECT i.theme, COUNT(cd.id) FROM cases c JOIN dwellings d ON d.id = c.dwelling_id "
           "JOIN case_disorders cd ON cd.case_id = c.id JOIN disorder_items i ON i.id = cd.item_id "
           f"WHERE {BY_KEY['desordres'].condition}{scope.where()} GROUP BY i.theme ORDER BY COUNT(cd.id) DESC")
    return [(theme, count) for theme, count in session.execute(_statement(sql), _params(sql, scope))]


def _relocations_qpv(session: Session, scope: Scope) -> dict[str, int]:
    sql = ("SELECT rl.new_in_qpv, COUNT(rl.id) FROM cases c JOIN dwellings d ON d.id = c.dwelling_id "
           "JOIN relocations rl ON rl.case_id = c.id WHERE rl.status = 'reloge' "
           f"AND rl.rehoused_on >= :start AND rl.rehoused_on <= :end{scope.where()} GROUP BY rl.new_in_qpv")
    labels = {True: "en QPV", False: "hors QPV", None: "non renseigné"}
    result = {"en QPV": 0, "hors QPV": 0, "non renseigné": 0}
    for in_qpv, count in session.execute(_statement(sql), _params(sql, scope)):
        result[labels[None if in_qpv is None else bool(in_qpv)]] += count
    return result


def neighbourhood_names(session: Session) -> dict[int, tuple[str, bool]]:
    return {i: (name, bool(q)) for i, name, q in session.execute(
        select(m.Neighbourhood.id, m.Neighbourhood.name, m.Neighbourhood.is_qpv))}


def period_bounds(session: Session) -> tuple[date, date] | None:
    first, last = session.execute(select(func.min(m.Case.opened_on), func.max(m.Case.opened_on))).one()
    return (first, last) if first else None
