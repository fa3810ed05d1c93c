"""Drafts of long forms: the text typed so far, kept in the database so a crash loses nothing.

A draft is keyed by the form (e.g. ``"visite:42:conclusion"`` or ``"journal:dossier:17"``)
and the user. Saving a draft is not a user action (no audit event, no permission):
it only keeps what the user is typing until the form is saved or abandoned, then
the form calls :func:`discard_draft`.

    save_draft(database, "visite:42:conclusion", "Logement humide…", user_id=3)
    draft = load_draft(database, "visite:42:conclusion", user_id=3)
    draft.content, draft.updated_at
    discard_draft(database, "visite:42:conclusion", user_id=3)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from db import models as m
from db.base import now
from db.engine import Database


@dataclass(frozen=True)
class DraftText:
    form_key: str
    content: str
    updated_at: datetime


def _same_owner(user_id: int | None):
    # NULL never equals NULL in SQL: the system/anonymous user needs IS NULL.
    return m.Draft.user_id.is_(None) if user_id is None else m.Draft.user_id == user_id


def save_draft(database: Database, form_key: str, content: str, user_id: int | None = None) -> None:
    """Keep `content` as the draft of `form_key`; an empty text discards the draft."""
    if not content.strip():
        discard_draft(database, form_key, user_id)
        return
    with database.write() as session:
        drafts = session.scalars(
            select(m.Draft).where(m.Draft.form_key == form_key, _same_owner(user_id)).order_by(m.Draft.id)
        ).all()
        if drafts:
            drafts[0].content = content
            drafts[0].updated_at = now()
            for extra in drafts[1:]:
                session.delete(extra)
        else:
            session.add(m.Draft(user_id=user_id, form_key=form_key, content=content, updated_at=now()))


def load_draft(database: Database, form_key: str, user_id: int | None = None) -> DraftText | None:
    with database.session() as session:
        draft = session.scalars(
            select(m.Draft).where(m.Draft.form_key == form_key, _same_owner(user_id)).order_by(m.Draft.id)
        ).first()
        if draft is None:
            return None
        return DraftText(draft.form_key, draft.content, draft.updated_at)


def discard_draft(database: Database, form_key: str, user_id: int | None = None) -> None:
    with database.write() as session:
        session.execute(delete(m.Draft).where(m.Draft.form_key == form_key, _same_owner(user_id)))


def list_drafts(database: Database, user_id: int | None = None) -> list[DraftText]:
    """The drafts a user left behind, newest first (e.g. to offer them after a crash)."""
    with database.session() as session:
        rows = session.scalars(
            select(m.Draft).where(_same_owner(user_id)).order_by(m.Draft.updated_at.desc(), m.Draft.id.desc())
        ).all()
        return [DraftText(row.form_key, row.content, row.updated_at) for row in rows]
