"""Reads of the case file: its header, the Synthèse and Désordres tabs, and the choice lists of its forms.

Each read is registered (core.queries) with `case_arg="case_id"`: an agent reading a case outside her
sectors and assignments is refused in French before anything is read. The other tabs are in
core.queries.case_tabs; `case_file_parts` reads several parts in one session (the stepwise load).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core import fields as declared
from core.actor import Actor
from core.errors import NotFound
from core.queries import query
from core.rules import assess_case
from core.scoring import band_words, grid_maxima, has_counted_danger, household_factor, is_overcrowded
from db import models as m

# The Synthèse shows every declared field (core.fields).
HOUSEHOLD_FIELDS, DWELLING_FIELDS, CASE_FIELDS = (declared.keys(part) for part in ("household", "dwelling", "case"))


@dataclass(frozen=True)
class CaseHeader:
    id: int
    reference: str
    household: str
    address: str
    neighbourhood: str | None
    is_qpv: bool
    status: str
    priority: str
    agent_id: int | None
    agent: str | None
    kinds: tuple[str, ...]
    opened_on: date
    closed_on: date | None
    objectives: tuple[str, ...]  # "code label"
    criticality: int
    criticality_band: str
    external_reference: str | None = None


@dataclass(frozen=True)
class LegalCheck:
    title: str
    verdict: str
    verdict_label: str
    message: str


@dataclass(frozen=True)
class CaseSummary:
    """What the Synthèse forms show, with the versions the save checks against."""
    household: dict
    dwelling: dict
    case: dict
    versions: dict  # "household" / "dwelling" / "case" -> version read
    criticality_explanation: str
    checks: tuple[LegalCheck, ...]
    suggested_procedures: tuple[str, ...]  # labels


@dataclass(frozen=True)
class GridItem:
    id: int
    zone: str
    theme: str
    label: str
    weight: int
    is_danger: bool
    procedures: tuple[str, ...]  # labels


@dataclass(frozen=True)
class CaseDisorders:
    grid: tuple[GridItem, ...]  # active items, by zone and position
    states: dict  # item id -> state of this case's disorder
    maxima: dict  # zone -> maximum weight
    factor: float  # household factor (children)
    overcrowded: bool = False  # saved household and dwelling below the minimum area: « forte » whatever the score


@dataclass(frozen=True)
class FormChoices:
    communes: tuple[tuple[int, str], ...]
    neighbourhoods: tuple[tuple[int, str], ...]
    landlords: tuple[tuple[int, str], ...]
    sources: tuple[tuple[str, str], ...]
    agents: tuple[tuple[int, str], ...]
    kinds: tuple[tuple[str, str], ...] = field(default=())


def _case(session: Session, case_id: int, *options) -> m.Case:
    case = session.get(m.Case, case_id, options=list(options))
    if case is None:
        raise NotFound(f"Dossier introuvable (n° {case_id}) : il a peut-être été supprimé.")
    return case


@query("case_file.header", case_arg="case_id")
def case_file_header(session: Session, actor: Actor, case_id: int) -> CaseHeader:
    row = session.execute(
        select(m.Case, m.Household.last_name, m.Household.first_name, m.Dwelling, m.Commune.name,
               m.Neighbourhood.name, m.Neighbourhood.is_qpv, m.User.full_name,
               m.Household.adults + m.Household.children)
        .join(m.Household, m.Household.id == m.Case.household_id)
        .join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id)
        .join(m.Commune, m.Commune.id == m.Dwelling.commune_id)
        .outerjoin(m.Neighbourhood, m.Neighbourhood.id == m.Dwelling.neighbourhood_id)
        .outerjoin(m.User, m.User.id == m.Case.agent_id).where(m.Case.id == case_id)).first()
    if row is None:
        raise NotFound(f"Dossier introuvable (n° {case_id}) : il a peut-être été supprimé.")
    case, last, first, dwelling, commune, neighbourhood, is_qpv, agent, persons = row
    kinds = session.scalars(select(m.CaseKind.label).join(m.CaseKindLink, m.CaseKindLink.kind_code == m.CaseKind.code)
                            .where(m.CaseKindLink.case_id == case_id).order_by(m.CaseKind.position))
    objectives = session.execute(select(m.Objective.code, m.Objective.label)
                                 .join(m.CaseObjective, m.CaseObjective.objective_id == m.Objective.id)
                                 .where(m.CaseObjective.case_id == case_id).order_by(m.Objective.position))
    return CaseHeader(
        id=case.id, reference=case.reference, household=f"{last.upper()} {first}".strip(),
        address=f"{dwelling.address_line}, {dwelling.postcode} {commune}".strip(), neighbourhood=neighbourhood,
        is_qpv=bool(is_qpv), status=case.status, priority=case.priority, agent_id=case.agent_id, agent=agent,
        kinds=tuple(kinds), opened_on=case.opened_on, closed_on=case.closed_on,
        objectives=tuple(f"{code} {text}" for code, text in objectives),
        criticality=case.criticality,
        criticality_band=band_words(case.criticality, has_counted_danger(session, case_id),
                                    is_overcrowded(dwelling.living_area_m2, persons)),
        external_reference=getattr(case, "external_reference", None) or None,
    )


@query("case_file.summary", case_arg="case_id")
def case_summary(session: Session, actor: Actor, case_id: int, today: date | None = None) -> CaseSummary:
    case = _case(session, case_id, selectinload(m.Case.household), selectinload(m.Case.dwelling))
    parts = {"household": (case.household, HOUSEHOLD_FIELDS), "dwelling": (case.dwelling, DWELLING_FIELDS),
             "case": (case, CASE_FIELDS)}
    values = {key: {name: getattr(row, name) for name in names} for key, (row, names) in parts.items()}
    versions = {key: row.version for key, (row, _names) in parts.items()}
    assessment = assess_case(session, case_id, today)
    labels = {p.code: p.label for p in assessment.criticality.procedures}
    for code in assessment.suggested_procedures:
        if code not in labels:
            procedure = session.get(m.ProcedureType, code)
            labels[code] = procedure.label if procedure else code
    return CaseSummary(
        household=values["household"], dwelling=values["dwelling"], case=values["case"], versions=versions,
        criticality_explanation=assessment.criticality.explanation,
        checks=tuple(LegalCheck(c.title, c.verdict, c.verdict_label, c.message) for c in assessment.checks),
        suggested_procedures=tuple(labels[code] for code in assessment.suggested_procedures),
    )


@query("case_file.disorders", case_arg="case_id")
def case_disorders(session: Session, actor: Actor, case_id: int) -> CaseDisorders:
    household = session.execute(select(m.Household.children, m.Household.has_child_under_6)
                                .join(m.Case, m.Case.household_id == m.Household.id).where(m.Case.id == case_id)).first()
    if household is None:
        raise NotFound(f"Dossier introuvable (n° {case_id}) : il a peut-être été supprimé.")
    states = dict(session.execute(select(m.CaseDisorder.item_id, m.CaseDisorder.state)
                                  .where(m.CaseDisorder.case_id == case_id)).all())
    return CaseDisorders(disorder_grid(session), states, grid_maxima(session), household_factor(*household),
                         _overcrowded(session, case_id))


def _overcrowded(session: Session, case_id: int) -> bool:
    """The rule of core.scoring.case_criticality, on the saved household and dwelling."""
    from core.rules.suroccupation import required_area

    persons, area = session.execute(
        select(m.Household.adults + m.Household.children, m.Dwelling.living_area_m2)
        .select_from(m.Case).join(m.Household, m.Household.id == m.Case.household_id)
        .join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id).where(m.Case.id == case_id)).one()
    return area is not None and (persons or 0) >= 1 and area < required_area(persons)


def disorder_grid(session: Session) -> tuple[GridItem, ...]:
    """The active items of the disorder grid, by zone and position, with their procedures' labels."""
    procedures: dict[int, list[str]] = {}
    for item_id, text in session.execute(
            select(m.DisorderItemProcedure.item_id, m.ProcedureType.label)
            .join(m.ProcedureType, m.ProcedureType.code == m.DisorderItemProcedure.procedure_code)
            .order_by(m.ProcedureType.position)):
        procedures.setdefault(item_id, []).append(text)
    rows = session.execute(select(m.DisorderItem.id, m.DisorderItem.zone, m.DisorderItem.theme, m.DisorderItem.label,
                                  m.DisorderItem.weight, m.DisorderItem.is_danger).where(m.DisorderItem.active)
                           .order_by(m.DisorderItem.zone, m.DisorderItem.position))
    return tuple(GridItem(i, zone, theme, text, weight, bool(danger), tuple(procedures.get(i, ())))
                 for i, zone, theme, text, weight, danger in rows)


def _pairs(session: Session, statement) -> tuple:
    return tuple((a, b) for a, b in session.execute(statement))


@query("case_file.form_choices")
def form_choices(session: Session, actor: Actor) -> FormChoices:
    """Choice lists of the case forms (Synthèse, new case): reference data and active agents."""
    return FormChoices(
        communes=_pairs(session, select(m.Commune.id, m.Commune.name).order_by(m.Commune.name)),
        neighbourhoods=_pairs(session, select(m.Neighbourhood.id, m.Neighbourhood.name + " (" + m.Commune.name + ")")
                              .join(m.Commune).order_by(m.Commune.name, m.Neighbourhood.name)),
        landlords=_pairs(session, select(m.Partner.id, m.Partner.name).where(m.Partner.partner_type.in_(
            ("bailleur_social", "proprietaire_prive"))).order_by(m.Partner.name)),
        sources=_pairs(session, select(m.CaseSource.code, m.CaseSource.label).where(m.CaseSource.active)
                       .order_by(m.CaseSource.position)),
        agents=agent_choices.in_session(session, actor),
        kinds=_pairs(session, select(m.CaseKind.code, m.CaseKind.label).where(m.CaseKind.active)
                     .order_by(m.CaseKind.position)),
    )


@query("case_file.agent_choices")
def agent_choices(session: Session, actor: Actor) -> tuple[tuple[int, str], ...]:
    """Active users a case or an échéance can be given to."""
    return _pairs(session, select(m.User.id, m.User.full_name).where(m.User.active).order_by(m.User.full_name))


@query("case_file.partner_choices")
def partner_choices(session: Session, actor: Actor) -> tuple[tuple[int, str], ...]:
    """Active partners a referral can be sent to, with their type."""
    return _pairs(session, select(m.Partner.id, m.Partner.name + " (" + m.PartnerType.label + ")")
                  .join(m.PartnerType).where(m.Partner.active).order_by(m.Partner.name))


@query("case_file.closure_reasons")
def closure_reason_choices(session: Session, actor: Actor) -> tuple[tuple[str, str], ...]:
    return _pairs(session, select(m.ClosureReason.code, m.ClosureReason.label).where(m.ClosureReason.active)
                  .order_by(m.ClosureReason.position))
