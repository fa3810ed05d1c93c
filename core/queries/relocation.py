"""Reads of the Relogement page and its dialogs: households by stage, their proposals, the choice lists.

The stage and the SNE renewal window come from core.rules.relocation (shared with the case file and the
reminders); the actor's scope from core.access.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from core.access import authorize, restrict_cases
from core.actor import Actor
from core.errors import NotFound
from core.queries import query
from core.queries.case_tabs import ProposalLine, proposal_lines
from core.rules.relocation import LIVE_CAL_DECISIONS, STAGES, relocation_stage, sne_renewal, sne_renewal_due
from db import models as m

# What the page's « Afficher » box offers besides the stages.
OPEN = "open"
SNE_DUE = "sne_due"


@dataclass(frozen=True)
class RelocationLine:
    relocation_id: int
    case_id: int
    reference: str
    household: str
    reason: str
    stage: str  # key of core.rules.relocation.STAGES
    typology: str
    sne_number: str | None
    renewal: date | None  # next SNE anniversary, while the relocation is under way
    renewal_due: bool  # within the renewal window (core.rules.relocation)
    dalo_recognized_on: date | None
    proposals: int

    @property
    def stage_label(self) -> str:
        return STAGES[self.stage]


@dataclass(frozen=True)
class RelocationNeeds:
    """The fields of the needs dialog, as saved, and the version they were read at (a save from an older
    version is refused in French: core.services.relocation.update_relocation)."""
    version: int
    reason: str | None
    sne_number: str | None
    sne_filed_on: date | None
    dalo_recognized_on: date | None
    syplo_labelled: bool
    needed_typology: str | None
    max_rent: float | None
    wished_communes: str | None
    needs_accessibility: bool
    floor_or_lift: str | None


def _pending_flag():
    live = or_(m.Proposal.cal_decision.is_(None),
               m.Proposal.cal_decision.in_([d for d in LIVE_CAL_DECISIONS if d is not None]))
    return case((and_(m.Proposal.household_decision == "en_attente", live), 1), else_=0)


@query("relocation.board")
def relocation_board(session: Session, actor: Actor, wanted: str, today: date) -> tuple[RelocationLine, ...]:
    """The households at one stage (`wanted`: a key of STAGES, OPEN or SNE_DUE), the latest first.

    One grouped query (no ORM objects): 100,000 cases stay under a second.
    """
    statement = restrict_cases(
        select(m.Relocation.id, m.Relocation.case_id, m.Case.reference, m.Household.last_name,
               m.Household.first_name, m.RelocationReason.label, m.Relocation.status, m.Relocation.sne_number,
               m.Relocation.sne_filed_on, m.Relocation.dalo_recognized_on, m.Relocation.needed_typology,
               func.count(m.Proposal.id), func.coalesce(func.max(_pending_flag()), 0))
        .join(m.Case, m.Case.id == m.Relocation.case_id).join(m.Household, m.Household.id == m.Case.household_id)
        .outerjoin(m.RelocationReason, m.RelocationReason.code == m.Relocation.reason)
        .outerjoin(m.Proposal, m.Proposal.relocation_id == m.Relocation.id)
        # Grouped by every joined table's key: PostgreSQL accepts their columns only then (SQLite does anyway).
        .group_by(m.Relocation.id, m.Case.id, m.Household.id, m.RelocationReason.code)
        .order_by(m.Relocation.opened_on.desc(), m.Relocation.id.desc()), actor)
    if wanted in (OPEN, SNE_DUE, "a_constituer", "recherche", "proposition"):
        statement = statement.where(m.Relocation.status == "en_cours")
    elif wanted in ("reloge", "abandon"):
        statement = statement.where(m.Relocation.status == wanted)
    lines = []
    for (relocation_id, case_id, reference, last, first, reason, status, sne, filed, dalo, typology,
         proposals, has_pending) in session.execute(statement):
        stage = relocation_stage(status, sne, bool(has_pending))
        under_way = status == "en_cours"
        due = under_way and sne_renewal_due(filed, today)
        if (wanted == SNE_DUE and not due) or (wanted in STAGES and stage != wanted):
            continue
        lines.append(RelocationLine(relocation_id, case_id, reference, f"{last.upper()} {first}".strip(),
                                    reason or "", stage, typology or "", sne,
                                    sne_renewal(filed, today) if under_way else None, due, dalo, proposals))
    return tuple(lines)


def _relocation_case(session: Session, actor: Actor, relocation_id: int) -> int:
    """The case of a relocation, once the actor is known to reach it."""
    case_id = session.scalar(select(m.Relocation.case_id).where(m.Relocation.id == relocation_id))
    if case_id is None:
        raise NotFound("Ce suivi de relogement n'existe plus.")
    authorize(session, actor, "case.read", case_id)
    return case_id


@query("relocation.proposals")
def relocation_proposals(session: Session, actor: Actor, relocation_id: int) -> tuple[ProposalLine, ...]:
    """The proposals made to a household, the oldest first (the lines of the case file's relocation tab)."""
    _relocation_case(session, actor, relocation_id)
    return proposal_lines(session.scalars(select(m.Proposal).options(selectinload(m.Proposal.landlord))
                                          .where(m.Proposal.relocation_id == relocation_id)))


@query("relocation.needs")
def relocation_needs(session: Session, actor: Actor, relocation_id: int) -> RelocationNeeds:
    _relocation_case(session, actor, relocation_id)
    r = session.get(m.Relocation, relocation_id)
    return RelocationNeeds(r.version, r.reason, r.sne_number, r.sne_filed_on, r.dalo_recognized_on, bool(r.syplo_labelled),
                           r.needed_typology, r.max_rent, r.wished_communes, bool(r.needs_accessibility),
                           r.floor_or_lift)


@query("relocation.reasons")
def relocation_reasons(session: Session, actor: Actor) -> tuple[tuple[str, str], ...]:
    """(code, label) of the active relocation reasons, in their order."""
    return tuple((code, text) for code, text in session.execute(
        select(m.RelocationReason.code, m.RelocationReason.label).where(m.RelocationReason.active)
        .order_by(m.RelocationReason.position)))


@query("relocation.landlords")
def landlord_choices(session: Session, actor: Actor) -> tuple[tuple[int, str], ...]:
    """(id, name) of the active social landlords and private owners (reference data, as in Référentiels)."""
    return tuple((partner_id, name) for partner_id, name in session.execute(
        select(m.Partner.id, m.Partner.name)
        .where(m.Partner.partner_type.in_(("bailleur_social", "proprietaire_prive")), m.Partner.active)
        .order_by(m.Partner.name)))
