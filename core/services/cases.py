"""Cases: create and update a case with its household and dwelling, assign, link objectives."""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core import validation as v
from core.actor import Actor
from core.errors import DomainError, ValidationError
from core.services.base import Changes, action
from core.services.common import assign_changed, check_version, finish, get, journal, today
from core.services.fields import (
    CASE_FIELDS,
    DWELLING_FIELDS,
    HOUSEHOLD_FIELDS,
    check_agent,
    check_case,
    check_dwelling,
    check_household,
    clean,
)
from db import models as m
from db.sequences import take_reference_number


def next_reference(session: Session, year: int) -> str:
    """Next human reference of the year, e.g. 2026-00042, taken from the year's counter in this transaction
    (db.sequences.take_reference_number: safe with several seats creating at once, no gaps).

    On a field laptop (core.laptop) a provisional reference P-2026-0003, from a counter of its own
    (year stored negated), replaced by an office reference at check-in."""
    if session.scalar(select(m.LaptopOrigin.id).limit(1)) is not None:
        last = session.scalar(select(func.max(m.Case.reference))
                              .where(m.Case.reference >= f"P-{year}-", m.Case.reference < f"P-{year}-a"))
        used = int(last[7:]) if last and last[7:].isdigit() else 0
        return f"P-{year}-{take_reference_number(session, -year, at_least=used):04d}"
    # A range rather than LIKE, so the unique index on reference answers it at any size.
    last = session.scalar(select(func.max(m.Case.reference))
                          .where(m.Case.reference >= f"{year}-", m.Case.reference < f"{year}-a"))
    used = int(last[5:]) if last and last[5:].isdigit() else 0
    return f"{year}-{take_reference_number(session, year, at_least=used):05d}"


def _columns(model) -> set[str]:
    return {c.key for c in model.__table__.columns}


def _kinds(session: Session, kinds: Iterable[str], collector: v.Collector) -> list[str]:
    kinds = list(dict.fromkeys(kinds or ()))
    known = set(session.scalars(select(m.CaseKind.code)))
    for kind in kinds:
        if kind not in known:
            collector.add(ValidationError(f"Type de dossier « {kind} » inconnu.", field="kinds"))
    return kinds


def _objective_ids(session: Session, objectives: Iterable[int | str], field: str = "objectives") -> list[int]:
    """Objectives given by id or by code (O1…O7)."""
    ids = []
    for ref in objectives or ():
        column = m.Objective.code if isinstance(ref, str) else m.Objective.id
        found = session.scalar(select(m.Objective.id).where(column == ref))
        if found is None:
            raise ValidationError(f"Objectif « {ref} » inconnu.", field=field)
        ids.append(found)
    return list(dict.fromkeys(ids))




@action("case.create", "case.edit")
def create_case(session: Session, actor: Actor, *, household: dict[str, Any], dwelling: dict[str, Any],
                source: str, kinds: Iterable[str] = (), objectives: Iterable[int | str] = (),
                agent_id: int | None = None, priority: str = "normale", opened_on: date | None = None,
                summary: str = "") -> Changes:
    """A new case with its household and dwelling; result is the case id, reference in fields."""
    collector = v.Collector()
    hh = clean({"adults": 1, "children": 0, **household}, HOUSEHOLD_FIELDS, collector, "household")
    dw = clean(dwelling, DWELLING_FIELDS, collector, "dwelling")
    for required in ("street", "postcode", "commune_id", "tenure"):
        if required not in dwelling:
            collector.check(required, lambda r=required: DWELLING_FIELDS[r](None))
    if "last_name" not in household:
        collector.check("last_name", lambda: HOUSEHOLD_FIELDS["last_name"](None))
    cs = clean({"source": source, "priority": priority, "opened_on": opened_on or today(), "summary": summary,
                "agent_id": agent_id}, CASE_FIELDS, collector, "case")
    check_household(hh, collector)
    check_dwelling(session, dw, collector)
    check_case(session, cs, collector, today())
    kind_codes = _kinds(session, kinds, collector)
    collector.raise_if_any()
    objective_ids = _objective_ids(session, objectives)
    hh_row, dw_row = m.Household(**hh), m.Dwelling(**dw)
    session.add_all([hh_row, dw_row])
    session.flush()
    case = m.Case(reference=next_reference(session, cs["opened_on"].year), household_id=hh_row.id,
                  dwelling_id=dw_row.id, status="nouveau", **cs)
    session.add(case)
    session.flush()
    session.add_all([m.CaseKindLink(case_id=case.id, kind_code=k) for k in kind_codes])
    session.add_all([m.CaseObjective(case_id=case.id, objective_id=o) for o in objective_ids])
    journal(session, actor, case.id, "note", f"Création du dossier {case.reference}.")
    finish(session, [case.id])
    return Changes("case", case.id, {case.id}, [case.reference], created=True, result=case.id)


@action("case.update", "case.edit", case_arg="case_id")
def update_case(session: Session, actor: Actor, case_id: int, values: dict[str, Any],
                expected_version: int | None = None) -> Changes:
    """Change source, priority, date of report, summary (status and agent have their own actions)."""
    case = get(session, m.Case, case_id)
    check_version(session, case, "case", expected_version)
    if "agent_id" in values or "status" in values:
        raise TypeError("use assign_agent / change_status")
    collector = v.Collector()
    cs = clean(values, CASE_FIELDS, collector, "case")
    check_case(session, cs, collector, today())
    if "kinds" in values:
        raise TypeError("use set_case_kinds")
    if isinstance(cs.get("opened_on"), date) and case.closed_on and cs["opened_on"] > case.closed_on:
        collector.add(ValidationError("La date du signalement ne peut pas suivre la date de clôture.",
                                      field="opened_on"))
    collector.raise_if_any()
    changed = assign_changed(case, cs)
    if "priority" in changed:
        journal(session, actor, case.id, "note", f"Priorité : {cs['priority']}.")
    finish(session, [case.id])
    return Changes("case", case.id, {case.id}, changed)


@action("case.update_household", "case.edit", case_arg="case_id")
def update_household(session: Session, actor: Actor, case_id: int, values: dict[str, Any],
                     expected_version: int | None = None) -> Changes:
    case = get(session, m.Case, case_id)
    household = case.household
    check_version(session, household, "household", expected_version)
    collector = v.Collector()
    hh = clean(values, HOUSEHOLD_FIELDS, collector, "household")
    merged = {c: getattr(household, c) for c in _columns(m.Household)} | hh
    check_household(merged, collector)
    collector.raise_if_any()
    changed = assign_changed(household, hh)
    finish(session, [case.id])
    return Changes("household", household.id, {case.id}, changed)


@action("case.update_dwelling", "case.edit", case_arg="case_id")
def update_dwelling(session: Session, actor: Actor, case_id: int, values: dict[str, Any],
                    expected_version: int | None = None) -> Changes:
    case = get(session, m.Case, case_id)
    dwelling = case.dwelling
    check_version(session, dwelling, "dwelling", expected_version)
    collector = v.Collector()
    dw = clean(values, DWELLING_FIELDS, collector, "dwelling")
    merged = {c: getattr(dwelling, c) for c in _columns(m.Dwelling)} | dw
    check_dwelling(session, merged, collector)
    collector.raise_if_any()
    changed = assign_changed(dwelling, dw)
    finish(session, [case.id])
    return Changes("dwelling", dwelling.id, {case.id}, changed)


@action("case.assign", "case.edit", case_arg="case_id")
def assign_agent(session: Session, actor: Actor, case_id: int, agent_id: int | None) -> Changes:
    case = get(session, m.Case, case_id)
    if agent_id is not None:
        collector = v.Collector()
        check_agent(session, agent_id, collector)
        collector.raise_if_any()
    if case.agent_id != agent_id:
        case.agent_id = agent_id
        name = session.get(m.User, agent_id).full_name if agent_id else "personne"
        journal(session, actor, case.id, "note", f"Dossier attribué à {name}.")
    finish(session, [case.id])
    return Changes("case", case.id, {case.id}, ["agent_id"])


@action("case.set_kinds", "case.edit", case_arg="case_id")
def set_case_kinds(session: Session, actor: Actor, case_id: int, kinds: Iterable[str]) -> Changes:
    get(session, m.Case, case_id)
    collector = v.Collector()
    codes = _kinds(session, kinds, collector)
    collector.raise_if_any()
    session.execute(delete(m.CaseKindLink).where(m.CaseKindLink.case_id == case_id))
    session.add_all([m.CaseKindLink(case_id=case_id, kind_code=k) for k in codes])
    finish(session, [case_id])
    return Changes("case", case_id, {case_id}, ["kinds"])


@action("case.link_objective", "case.edit", case_arg="case_id")
def link_objective(session: Session, actor: Actor, case_id: int, objective: int | str) -> Changes:
    get(session, m.Case, case_id)
    (objective_id,) = _objective_ids(session, [objective], "objective")
    if session.get(m.CaseObjective, (case_id, objective_id)) is None:
        session.add(m.CaseObjective(case_id=case_id, objective_id=objective_id))
        code = session.get(m.Objective, objective_id).code
        journal(session, actor, case_id, "note", f"Dossier rattaché à l'objectif {code}.")
    finish(session, [case_id])
    return Changes("case", case_id, {case_id}, ["objectives"])


@action("case.unlink_objective", "case.edit", case_arg="case_id")
def unlink_objective(session: Session, actor: Actor, case_id: int, objective: int | str) -> Changes:
    get(session, m.Case, case_id)
    (objective_id,) = _objective_ids(session, [objective], "objective")
    link = session.get(m.CaseObjective, (case_id, objective_id))
    if link is not None:
        session.delete(link)
        code = session.get(m.Objective, objective_id).code
        journal(session, actor, case_id, "note", f"Dossier détaché de l'objectif {code}.")
    finish(session, [case_id])
    return Changes("case", case_id, {case_id}, ["objectives"])


@action("case.save_summary", "case.edit", case_arg="case_id")
def save_summary(session: Session, actor: Actor, case_id: int, *, household: dict[str, Any] | None = None,
                 dwelling: dict[str, Any] | None = None, case: dict[str, Any] | None = None,
                 versions: dict[str, int] | None = None, assign: bool = False,
                 agent_id: int | None = None) -> Changes:
    """The Synthèse form saved as one user action: household, dwelling and case in one transaction, each
    checked against the version the form loaded; every field error of the three parts reported together,
    and nothing written unless all three pass."""
    versions = versions or {}
    parts = (("household", update_household, household), ("dwelling", update_dwelling, dwelling),
             ("case", update_case, case))
    changed, problems = [], []
    for name, service, values in parts:
        if not values and name not in versions:
            continue
        try:
            changes = service.in_session(session, actor, case_id, values or {}, expected_version=versions.get(name))
        except ValidationError as error:
            problems.extend(error.errors)
            continue
        changed += changes.fields
    if problems:
        raise ValidationError(problems[0].message, field=problems[0].field, errors=problems)
    if assign:
        changed += assign_agent.in_session(session, actor, case_id, agent_id).fields
    return Changes("case", case_id, {case_id}, changed)
