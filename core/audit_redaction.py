"""What the application holds about a household outside its case: cleared when the case is anonymised or deleted.

The household's name, phone, e-mail and address also sit in audit events (an
export searched by name, an attachment opened by its file name), in drafts of
long forms, and in saved filters. Anonymisation replaces that text in audit
events by « (anonymisé) » (who, when and which action stay, and stay provable:
the chain seals a digest of the details, see core.audit) and writes an event
listing the events it changed; drafts and saved filters about the household
are deleted.
"""
from __future__ import annotations

import re

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from core.actor import Actor
from core.audit import REDACTED, REDACTION_ACTION, record_event
from db import models as m

MIN_LENGTH = 3
_GENERIC = {"anonymisé", "(anonymisé)", "anonymise", "ANONYMISÉ"}


def _usable(values) -> set[str]:
    kept = set()
    for value in values:
        value = (value or "").strip()
        if len(value) >= MIN_LENGTH and value.lower() not in {g.lower() for g in _GENERIC}:
            kept.add(value)
            digits = re.sub(r"\D", "", value)
            if len(digits) >= 8 and digits != value:
                kept.add(digits)  # a phone number typed without its spaces
    return kept


def household_strings(session: Session, case_ids: list[int]) -> tuple[set[str], set[str]]:
    """(strings that identify the household anywhere, attachment names and captions of these cases)."""
    rows = session.execute(
        select(m.Household.last_name, m.Household.first_name, m.Household.phone, m.Household.email,
               m.Dwelling.street, m.Dwelling.building, m.Case.summary)
        .join(m.Case, m.Case.household_id == m.Household.id).join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id)
        .where(m.Case.id.in_(case_ids))
    ).all()
    # The first name alone is left out: it would erase other households' « Hélène » too.
    identifying = _usable(value for row in rows for value in (row[0], *row[2:6]))
    for last, first, *_rest in rows:
        identifying |= _usable([f"{first} {last}", f"{last} {first}", f"{(last or '').upper()} {first}"])
    files = session.execute(select(m.Attachment.filename, m.Attachment.caption)
                            .where(m.Attachment.case_id.in_(case_ids))).all()
    return identifying, _usable(value for row in files for value in row)


def _variants(strings: set[str]) -> set[str]:
    return {v for s in strings for v in (s, s.lower(), s.upper(), s.title(), s.capitalize())}


def _pattern(strings: set[str]) -> re.Pattern | None:
    if not strings:
        return None
    return re.compile("|".join(re.escape(s) for s in sorted(strings, key=len, reverse=True)), re.IGNORECASE)


def _candidates(session: Session, strings: set[str], where_extra=None):
    conditions = [m.AuditEvent.details.contains(v, autoescape=True) for v in _variants(strings)]
    if not conditions:
        return []
    statement = select(m.AuditEvent.id, m.AuditEvent.details).where(or_(*conditions))
    if where_extra is not None:
        statement = statement.where(where_extra)
    return session.execute(statement).all()


def redact_audit(session: Session, case_ids: list[int], identifying: set[str], files: set[str]) -> list[int]:
    """Replace the household's text in audit details; return the ids of the events changed."""
    attachment_ids = [str(i) for i in session.scalars(select(m.Attachment.id).where(m.Attachment.case_id.in_(case_ids)))]
    changes: dict[int, str] = {}
    for strings, extra in ((identifying, None),
                           (files, (m.AuditEvent.entity == "attachment") & m.AuditEvent.entity_id.in_(attachment_ids))):
        pattern = _pattern(strings)
        if pattern is None or (extra is not None and not attachment_ids):
            continue
        for event_id, details in _candidates(session, strings, extra):
            current = changes.get(event_id, details)
            replaced = pattern.sub(REDACTED, current)
            if replaced != current:
                changes[event_id] = replaced
    for event_id, details in changes.items():
        session.execute(update(m.AuditEvent).where(m.AuditEvent.id == event_id).values(details=details),
                        execution_options={"synchronize_session": False})
    return sorted(changes)


def _draft_keys(session: Session, case_ids: list[int]) -> list:
    visits = list(session.scalars(select(m.VisitCase.visit_id).where(m.VisitCase.case_id.in_(case_ids))))
    keys = [m.Draft.form_key.in_([f"journal:dossier:{case_id}" for case_id in case_ids])]
    keys += [m.Draft.form_key.startswith(f"visite:{visit_id}:", autoescape=True) for visit_id in visits]
    return keys


def clear_private_leftovers(session: Session, case_ids: list[int], identifying: set[str]) -> tuple[int, int]:
    """Delete the drafts about these cases or naming the household, and the saved filters naming it."""
    pattern = _pattern(identifying)
    drafts = set(session.scalars(select(m.Draft.id).where(or_(*_draft_keys(session, case_ids))))) \
        if case_ids else set()
    filters = set()
    if pattern is not None:
        variants = _variants(identifying)
        for draft_id, content in session.execute(select(m.Draft.id, m.Draft.content).where(
                or_(*[m.Draft.content.contains(v, autoescape=True) for v in variants]))):
            if pattern.search(content):
                drafts.add(draft_id)
        for filter_id, name, definition in session.execute(select(
                m.SavedFilter.id, m.SavedFilter.name, m.SavedFilter.definition).where(or_(
                *[m.SavedFilter.definition.contains(v, autoescape=True) for v in variants],
                *[m.SavedFilter.name.contains(v, autoescape=True) for v in variants]))):
            if pattern.search(definition) or pattern.search(name):
                filters.add(filter_id)
    if drafts:
        session.execute(delete(m.Draft).where(m.Draft.id.in_(drafts)), execution_options={"synchronize_session": False})
    if filters:
        session.execute(delete(m.SavedFilter).where(m.SavedFilter.id.in_(filters)),
                        execution_options={"synchronize_session": False})
    return len(drafts), len(filters)


def forget_household(session: Session, actor: Actor, case_ids: list[int]) -> dict:
    """Everything above, in the caller's transaction (call it before the case's own fields are erased)."""
    identifying, files = household_strings(session, case_ids)
    redacted = redact_audit(session, case_ids, identifying, files)
    drafts, filters = clear_private_leftovers(session, case_ids, identifying)
    if redacted:
        record_event(session, actor, REDACTION_ACTION, "audit", None,
                     {"evenements": redacted, "dossiers": sorted(case_ids)})
    return {"evenements": len(redacted), "brouillons": drafts, "filtres": filters}

