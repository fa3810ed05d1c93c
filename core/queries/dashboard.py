"""Reads of the Tableau de bord: the contract's figures per objective and per neighbourhood, and the cases
behind a figure, from the definitions of the bilan (core.pdf.bilan_data).

Both are limited to the reader's scope: an agent's figures count only the cases of her sectors and those
assigned to her, and a click on a figure lists only those. The bilan PDF, the métropole-wide document for
steering committees, needs `report.read` (core.pdf.bilan).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import case_scope_condition
from core.actor import Actor
from core.pdf.bilan_data import BY_KEY, GROUPS, Scope, case_ids_behind, counts, neighbourhood_names
from core.errors import ValidationError
from core.queries import query
from db import models as m

METROPOLE = "toute la métropole"
OWN_CASES = "vos dossiers (secteurs et attributions)"


@dataclass(frozen=True)
class DashboardFigures:
    start: date
    end: date
    commune_id: int | None
    label: str  # what the figures cover, in French
    objectives: tuple[tuple[int, str, str], ...]  # id, code, label
    by_objective: dict[int, dict[str, int]]
    by_neighbourhood: dict[int | None, dict[str, int]]  # None: cases outside any followed neighbourhood
    totals: dict[str, int]
    names: dict[int, tuple[str, bool]]  # neighbourhood id -> name, is a QPV


def _reader_scope(session: Session, actor: Actor, start: date, end: date, commune_id: int | None = None) -> Scope:
    """The bilan's Scope of a period (and commune), narrowed to the cases the actor may see."""
    if end < start:
        start, end = end, start
    if commune_id is not None:
        name = session.scalar(select(m.Commune.name).where(m.Commune.id == commune_id))
        label = f"commune de {name}" if name else METROPOLE
    else:
        label = METROPOLE
    scope = Scope(start, end, commune_id=commune_id, label=label)
    condition = case_scope_condition(actor)
    if condition is None:
        return scope
    sql = select(m.Case.id).where(condition).compile(dialect=session.get_bind().dialect,
                                                     compile_kwargs={"literal_binds": True})
    own = f"{OWN_CASES}, {label}" if commune_id is not None else OWN_CASES
    return dataclasses.replace(scope, cases_sql=str(sql), label=own)


@query("dashboard.figures")
def dashboard_figures(session: Session, actor: Actor, start: date, end: date,
                      commune_id: int | None = None) -> DashboardFigures:
    scope = _reader_scope(session, actor, start, end, commune_id)
    objectives = tuple(tuple(r) for r in session.execute(
        select(m.Objective.id, m.Objective.code, m.Objective.label).order_by(m.Objective.position)))
    return DashboardFigures(scope.start, scope.end, commune_id, scope.label, objectives,
                            counts(session, scope, "objective"), counts(session, scope, "neighbourhood"),
                            counts(session, scope, "all").get(0, {key: 0 for key in BY_KEY}),
                            neighbourhood_names(session))


@query("dashboard.cases")
def dashboard_cases(session: Session, actor: Actor, start: date, end: date, commune_id: int | None, indicator: str,
                    group: str = "all", key: int | None = None) -> tuple[int, ...]:
    """Ids of the cases a figure counts (group 'objective' or 'neighbourhood' with its key; None for the
    cases outside any followed neighbourhood), within the actor's scope."""
    if indicator not in BY_KEY:
        raise ValidationError(f"Indicateur inconnu : « {indicator} ».", field="indicator")
    if group not in GROUPS:
        raise ValidationError(f"Regroupement inconnu : « {group} ».", field="group")
    return tuple(case_ids_behind(session, _reader_scope(session, actor, start, end, commune_id), indicator, group, key))


@query("dashboard.communes")
def dashboard_communes(session: Session, actor: Actor) -> tuple[tuple[int, str], ...]:
    """(id, name) of the communes, for the « Périmètre » box."""
    return tuple((cid, name) for cid, name in session.execute(
        select(m.Commune.id, m.Commune.name).order_by(m.Commune.name)))
