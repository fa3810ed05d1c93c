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

from core.actor import Actor
from core.errors import NotFound
from core.queries import query
from core.rules import assess_case
from core.scoring import BAND_LABELS, band, grid_maxima, household_factor
from db import models as m

HOUSEHOLD_FIELDS = ("last_name", "first_name", "phone", "email", "adults", "children", "has_child_under_6",
                    "has_person_over_75", "has_disability", "is_isolated", "has_pregnancy", "caf_allocataire",
                    "preferred_language")
DWELLING_FIELDS = ("street_number", "street", "building", "floor", "door", "postcode", "commune_id",
                   "neighbourhood_id", "tenure", "landlord_id", "social_financing", "typology", "living_area_m2",
                   "main_rooms", "main_room_area_m2", "ceiling_height_m", "dpe_class", "dpe_date",
                   "energy_kwh_m2_year")
CASE_FIELDS = ("source", "priority", "opened_on", "agent_id", "summary")


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
    case = _case(session, case_id, selectinload(m.Case.household), selectinload(m.Case.agent),
                 selectinload(m.Case.dwelling).selectinload(m.Dwelling.commune),
                 selectinload(m.Case.dwelling).selectinload(m.Dwelling.neighbourhood),
                 selectinload(m.Case.kinds), selectinload(m.Case.objectives))
    neighbourhood = case.dwelling.neighbourhood
    return CaseHeader(
        id=case.id, reference=case.reference, household=case.household.display_name,
        address=case.dwelling.full_address, neighbourhood=neighbourhood.name if neighbourhood else None,
        is_qpv=bool(neighbourhood and neighbourhood.is_qpv), status=case.status, priority=case.priority,
        agent_id=case.agent_id, agent=case.agent.full_name if case.agent else None,
        kinds=tuple(k.label for k in case.kinds), opened_on=case.opened_on, closed_on=case.closed_on,
        objectives=tuple(f"{o.code} {o.label}" for o in case.objectives),
        criticality=case.criticality, criticality_band=BAND_LABELS[band(case.criticality)],
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
    household = _case(session, case_id, selectinload(m.Case.household)).household
    states = dict(session.execute(select(m.CaseDisorder.item_id, m.CaseDisorder.state)
                                  .where(m.CaseDisorder.case_id == case_id)).all())
    grid = session.scalars(select(m.DisorderItem).options(selectinload(m.DisorderItem.procedures))
                           .where(m.DisorderItem.active).order_by(m.DisorderItem.zone, m.DisorderItem.position))
    items = tuple(GridItem(i.id, i.zone, i.theme, i.label, i.weight, i.is_danger,
                           tuple(p.label for p in i.procedures)) for i in grid)
    return CaseDisorders(items, states, grid_maxima(session),
                         household_factor(household.children, household.has_child_under_6))


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
