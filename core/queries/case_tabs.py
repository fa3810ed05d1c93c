"""Reads of the case file's list tabs (visits, referrals, échéances, journal, relocation, attachments) and
`case_file_parts`, which reads several parts of one case in one short session (the stepwise load).

`visits_of_case` is the one home of a case's visit list: the Visites tab, the fiche de suivi and the
letters read it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from core.actor import Actor
from core.queries import query
from core.queries.case_file import case_disorders, case_file_header, case_summary
from core.rules.relocation import sne_renewal
from db import models as m


@dataclass(frozen=True)
class VisitLine:
    id: int
    scheduled_at: datetime | None
    done_at: datetime | None
    status: str
    type_label: str
    agents: tuple[str, ...]
    conclusions: tuple[str, ...]  # procedure labels concluded for this case
    next_steps: str
    observations: str

    @property
    def when(self) -> datetime | None:
        return self.done_at or self.scheduled_at


@dataclass(frozen=True)
class ReferralLine:
    id: int
    sent_on: date
    partner: str
    subject: str
    status: str
    expected_answer_on: date | None
    answer: str
    version: int = 0  # sent back with the answer: a save from an older version is refused

    def is_late(self, today: date) -> bool:
        return (self.status in ("nouvelle", "en_cours") and self.expected_answer_on is not None
                and self.expected_answer_on < today)


@dataclass(frozen=True)
class TaskLine:
    id: int
    due_on: date
    title: str
    assignee: str
    done_on: date | None

    def is_late(self, today: date) -> bool:
        return self.done_on is None and self.due_on < today


@dataclass(frozen=True)
class JournalLine:
    occurred_at: datetime
    kind: str
    shareable: bool
    text: str
    author: str


@dataclass(frozen=True)
class ProposalLine:
    id: int
    proposed_on: date
    landlord: str
    dwelling_description: str
    typology: str
    rent: float | None
    cal_date: date | None
    cal_decision: str | None
    household_decision: str
    refusal_reason: str
    version: int = 0  # sent back with a decision: a save from an older version is refused


@dataclass(frozen=True)
class RelocationView:
    id: int
    status: str
    opened_on: date
    reason: str  # label
    sne_number: str
    sne_filed_on: date | None
    sne_renewal: date | None  # while the relocation is open (core.rules.relocation)
    dalo_recognized_on: date | None
    syplo_labelled: bool
    needed_typology: str | None
    max_rent: float | None
    wished_communes: str
    needs_accessibility: bool
    floor_or_lift: str
    rehoused_on: date | None
    new_address: str
    new_in_qpv: bool | None
    charge_before: float | None
    charge_after: float | None
    abandon_reason: str
    proposals: tuple[ProposalLine, ...]


@dataclass(frozen=True)
class AttachmentLine:
    id: int
    filename: str
    mime_type: str
    taken_at: datetime | None
    created_at: datetime
    caption: str
    size_bytes: int
    content: bytes | None  # images only (for the thumbnail)


def visits_of_case(session: Session, case_id: int) -> tuple[VisitLine, ...]:
    """The visits of a case, oldest planned first, with the conclusions recorded for this case."""
    visits = session.scalars(
        select(m.Visit).join(m.VisitCase, m.VisitCase.visit_id == m.Visit.id).where(m.VisitCase.case_id == case_id)
        .options(selectinload(m.Visit.type), selectinload(m.Visit.agents),
                 selectinload(m.Visit.procedures).selectinload(m.VisitProcedure.procedure))
        .order_by(m.Visit.scheduled_at, m.Visit.id))
    return tuple(VisitLine(v.id, v.scheduled_at, v.done_at, v.status, v.type.label,
                           tuple(a.full_name for a in v.agents),
                           tuple(p.procedure.label for p in v.procedures if p.case_id == case_id),
                           v.next_steps or "", v.observations or "") for v in visits)


@query("case_file.visits", case_arg="case_id")
def case_visits(session: Session, actor: Actor, case_id: int) -> tuple[VisitLine, ...]:
    """The Visites tab: newest first."""
    return tuple(reversed(visits_of_case(session, case_id)))


@query("case_file.referrals", case_arg="case_id")
def case_referrals(session: Session, actor: Actor, case_id: int) -> tuple[ReferralLine, ...]:
    rows = session.execute(
        select(m.Referral.id, m.Referral.sent_on, m.Partner.name, m.Referral.subject, m.Referral.status,
               m.Referral.expected_answer_on, m.Referral.answer, m.Referral.version)
        .join(m.Partner, m.Partner.id == m.Referral.partner_id)
        .where(m.Referral.case_id == case_id).order_by(m.Referral.sent_on.desc(), m.Referral.id.desc()))
    return tuple(ReferralLine(*row[:6], row[6] or "", row[7]) for row in rows)


@query("case_file.tasks", case_arg="case_id")
def case_tasks(session: Session, actor: Actor, case_id: int) -> tuple[TaskLine, ...]:
    """Échéances of the case: open ones first, by due date."""
    rows = session.execute(
        select(m.Task.id, m.Task.due_on, m.Task.title, m.User.full_name, m.Task.done_on)
        .outerjoin(m.User, m.User.id == m.Task.assignee_id).where(m.Task.case_id == case_id)
        .order_by(m.Task.done_on.is_not(None), m.Task.due_on, m.Task.id))
    return tuple(TaskLine(task_id, due, title, who or "", done) for task_id, due, title, who, done in rows)


@query("case_file.journal", case_arg="case_id")
def case_journal(session: Session, actor: Actor, case_id: int) -> tuple[JournalLine, ...]:
    """The case's timeline, newest first."""
    rows = session.execute(
        select(m.JournalEntry.occurred_at, m.JournalEntry.kind, m.JournalEntry.shareable, m.JournalEntry.text,
               m.User.full_name).outerjoin(m.User, m.User.id == m.JournalEntry.author_id)
        .where(m.JournalEntry.case_id == case_id)
        .order_by(m.JournalEntry.occurred_at.desc(), m.JournalEntry.id.desc()))
    return tuple(JournalLine(when, kind, bool(shared), text, author or "") for when, kind, shared, text, author in rows)


def proposal_lines(proposals) -> tuple[ProposalLine, ...]:
    """Proposals (ORM, landlord loaded) as the case file's tab and the Relogement page show them, oldest first."""
    return tuple(ProposalLine(p.id, p.proposed_on, p.landlord.name if p.landlord else "",
                              p.dwelling_description or "", p.typology or "", p.rent, p.cal_date,
                              p.cal_decision, p.household_decision, p.refusal_reason or "", p.version)
                 for p in sorted(proposals, key=lambda p: (p.proposed_on, p.id)))


@query("case_file.relocation", case_arg="case_id")
def case_relocation(session: Session, actor: Actor, case_id: int, today: date | None = None) -> RelocationView | None:
    """The relocation of the case with its proposals (oldest first), or None when none was opened."""
    r = session.scalar(select(m.Relocation).options(
        selectinload(m.Relocation.proposals).selectinload(m.Proposal.landlord))
        .where(m.Relocation.case_id == case_id))
    if r is None:
        return None
    reason = session.get(m.RelocationReason, r.reason)
    proposals = proposal_lines(r.proposals)
    renewal = sne_renewal(r.sne_filed_on, today or date.today()) if r.status == "en_cours" else None
    return RelocationView(
        r.id, r.status, r.opened_on, reason.label if reason else r.reason, r.sne_number or "", r.sne_filed_on,
        renewal, r.dalo_recognized_on, bool(r.syplo_labelled), r.needed_typology, r.max_rent,
        r.wished_communes or "", bool(r.needs_accessibility), r.floor_or_lift or "", r.rehoused_on,
        r.new_address or "", r.new_in_qpv, r.charge_before, r.charge_after, r.abandon_reason or "", proposals)


@query("case_file.attachments", case_arg="case_id")
def case_attachments(session: Session, actor: Actor, case_id: int) -> tuple[AttachmentLine, ...]:
    """Photos and documents, by shooting date (undated ones at the day they were added); images with content."""
    rows = session.execute(
        select(m.Attachment.id, m.Attachment.filename, m.Attachment.mime_type, m.Attachment.taken_at,
               m.Attachment.created_at, m.Attachment.caption, m.Attachment.size_bytes)
        .where(m.Attachment.case_id == case_id)
        .order_by(func.coalesce(m.Attachment.taken_at, m.Attachment.created_at), m.Attachment.id)).all()
    images = [row[0] for row in rows if row[2].startswith("image/")]
    contents = dict(session.execute(select(m.Attachment.id, m.Attachment.content)
                                    .where(m.Attachment.id.in_(images))).all()) if images else {}
    return tuple(AttachmentLine(a_id, name, mime, taken, created, caption or "", size, contents.get(a_id))
                 for a_id, name, mime, taken, created, caption, size in rows)


CASE_FILE_PARTS = {
    "header": case_file_header, "summary": case_summary, "disorders": case_disorders, "visits": case_visits,
    "referrals": case_referrals, "tasks": case_tasks, "journal": case_journal, "relocation": case_relocation,
    "attachments": case_attachments,
}


@query("case_file.parts", case_arg="case_id")
def case_file_parts(session: Session, actor: Actor, case_id: int, parts: tuple[str, ...] = tuple(CASE_FILE_PARTS)
                    ) -> dict:
    """Several parts of one case file read in one session: {part name: what its read returns}."""
    return {part: CASE_FILE_PARTS[part].in_session(session, actor, case_id) for part in parts}
