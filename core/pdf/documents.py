"""How every PDF is produced: find, check the permission, compose, build, audit, write.

The PDF bytes are built in a read session; the audit event is written in its
own short transaction, and the file is written only once the event is stored,
so no document leaves the application unrecorded.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import authorize
from core.actor import Actor
from core.audit import record_event
from core.errors import NotFound
from core.pdf.common import build_pdf, write_atomically
from core.pdf.service import service_header
from db import models as m
from db.engine import Database


@dataclass
class Composed:
    title: str
    story: list
    entity: str
    entity_id: object
    details: dict
    outgoing: bool = False  # a letter that leaves the service: no internal header nor footer


def produce(database: Database, actor: Actor, *, permission: str, document: str,
            compose: Callable[[Session], tuple[int | None, Callable[[], Composed]]],
            target: str | os.PathLike | None = None) -> bytes:
    """`compose(session)` returns (case id for the permission scope, a function building the content)."""
    with database.session() as session:
        case_id, make = compose(session)
        authorize(session, actor, permission, case_id)
        header = service_header(session)
        composed = make()
    if composed.outgoing:
        from core.pdf.letter_page import build_letter_pdf

        data = build_letter_pdf(composed.story, title=composed.title, author=actor.full_name or actor.login)
    else:
        data = build_pdf(composed.story, title=composed.title, header=header, author=actor.full_name or actor.login)
    with database.write() as session:
        record_event(session, actor, "pdf", composed.entity, composed.entity_id,
                     {"document": document, **composed.details})
    if target is not None:
        write_atomically(Path(target), data)
    return data


def find_case(session: Session, case_id: int) -> m.Case:
    case = session.get(m.Case, case_id)
    if case is None:
        raise NotFound(f"Dossier introuvable (n° {case_id}) : il a peut-être été supprimé.")
    return case


def case_id_for_reference(database: Database, reference: str) -> int:
    """The id of the case with this reference (the command line names cases by reference)."""
    with database.session() as session:
        case_id = session.scalar(select(m.Case.id).where(m.Case.reference == reference.strip()))
    if case_id is None:
        raise NotFound(f"Dossier inconnu : « {reference} ».", field="reference")
    return case_id


def find_by_id(session: Session, model, identifier, noun: str):
    try:
        key = int(identifier)
    except (TypeError, ValueError):
        raise NotFound(f"Identifiant de {noun} invalide : « {identifier} » (un nombre est attendu).") from None
    found = session.get(model, key)
    if found is None:
        raise NotFound(f"{noun[0].upper()}{noun[1:]} inconnue : n° {key}.")
    return found
