"""Retention: cases with no contact for 24 months, anonymised or deleted by an administrator.

Anonymising replaces every personal field irreversibly and keeps what the
statistics count (dates, statuses, kinds, disorders, sizes, places). Either
way the personal strings must leave the file's bytes too: secure_delete is on
(freed cells are zeroed), the search index is rebuilt and merged (FTS5 keeps
old tokens in older segments otherwise), the WAL is checkpointed and truncated
(it still holds older page images) and the file is vacuumed.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from core.actor import Actor
from core.audit_redaction import forget_household
from core.errors import ValidationError
from core.services.base import Changes, action
from db import models as m
from db.engine import Database
from db.schema_extras import SEARCH_TABLE
from db.search import reindex_cases

NO_CONTACT_MONTHS = 24
ANONYMOUS_NAME = "ANONYMISÉ"
ERASED = "(anonymisé)"


def cutoff(today: date | None = None, months: int = NO_CONTACT_MONTHS) -> datetime:
    today = today or date.today()
    total = today.year * 12 + today.month - 1 - months
    year, month = divmod(total, 12)
    day = min(today.day, 28)
    return datetime(year, month + 1, day)


def _check_ids(case_ids) -> list[int]:
    ids = sorted({int(i) for i in case_ids or ()})
    if not ids:
        raise ValidationError("Aucun dossier sélectionné.", field="case_ids")
    return ids


def _private_copy(session: Session, model, row_id: int, ids: list[int], column):
    """A household or dwelling shared with a case that is kept gets its own row, so only ours is erased."""
    shared = session.scalar(select(func.count(m.Case.id)).where(column == row_id, m.Case.id.not_in(ids)))
    original = session.get(model, row_id)
    if not shared:
        return original
    values = {c.key: getattr(original, c.key) for c in model.__table__.columns
              if c.key not in ("id", "uuid", "created_at", "updated_at", "version")}
    copy = model(**values)
    session.add(copy)
    session.flush()
    session.execute(update(m.Case).where(column == row_id, m.Case.id.in_(ids)).values({column.key: copy.id}))
    return copy


@action("conservation.anonymisation", "retention.manage")
def anonymise_cases(session: Session, actor: Actor, case_ids) -> Changes:
    """Irreversibly replace every personal field of these cases; counts and categories stay."""
    ids = _check_ids(case_ids)
    cases = list(session.scalars(select(m.Case).where(m.Case.id.in_(ids))))
    if len(cases) != len(ids):
        raise ValidationError("Un des dossiers sélectionnés n'existe plus.", field="case_ids")
    forget_household(session, actor, ids)  # before the fields it reads are erased
    for case in cases:
        household = _private_copy(session, m.Household, case.household_id, ids, m.Case.household_id)
        household.last_name, household.first_name, household.phone, household.email = ANONYMOUS_NAME, "", "", ""
        dwelling = _private_copy(session, m.Dwelling, case.dwelling_id, ids, m.Case.dwelling_id)
        dwelling.street_number, dwelling.street, dwelling.building, dwelling.floor, dwelling.door = "", ERASED, "", "", ""
        case.summary = ""
    _erase_texts(session, ids)
    session.flush()
    reindex_cases(session, ids)
    return Changes(entity="case", case_ids=set(ids), fields=["ménage", "adresse", "textes libres", "pièces jointes",
                                                            "journal d'audit", "brouillons", "filtres"])


def _erase_texts(session: Session, ids: list[int]) -> None:
    in_cases = lambda model: model.case_id.in_(ids)
    session.execute(update(m.CaseDisorder).where(in_cases(m.CaseDisorder)).values(comment=""))
    session.execute(update(m.JournalEntry).where(in_cases(m.JournalEntry)).values(text=ERASED))
    session.execute(update(m.Task).where(in_cases(m.Task)).values(title=ERASED))
    session.execute(update(m.ExternalRecord).where(in_cases(m.ExternalRecord)).values(
        platform_closure_comment="", last_visit=""))
    session.execute(delete(m.Attachment).where(in_cases(m.Attachment)))
    session.execute(update(m.Referral).where(in_cases(m.Referral)).values(subject=ERASED, answer=""))
    session.execute(update(m.CommissionItem).where(in_cases(m.CommissionItem)).values(presentation="", decision=""))
    relocations = select(m.Relocation.id).where(in_cases(m.Relocation))
    session.execute(update(m.Relocation).where(in_cases(m.Relocation)).values(
        sne_number="", floor_or_lift="", new_address="", abandon_reason=""))
    session.execute(update(m.Proposal).where(m.Proposal.relocation_id.in_(relocations)).values(
        dwelling_description="", refusal_reason=""))
    # Home visits of these cases only; a walk shared with kept cases keeps its notes.
    own_visits = (
        select(m.VisitCase.visit_id).where(m.VisitCase.case_id.in_(ids))
        .except_(select(m.VisitCase.visit_id).where(m.VisitCase.case_id.not_in(ids)))
    )
    session.execute(update(m.Visit).where(m.Visit.id.in_(own_visits)).values(
        observations="", next_steps="", cancel_reason=""), execution_options={"synchronize_session": False})


@action("conservation.suppression", "retention.manage")
def delete_cases(session: Session, actor: Actor, case_ids) -> Changes:
    """Delete these cases with everything attached, and their household and dwelling when unshared."""
    ids = _check_ids(case_ids)
    owners = session.execute(select(m.Case.household_id, m.Case.dwelling_id).where(m.Case.id.in_(ids))).all()
    if len(owners) != len(ids):
        raise ValidationError("Un des dossiers sélectionnés n'existe plus.", field="case_ids")
    own_visits = list(session.scalars(
        select(m.VisitCase.visit_id).where(m.VisitCase.case_id.in_(ids))
        .except_(select(m.VisitCase.visit_id).where(m.VisitCase.case_id.not_in(ids)))
    ))
    forget_household(session, actor, ids)
    placeholders = ", ".join(str(i) for i in ids)
    session.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid IN ({placeholders})"))
    session.execute(delete(m.Case).where(m.Case.id.in_(ids)), execution_options={"synchronize_session": False})
    if own_visits:
        session.execute(delete(m.Visit).where(m.Visit.id.in_(own_visits)), execution_options={"synchronize_session": False})
    for household_id, dwelling_id in owners:
        if not session.scalar(select(func.count(m.Case.id)).where(m.Case.household_id == household_id)):
            session.execute(delete(m.Household).where(m.Household.id == household_id))
        if not session.scalar(select(func.count(m.Case.id)).where(m.Case.dwelling_id == dwelling_id)):
            session.execute(delete(m.Dwelling).where(m.Dwelling.id == dwelling_id))
    return Changes(entity="case", case_ids=set(ids), deleted=True)


def scrub_file(database: Database) -> None:
    """Make erased strings leave the file bytes: merge the search index, vacuum, truncate the WAL."""
    if not database.is_sqlite:
        return
    with database.write() as session:
        session.execute(text(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('optimize')"))
    with database.engine.connect() as connection:
        driver = connection.connection.driver_connection
        driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        driver.execute("VACUUM")
        driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def anonymise(database: Database, actor: Actor, case_ids) -> Changes:
    changes = anonymise_cases(database, actor, case_ids)
    scrub_file(database)
    return changes


def delete_for_good(database: Database, actor: Actor, case_ids) -> Changes:
    changes = delete_cases(database, actor, case_ids)
    scrub_file(database)
    return changes
