"""Reads of the Référentiels page (everyone consults it) and of its editing forms (administrators only):
objectives and lines of action, the disorder grid, partners, neighbourhoods, communes, the small
vocabularies and the agents' sectors. Reference data holds no household: nothing here is case-scoped."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.actor import Actor
from core.queries import query
from core.services.reference import VOCABULARIES
from db import models as m

Choice = tuple  # (value, text shown)


@dataclass(frozen=True)
class LineRow:
    id: int
    objective_id: int
    code: str
    label: str
    position: int
    active: bool


@dataclass(frozen=True)
class ObjectiveRow:
    id: int
    code: str
    label: str
    description: str
    active: bool
    lines: tuple[LineRow, ...] = ()


@dataclass(frozen=True)
class GridRow:
    id: int
    zone: str
    theme: str
    label: str
    weight: int
    is_danger: bool
    procedures: tuple[str, ...]  # codes
    procedure_labels: tuple[str, ...]
    active: bool


@dataclass(frozen=True)
class PartnerRow:
    id: int
    name: str
    partner_type: str
    type_label: str
    commune: str
    contact_name: str
    phone: str
    email: str
    address: str
    active: bool
    postcode: str = ""
    city: str = ""


@dataclass(frozen=True)
class NeighbourhoodRow:
    id: int
    commune_id: int
    commune: str
    name: str
    is_qpv: bool
    qpv_code: str


@dataclass(frozen=True)
class CommuneRow:
    id: int
    name: str
    insee_code: str
    postcode: str


@dataclass(frozen=True)
class VocabularyRow:
    vocabulary: str  # key of core.services.reference.VOCABULARIES
    vocabulary_name: str
    code: str
    label: str
    position: int
    active: bool


@dataclass(frozen=True)
class AgentRow:
    id: int
    full_name: str
    login: str
    role: str
    sectors: tuple[str, ...]
    email: str
    active: bool


@dataclass(frozen=True)
class ReferenceTables:
    objectives: tuple[ObjectiveRow, ...]
    grid: tuple[GridRow, ...]
    partners: tuple[PartnerRow, ...]
    neighbourhoods: tuple[NeighbourhoodRow, ...]
    communes: tuple[CommuneRow, ...]
    vocabularies: tuple[VocabularyRow, ...]
    agents: tuple[AgentRow, ...]


# -- rows from records ----------------------------------------------------------------------------
def _line(line: m.LineOfAction) -> LineRow:
    return LineRow(line.id, line.objective_id, line.code, line.label, line.position, line.active)


def _objective(objective: m.Objective) -> ObjectiveRow:
    return ObjectiveRow(objective.id, objective.code, objective.label, objective.description or "", objective.active,
                        tuple(_line(line) for line in objective.lines))


def _grid_row(item: m.DisorderItem) -> GridRow:
    return GridRow(item.id, item.zone, item.theme, item.label, item.weight, item.is_danger,
                   tuple(p.code for p in item.procedures), tuple(p.label for p in item.procedures), item.active)


def _partner(partner: m.Partner) -> PartnerRow:
    return PartnerRow(partner.id, partner.name, partner.partner_type, partner.type.label,
                      partner.city or (partner.commune.name if partner.commune else ""), partner.contact_name,
                      partner.phone, partner.email, partner.address, partner.active, partner.postcode, partner.city)


def _neighbourhood(neighbourhood: m.Neighbourhood, commune: str) -> NeighbourhoodRow:
    return NeighbourhoodRow(neighbourhood.id, neighbourhood.commune_id, commune, neighbourhood.name,
                            neighbourhood.is_qpv, neighbourhood.qpv_code or "")


def _commune(commune: m.Commune) -> CommuneRow:
    return CommuneRow(commune.id, commune.name, commune.insee_code, commune.postcode)


def _vocabulary_row(key: str, entry) -> VocabularyRow:
    return VocabularyRow(key, VOCABULARIES[key][1], entry.code, entry.label, entry.position, entry.active)


def _neighbourhood_rows(session: Session) -> tuple[NeighbourhoodRow, ...]:
    rows = session.execute(select(m.Neighbourhood, m.Commune.name).join(m.Commune)
                           .order_by(m.Commune.name, m.Neighbourhood.name))
    return tuple(_neighbourhood(n, commune) for n, commune in rows)


# -- the page ---------------------------------------------------------------------------------------
@query("referentiel.tables")
def reference_tables(session: Session, actor: Actor) -> ReferenceTables:
    """Every list of the Référentiels page, in the order it shows them."""
    objectives = session.scalars(select(m.Objective).options(selectinload(m.Objective.lines))
                                 .order_by(m.Objective.position))
    grid = session.scalars(select(m.DisorderItem).options(selectinload(m.DisorderItem.procedures))
                           .order_by(m.DisorderItem.zone, m.DisorderItem.position))
    partners = session.scalars(select(m.Partner).options(selectinload(m.Partner.type), selectinload(m.Partner.commune))
                               .order_by(m.Partner.name))
    vocabularies = [_vocabulary_row(key, entry) for key, (model, _name) in VOCABULARIES.items()
                    for entry in session.scalars(select(model).order_by(model.position, model.label))]
    agents = session.scalars(select(m.User).options(selectinload(m.User.sectors)).order_by(m.User.full_name))
    return ReferenceTables(
        objectives=tuple(_objective(o) for o in objectives),
        grid=tuple(_grid_row(i) for i in grid),
        partners=tuple(_partner(p) for p in partners),
        neighbourhoods=_neighbourhood_rows(session),
        communes=tuple(_commune(c) for c in session.scalars(select(m.Commune).order_by(m.Commune.name))),
        vocabularies=tuple(vocabularies),
        agents=tuple(AgentRow(u.id, u.full_name, u.login, u.role, tuple(n.name for n in u.sectors), u.email, u.active)
                     for u in agents),
    )


# -- the editing forms (administrators) ------------------------------------------------------------
@dataclass(frozen=True)
class LineOfActionForm:
    row: LineRow | None
    objectives: tuple[Choice, ...]


@dataclass(frozen=True)
class DisorderItemForm:
    row: GridRow | None
    procedures: tuple[Choice, ...]


@dataclass(frozen=True)
class PartnerForm:
    row: PartnerRow | None
    types: tuple[Choice, ...]


@dataclass(frozen=True)
class NeighbourhoodForm:
    row: NeighbourhoodRow | None
    communes: tuple[Choice, ...]


@dataclass(frozen=True)
class AgentSectorsForm:
    user_id: int
    name: str
    chosen: frozenset[int]
    places: tuple[Choice, ...]  # (neighbourhood id, « Commune – Quartier »)
    civility: str = ""  # printed in letters: « votre interlocutrice »
    job_title: str = ""


def _get(session: Session, model, row_id):
    return session.get(model, row_id) if row_id is not None else None


@query("referentiel.fiche_objectif", permission="reference.edit")
def objective_form(session: Session, actor: Actor, objective_id: int | None = None) -> ObjectiveRow | None:
    objective = _get(session, m.Objective, objective_id)
    return _objective(objective) if objective is not None else None


@query("referentiel.fiche_piste", permission="reference.edit")
def line_of_action_form(session: Session, actor: Actor, line_id: int | None = None) -> LineOfActionForm:
    line = _get(session, m.LineOfAction, line_id)
    objectives = session.execute(select(m.Objective.id, m.Objective.code + " – " + m.Objective.label)
                                 .order_by(m.Objective.position))
    return LineOfActionForm(_line(line) if line is not None else None, tuple(tuple(row) for row in objectives))


@query("referentiel.fiche_desordre", permission="reference.edit")
def disorder_item_form(session: Session, actor: Actor, item_id: int | None = None) -> DisorderItemForm:
    item = _get(session, m.DisorderItem, item_id)
    procedures = session.execute(select(m.ProcedureType.code, m.ProcedureType.label)
                                 .order_by(m.ProcedureType.position))
    return DisorderItemForm(_grid_row(item) if item is not None else None, tuple(tuple(row) for row in procedures))


@query("referentiel.fiche_partenaire", permission="reference.edit")
def partner_form(session: Session, actor: Actor, partner_id: int | None = None) -> PartnerForm:
    partner = _get(session, m.Partner, partner_id)
    types = session.execute(select(m.PartnerType.code, m.PartnerType.label).order_by(m.PartnerType.position))
    return PartnerForm(_partner(partner) if partner is not None else None, tuple(tuple(row) for row in types))


@query("referentiel.fiche_quartier", permission="reference.edit")
def neighbourhood_form(session: Session, actor: Actor, neighbourhood_id: int | None = None) -> NeighbourhoodForm:
    neighbourhood = _get(session, m.Neighbourhood, neighbourhood_id)
    row = _neighbourhood(neighbourhood, neighbourhood.commune.name) if neighbourhood is not None else None
    communes = session.execute(select(m.Commune.id, m.Commune.name).order_by(m.Commune.name))
    return NeighbourhoodForm(row, tuple(tuple(choice) for choice in communes))


@query("referentiel.fiche_commune", permission="reference.edit")
def commune_form(session: Session, actor: Actor, commune_id: int | None = None) -> CommuneRow | None:
    commune = _get(session, m.Commune, commune_id)
    return _commune(commune) if commune is not None else None


@query("referentiel.fiche_liste", permission="reference.edit")
def vocabulary_entry_form(session: Session, actor: Actor, vocabulary: str, code: str) -> VocabularyRow | None:
    """An entry of a small vocabulary, None for an unknown list or code."""
    if vocabulary not in VOCABULARIES:
        return None
    entry = session.get(VOCABULARIES[vocabulary][0], code)
    return _vocabulary_row(vocabulary, entry) if entry is not None else None


@query("referentiel.secteurs_agent", permission="user.manage")
def agent_sectors_form(session: Session, actor: Actor, user_id: int) -> AgentSectorsForm | None:
    """The neighbourhoods an agent covers and every one they could (None: unknown account)."""
    user = _get(session, m.User, user_id)
    if user is None:
        return None
    places = tuple((row.id, f"{row.commune} – {row.name}") for row in _neighbourhood_rows(session))
    return AgentSectorsForm(user.id, user.full_name or user.login, frozenset(n.id for n in user.sectors), places,
                            user.civility, user.job_title)
