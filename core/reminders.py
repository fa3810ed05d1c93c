"""Reminders engine: derives échéances (tasks with a rule_key) from the state of the cases.

Idempotent: each reminder has a stable key (rule, object, and the date that makes
it due), so running the engine twice adds nothing; a reminder whose condition no
longer holds (visit concluded, answer received, activity resumed) is marked done.

Rules (assigned to the case's agent):
- visite : a visit done but not concluded, or planned in the past and not recorded;
- saisine : a referral without answer past its expected date;
- inactif-30 / inactif-45 / inactif-90 : an open case without activity for that many
  days (only the highest threshold reached is kept open);
- sne : a social-housing demand (numéro unique) within the renewal window of its anniversary
  (core.rules.relocation),
  the date by which it must be renewed;
- dalo : the deadline for a housing offer after DALO recognition (recognition date +
  the setting `dalo_delai_mois`, 6 by default: art. R. 441-16-1 CCH, departments with
  an agglomeration over 300,000 inhabitants such as the Nord), from 30 days before;
- proposition : a proposal awaiting the household's answer (due at the end of the
  10-day reflection period, art. R. 441-10 CCH).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from core.actor import Actor
from core.rules.relocation import sne_renewal, sne_renewal_due
from core.services.base import Changes, action
from core.validation import fr_date
from db import models as m
from db.upsert import insert_new_only

RULES = {
    "visite": "Visite à conclure",
    "saisine": "Saisine sans réponse",
    "inactif-30": "Sans activité depuis 30 jours",
    "inactif-45": "Sans activité depuis 45 jours",
    "inactif-90": "Sans activité depuis 90 jours",
    "sne": "Renouvellement de la demande SNE",
    "dalo": "Échéance DALO",
    "proposition": "Proposition en attente de réponse",
}
INACTIVITY_DAYS = (30, 45, 90)
DALO_NOTICE_DAYS = 30
DALO_DEFAULT_MONTHS = 6
REFLECTION_DAYS = 10
OPEN_CASE = m.Case.status != "clos"


@dataclass(slots=True)
class Reminder:
    """A reminder the rules want; its French title is written only for a new task.

    A run over 100,000 cases finds ~60,000 reminders, almost all already tasks:
    formatting their titles and dates every time was a third of the run.
    """
    rule_key: str
    case_id: int
    assignee_id: int | None
    due_on: date
    describe: Callable[..., str]
    details: tuple = ()

    @property
    def title(self) -> str:
        return self.describe(*self.details)

    @property
    def rule(self) -> str:
        return self.rule_key.split(":", 1)[0]


@dataclass
class ReminderReport:
    created: dict[str, int] = field(default_factory=dict)
    closed: dict[str, int] = field(default_factory=dict)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


@dataclass
class ReminderPlan:
    """What a run of the rules will change: reminders to create, open tasks to close (rule key -> task id)."""
    new: list[Reminder]
    stale: dict[str, int]


def plan_reminders(session: Session, today: date) -> ReminderPlan:
    """Read the rules and the existing tasks; writes nothing."""
    wanted = {r.rule_key: r for r in current_reminders(session, today)}
    existing, open_tasks = set(), {}
    for key, task_id, is_open in session.execute(select(m.Task.rule_key, m.Task.id, m.Task.done_on.is_(None))
                                                 .where(m.Task.rule_key.is_not(None))):
        existing.add(key)
        if is_open:
            open_tasks[key] = task_id
    return ReminderPlan([r for key, r in wanted.items() if key not in existing],
                        {key: task_id for key, task_id in open_tasks.items() if key not in wanted})


def apply_plan(session: Session, plan: ReminderPlan, today: date) -> ReminderReport:
    """Carry a plan out; safe if the tasks changed since it was read (keys re-checked, done tasks left alone)."""
    report = ReminderReport()
    created_meanwhile = set()
    keys = [r.rule_key for r in plan.new]
    for start in range(0, len(keys), 900):
        created_meanwhile.update(session.scalars(select(m.Task.rule_key)
                                                 .where(m.Task.rule_key.in_(keys[start:start + 900]))))
    new = [r for r in plan.new if r.rule_key not in created_meanwhile]
    # Another seat's run may create the same keys at this very moment: those rows are skipped, not an error.
    inserted = insert_new_only(session, m.Task.__table__, [
        {"rule_key": r.rule_key, "case_id": r.case_id, "assignee_id": r.assignee_id, "title": r.title[:300],
         "due_on": r.due_on} for r in new], key="rule_key")
    for r in (r for r in new if r.rule_key in inserted):
        report.created[r.rule] = report.created.get(r.rule, 0) + 1
    stale = list(plan.stale.values())
    table = m.Task.__table__
    for start in range(0, len(stale), 900):
        session.execute(update(table).where(table.c.id.in_(stale[start:start + 900]), table.c.done_on.is_(None))
                        .values(done_on=today))
    for key in plan.stale:
        rule = key.split(":", 1)[0]
        report.closed[rule] = report.closed.get(rule, 0) + 1
    return report


def derive_reminders(session: Session, today: date | None = None) -> ReminderReport:
    """Create the reminders due today and close the ones no longer due, in one transaction; returns the counts."""
    today = today or date.today()
    return apply_plan(session, plan_reminders(session, today), today)


@action("reminders.refresh", "case.edit")
def apply_reminders(session: Session, actor: Actor, plan: ReminderPlan | None = None,
                    today: date | None = None) -> Changes:
    today = today or date.today()
    report = apply_plan(session, plan if plan is not None else plan_reminders(session, today), today)
    return Changes("tasks", None, set(), ["reminders"], created=bool(report.created), result=report)


def refresh_reminders(database, actor: Actor, today: date | None = None) -> Changes:
    """Run the rules: read them in a read transaction, then apply the difference in a short write one.

    Reading the rules and the existing tasks takes ~0.6 s at 100,000 cases; inside the
    write transaction it held the base's write lock that long, and the window's own
    writes (the audit of a case opening) waited for it. The write step only re-checks
    the keys it is about to create and leaves tasks done meanwhile as they are.
    """
    from core.access import authorize

    today = today or date.today()
    with database.session() as session:
        authorize(session, actor, "case.edit")  # refused before the rules are read for nothing
        plan = plan_reminders(session, today)
    return apply_reminders(database, actor, plan, today)


def current_reminders(session: Session, today: date) -> list[Reminder]:
    return [*_visits(session, today), *_referrals(session, today), *_inactive(session, today),
            *_sne(session, today), *_dalo(session, today), *_proposals(session, today)]


def _visits(session: Session, today: date) -> list[Reminder]:
    start_of_today = datetime.combine(today, time.min)
    rows = session.execute(
        select(m.Visit.id, m.VisitCase.case_id, m.Case.agent_id, m.Visit.status, m.Visit.scheduled_at, m.Visit.done_at)
        .join(m.VisitCase, m.VisitCase.visit_id == m.Visit.id).join(m.Case, m.Case.id == m.VisitCase.case_id)
        .where(OPEN_CASE, or_(m.Visit.status == "conclusion_a_renseigner",
                              and_(m.Visit.status == "planifiee", m.Visit.scheduled_at < start_of_today)))
    )
    return [Reminder(f"visite:{visit_id}:{case_id}", case_id, agent_id, (done_at or scheduled_at).date(), _visit_title,
                     (status, (done_at or scheduled_at).date()))
            for visit_id, case_id, agent_id, status, scheduled_at, done_at in rows]


def _visit_title(status: str, when: date) -> str:
    if status == "conclusion_a_renseigner":
        return f"Rédiger la conclusion de la visite du {fr_date(when)}"
    return f"Indiquer si la visite prévue le {fr_date(when)} a eu lieu et la conclure"


def _referrals(session: Session, today: date) -> list[Reminder]:
    rows = session.execute(
        select(m.Referral.id, m.Referral.case_id, m.Case.agent_id, m.Partner.name, m.Referral.expected_answer_on)
        .join(m.Case, m.Case.id == m.Referral.case_id).join(m.Partner, m.Partner.id == m.Referral.partner_id)
        .where(OPEN_CASE, m.Referral.status.in_(("nouvelle", "en_cours")), m.Referral.expected_answer_on < today)
    )
    return [Reminder(f"saisine:{rid}", case_id, agent_id, due, _referral_title, (partner, due))
            for rid, case_id, agent_id, partner, due in rows]


def _referral_title(partner: str, due: date) -> str:
    return f"Relancer {partner} : réponse attendue le {fr_date(due)}"


def _inactive(session: Session, today: date) -> list[Reminder]:
    oldest = datetime.combine(today - timedelta(days=INACTIVITY_DAYS[0]), time.max)
    rows = session.execute(select(m.Case.id, m.Case.agent_id, m.Case.last_activity_at)
                           .where(OPEN_CASE, m.Case.last_activity_at <= oldest))
    reminders = []
    thresholds = sorted(INACTIVITY_DAYS, reverse=True)
    for case_id, agent_id, last in rows:
        day = last.date()
        idle = (today - day).days
        days = next(d for d in thresholds if d <= idle)
        reminders.append(Reminder(f"inactif-{days}:{case_id}:{day.isoformat()}", case_id, agent_id,
                                  day + timedelta(days=days), _inactive_title, (day, idle)))
    return reminders


def _inactive_title(last: date, idle: int) -> str:
    return f"Aucune activité depuis le {fr_date(last)} ({idle} jours) : faire le point"


def _open_relocations(session: Session, *columns):
    return (select(m.Relocation.id, m.Relocation.case_id, m.Case.agent_id, *columns)
            .join(m.Case, m.Case.id == m.Relocation.case_id).where(OPEN_CASE, m.Relocation.status == "en_cours"))


def _sne(session: Session, today: date) -> list[Reminder]:
    rows = session.execute(_open_relocations(session, m.Relocation.sne_number, m.Relocation.sne_filed_on)
                           .where(m.Relocation.sne_filed_on.is_not(None)))
    reminders = []
    for rid, case_id, agent_id, number, filed in rows:
        anniversary = sne_renewal(filed, today)
        if sne_renewal_due(filed, today):
            reminders.append(Reminder(f"sne:{rid}:{anniversary.isoformat()}", case_id, agent_id, anniversary,
                                      _sne_title, (number, anniversary)))
    return reminders


def _sne_title(number: str | None, anniversary: date) -> str:
    label = f" n° {number}" if number else ""
    return f"Renouveler la demande de logement social{label} avant le {fr_date(anniversary)}"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def dalo_months(session: Session) -> int:
    setting = session.get(m.Setting, "dalo_delai_mois")
    try:
        return int(setting.value) if setting and setting.value else DALO_DEFAULT_MONTHS
    except ValueError:
        return DALO_DEFAULT_MONTHS


def _dalo(session: Session, today: date) -> list[Reminder]:
    months = dalo_months(session)
    accepted = select(m.Proposal.relocation_id).where(m.Proposal.household_decision == "acceptee")
    rows = session.execute(_open_relocations(session, m.Relocation.dalo_recognized_on)
                           .where(m.Relocation.dalo_recognized_on.is_not(None), m.Relocation.id.not_in(accepted)))
    reminders = []
    for rid, case_id, agent_id, recognized in rows:
        deadline = add_months(recognized, months)
        if (deadline - today).days <= DALO_NOTICE_DAYS:
            reminders.append(Reminder(f"dalo:{rid}:{deadline.isoformat()}", case_id, agent_id, deadline,
                                      _dalo_title, (recognized, deadline)))
    return reminders


def _proposals(session: Session, today: date) -> list[Reminder]:
    rows = session.execute(
        _open_relocations(session, m.Proposal.id, m.Proposal.proposed_on)
        .join(m.Proposal, m.Proposal.relocation_id == m.Relocation.id)
        .where(m.Proposal.household_decision == "en_attente", m.Proposal.proposed_on <= today))
    return [Reminder(f"proposition:{pid}", case_id, agent_id, proposed + timedelta(days=REFLECTION_DAYS),
                     _proposal_title, (proposed,))
            for _rid, case_id, agent_id, pid, proposed in rows]


def _dalo_title(recognized: date, deadline: date) -> str:
    return f"DALO reconnu le {fr_date(recognized)} : délai de proposition au {fr_date(deadline)}"


def _proposal_title(proposed: date) -> str:
    return f"Obtenir la réponse du ménage à la proposition du {fr_date(proposed)}"
