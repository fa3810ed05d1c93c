"""Visits: schedule, reschedule, cancel, conclude; a collective walk concerns several cases.

Statuses: à planifier (no date yet) -> planifiée -> conclusion à renseigner (done,
report pending) -> réalisée; or annulée / non réalisée.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import validation as v
from core.actor import Actor
from core.errors import ValidationError, WorkflowError
from core.services.base import Changes, action
from core.services.common import authorize_cases, check_version, finish, get, journal, today
from core.services.disorders import add_reported
from db import models as m
from db.base import now
from db.vocab import VISIT_STATUSES

OPEN_STATUSES = ("a_planifier", "planifiee", "conclusion_a_renseigner")
CONCLUDABLE = OPEN_STATUSES
FINDINGS = {"confirme": "confirmé", "non_confirme": "non confirmé"}


def _visit(session: Session, actor: Actor, visit_id: int) -> m.Visit:
    visit = get(session, m.Visit, visit_id)
    authorize_cases(session, actor, [c.id for c in visit.cases])
    return visit


def _require_open(visit: m.Visit, doing: str) -> None:
    if visit.status not in OPEN_STATUSES:
        raise WorkflowError(f"Une visite « {VISIT_STATUSES[visit.status]} » ne peut pas être {doing}.",
                            field="status")


def _agents(session: Session, agent_ids: Iterable[int]) -> list[m.User]:
    users = []
    for agent_id in dict.fromkeys(agent_ids or ()):
        user = session.get(m.User, agent_id)
        if user is None or not user.active:
            raise ValidationError(f"Agent n° {agent_id} inconnu ou désactivé.", field="agent_ids")
        users.append(user)
    return users


@action("visit.schedule", "case.edit")
def schedule_visit(session: Session, actor: Actor, case_ids: Iterable[int], visit_type: str,
                   scheduled_at: datetime | None = None, agent_ids: Iterable[int] = (),
                   neighbourhood_id: int | None = None, observations: str = "") -> Changes:
    """Plan a visit. A home visit concerns exactly one case; a collective one (walk, drop-in) any number."""
    case_ids = list(dict.fromkeys(case_ids or ()))
    vtype = session.get(m.VisitType, visit_type) if visit_type else None
    if vtype is None:
        raise ValidationError(f"Type de visite « {visit_type} » inconnu.", field="visit_type")
    if not vtype.collective and len(case_ids) != 1:
        raise ValidationError(f"Une « {vtype.label} » concerne un seul dossier.", field="case_ids")
    if vtype.collective and not case_ids and neighbourhood_id is None:
        raise ValidationError("Indiquez le quartier du diagnostic ou au moins un dossier.", field="neighbourhood_id")
    cases = [get(session, m.Case, case_id, "case_ids") for case_id in case_ids]
    authorize_cases(session, actor, case_ids)
    if neighbourhood_id is not None:
        if session.get(m.Neighbourhood, neighbourhood_id) is None:
            raise ValidationError("Quartier inconnu.", field="neighbourhood_id")
    scheduled_at = v.a_datetime(scheduled_at, "scheduled_at", "Date de la visite", required=False)
    agents = _agents(session, agent_ids) or ([session.get(m.User, actor.user_id)] if actor.user_id else [])
    visit = m.Visit(visit_type=visit_type, status="planifiee" if scheduled_at else "a_planifier",
                    scheduled_at=scheduled_at, neighbourhood_id=neighbourhood_id,
                    observations=v.text(observations, "observations", "Observations", 20000))
    visit.cases = cases
    visit.agents = [a for a in agents if a is not None]
    session.add(visit)
    session.flush()
    when = f" le {v.fr_date(scheduled_at)}" if scheduled_at else " (date à fixer)"
    for case in cases:
        journal(session, actor, case.id, "visite", f"{vtype.label} planifiée{when}.", shareable=True)
    finish(session, case_ids)
    return Changes("visit", visit.id, set(case_ids), ["status", "scheduled_at"], created=True, result=visit.id)


@action("visit.reschedule", "case.edit")
def reschedule_visit(session: Session, actor: Actor, visit_id: int, scheduled_at: datetime,
                     reason: str = "", expected_version: int | None = None) -> Changes:
    visit = _visit(session, actor, visit_id)
    check_version(session, visit, "visit", expected_version)
    _require_open(visit, "replanifiée")
    scheduled_at = v.a_datetime(scheduled_at, "scheduled_at", "Nouvelle date de la visite")
    before = visit.scheduled_at
    visit.scheduled_at = scheduled_at
    visit.status = "planifiee"
    text = f"Visite replanifiée au {v.fr_date(scheduled_at)}"
    text += f" (au lieu du {v.fr_date(before)})" if before else ""
    text += f" : {reason.strip()}" if reason.strip() else "."
    ids = [c.id for c in visit.cases]
    for case_id in ids:
        journal(session, actor, case_id, "visite", text, shareable=True)
    finish(session, ids)
    return Changes("visit", visit.id, set(ids), ["scheduled_at", "status"])


@action("visit.cancel", "case.edit")
def cancel_visit(session: Session, actor: Actor, visit_id: int, reason: str, missed: bool = False,
                 expected_version: int | None = None) -> Changes:
    """Cancel a planned visit (annulée), or record that it did not take place (non réalisée, missed=True)."""
    visit = _visit(session, actor, visit_id)
    check_version(session, visit, "visit", expected_version)
    _require_open(visit, "annulée")
    reason = v.text(reason, "cancel_reason", "Motif", 2000, required=True)
    visit.status = "non_realisee" if missed else "annulee"
    visit.cancel_reason = reason
    ids = [c.id for c in visit.cases]
    word = "non réalisée" if missed else "annulée"
    for case_id in ids:
        journal(session, actor, case_id, "visite", f"Visite {word} : {reason}", shareable=True)
    finish(session, ids)
    return Changes("visit", visit.id, set(ids), ["status", "cancel_reason"])


@action("visit.record_done", "case.edit")
def record_visit_done(session: Session, actor: Actor, visit_id: int, done_at: datetime,
                      expected_version: int | None = None) -> Changes:
    """The visit took place; its conclusion will be written later (status: conclusion à renseigner)."""
    visit = _visit(session, actor, visit_id)
    check_version(session, visit, "visit", expected_version)
    _require_open(visit, "marquée comme faite")
    visit.done_at = _done_at(done_at)
    visit.status = "conclusion_a_renseigner"
    ids = [c.id for c in visit.cases]
    for case_id in ids:
        journal(session, actor, case_id, "visite", f"Visite effectuée le {v.fr_date(visit.done_at)}, "
                "conclusion à rédiger.")
    finish(session, ids)
    return Changes("visit", visit.id, set(ids), ["status", "done_at"])


def _done_at(value: Any) -> datetime:
    done_at = v.a_datetime(value, "done_at", "Date de la visite")
    v.not_after(done_at, now(), "done_at",
                f"Une visite ne peut pas avoir été réalisée dans le futur ({v.fr_date(done_at)}).")
    return done_at


@action("visit.link_cases", "case.edit")
def link_visit_cases(session: Session, actor: Actor, visit_id: int, case_ids: Iterable[int]) -> Changes:
    """Add cases to a collective visit (a walk that raised them)."""
    visit = _visit(session, actor, visit_id)
    if not visit.type.collective:
        raise ValidationError(f"Une « {visit.type.label} » concerne un seul dossier.", field="case_ids")
    case_ids = list(dict.fromkeys(case_ids))
    authorize_cases(session, actor, case_ids)
    present = {c.id for c in visit.cases}
    for case_id in case_ids:
        if case_id not in present:
            visit.cases.append(get(session, m.Case, case_id, "case_ids"))
            journal(session, actor, case_id, "visite", f"Dossier rattaché à : {visit.type.label}.")
    finish(session, case_ids)
    return Changes("visit", visit.id, set(case_ids), ["cases"])


@action("visit.conclude", "case.edit")
def conclude_visit(session: Session, actor: Actor, visit_id: int, *, done_at: datetime | None = None,
                   findings: dict[int, dict[int, str]] | None = None,
                   procedures: dict[int, Iterable[str]] | None = None, next_steps: str = "",
                   observations: str | None = None, occupant_present: bool | None = None,
                   landlord_present: bool | None = None, common_findings: Iterable[dict] = (),
                   concluded_on: date | None = None, expected_version: int | None = None) -> Changes:
    """Conclude a visit.

    findings: {case_id: {item_id: "confirme" | "non_confirme"}}; an item not yet on the
    case and found "confirme" is added as confirmed. procedures: {case_id: [procedure
    codes]}. common_findings (collective visits): [{"item_id", "location", "description",
    "severity"}]. done_at defaults to the date already recorded.
    """
    visit = _visit(session, actor, visit_id)
    check_version(session, visit, "visit", expected_version)
    if visit.status not in CONCLUDABLE:
        raise WorkflowError(f"Une visite « {VISIT_STATUSES[visit.status]} » ne peut pas être conclue.",
                            field="status")
    done_at = _done_at(done_at if done_at is not None else visit.done_at)
    concluded_on = v.a_date(concluded_on or today(), "concluded_on", "Date de la conclusion")
    v.not_before(concluded_on, done_at.date(), "concluded_on",
                 f"La conclusion ({v.fr_date(concluded_on)}) ne peut pas précéder la visite ({v.fr_date(done_at.date())}).")
    v.not_after(concluded_on, today(), "concluded_on", "La date de la conclusion ne peut pas être dans le futur.")
    case_ids = {c.id for c in visit.cases}
    findings, procedures = findings or {}, {k: list(dict.fromkeys(p)) for k, p in (procedures or {}).items()}
    for case_id in set(findings) | set(procedures):
        if case_id not in case_ids:
            raise ValidationError(f"Le dossier n° {case_id} n'est pas concerné par cette visite.", field="findings")
    _check_procedures(session, procedures)
    commons = _common_findings(session, visit, common_findings)
    visit.done_at, visit.status = done_at, "realisee"
    visit.next_steps = v.text(next_steps, "next_steps", "Suites à donner", 20000)
    if observations is not None:
        visit.observations = v.text(observations, "observations", "Observations", 20000)
    visit.occupant_present = v.boolean(occupant_present, "occupant_present", "Occupant présent", optional=True)
    visit.landlord_present = v.boolean(landlord_present, "landlord_present", "Bailleur présent", optional=True)
    summaries = {case_id: _apply_findings(session, visit, case_id, findings.get(case_id, {}), done_at.date())
                 for case_id in sorted(case_ids)}
    for case_id, codes in procedures.items():
        session.add_all([m.VisitProcedure(visit_id=visit.id, case_id=case_id, procedure_code=c) for c in codes])
        if codes:
            labels = [session.get(m.ProcedureType, c).label for c in codes]
            summaries[case_id].append("Procédures : " + ", ".join(labels) + ".")
    visit.common_findings.extend(commons)
    for case_id, parts in summaries.items():
        text = f"Visite du {v.fr_date(done_at.date())} conclue. " + " ".join(parts)
        if visit.next_steps:
            text += f" Suites : {visit.next_steps}"
        journal(session, actor, case_id, "visite", text.strip(), shareable=True,
                occurred_at=datetime.combine(concluded_on, now().time()))
    finish(session, case_ids)
    return Changes("visit", visit.id, case_ids, ["status", "done_at", "findings", "procedures"])


def _check_procedures(session: Session, procedures: dict[int, list[str]]) -> None:
    for codes in procedures.values():
        for code in codes:
            if session.get(m.ProcedureType, code) is None:
                raise ValidationError(f"Procédure « {code} » inconnue.", field="procedures")


def _apply_findings(session: Session, visit: m.Visit, case_id: int, findings: dict[int, str], day: date) -> list[str]:
    rows = {r.item_id: r for r in session.scalars(select(m.CaseDisorder).where(m.CaseDisorder.case_id == case_id))}
    counts = {"confirme": 0, "non_confirme": 0}
    for item_id, state in findings.items():
        if state not in FINDINGS:
            raise ValidationError(f"Constat « {state} » inconnu (confirme ou non_confirme).", field="findings")
        row = rows.get(item_id)
        if row is None:
            item = session.get(m.DisorderItem, item_id)
            if item is None:
                raise ValidationError(f"Désordre n° {item_id} inconnu dans la grille.", field="findings")
            if state != "confirme":
                continue  # not reported, not found: nothing to record
            add_reported(session, session.get(m.Case, case_id), [item], day, state="confirme", visit_id=visit.id)
        else:
            row.state, row.visit_id = state, visit.id
        counts[state] += 1
    if not findings:
        return []
    return [f"Désordres confirmés : {counts['confirme']}, non confirmés : {counts['non_confirme']}."]


def _common_findings(session: Session, visit: m.Visit, findings: Iterable[dict]) -> list[m.CommonAreaFinding]:
    findings = list(findings or ())
    if findings and not visit.type.collective:
        raise ValidationError("Les constats sur les parties communes relèvent d'une visite collective.",
                              field="common_findings")
    rows = []
    for finding in findings:
        unknown = set(finding) - {"item_id", "location", "description", "severity"}
        if unknown:
            raise TypeError(f"unknown finding keys {sorted(unknown)}")
        item_id = finding.get("item_id")
        if item_id is not None and session.get(m.DisorderItem, item_id) is None:
            raise ValidationError(f"Désordre n° {item_id} inconnu dans la grille.", field="common_findings")
        description = v.text(finding.get("description"), "common_findings", "Constat", 5000)
        if item_id is None and not description:
            raise ValidationError("Un constat sur les parties communes a besoin d'un désordre ou d'une description.",
                                  field="common_findings")
        rows.append(m.CommonAreaFinding(
            item_id=item_id, location=v.text(finding.get("location"), "common_findings", "Lieu", 300),
            description=description,
            severity=v.integer(finding.get("severity", 1), "common_findings", "Gravité", 1, 1000)))
    return rows
