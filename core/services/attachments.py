"""Photos and documents attached to a case (optionally to one of its visits or disorders)."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from io import BytesIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import file_types, validation as v
from core.actor import Actor
from core.errors import NotFound, ValidationError
from core.services.base import Changes, action
from core.services.common import authorize_cases, finish, get, journal
from db import models as m

MAX_BYTES = 25 * 1024 * 1024
MAX_LABEL = "25 Mo"
ALLOWED_LABEL = file_types.ALLOWED_LABEL
DIALOG_FILTER = file_types.DIALOG_FILTER

_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_DATETIME = 0x0132


def sniff_mime(filename: str, content: bytes) -> str | None:
    """The accepted MIME type read from the content and agreeing with the extension; None if refused."""
    try:
        return file_types.detect(filename, content).mime
    except ValidationError:
        return None


def shooting_date(content: bytes) -> datetime | None:
    """DateTimeOriginal from the photo's EXIF, else its DateTime; None when absent or unreadable."""
    try:
        from PIL import Image

        with Image.open(BytesIO(content)) as image:
            exif = image.getexif()
            raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    except Exception:  # noqa: BLE001 - a damaged photo is still worth keeping, just undated
        return None
    if not raw:
        return None
    try:
        return datetime.strptime(str(raw).strip().rstrip("\x00"), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _check_links(session: Session, case_id: int, visit_id: int | None, case_disorder_id: int | None) -> None:
    if visit_id is not None:
        get(session, m.Visit, visit_id, "visit_id")
        linked = session.scalar(select(m.VisitCase.case_id).where(m.VisitCase.visit_id == visit_id,
                                                                  m.VisitCase.case_id == case_id))
        if linked is None:
            raise ValidationError("Cette visite ne concerne pas ce dossier : la pièce jointe ne peut pas y être "
                                  "rattachée.", field="visit_id")
    if case_disorder_id is not None:
        disorder = get(session, m.CaseDisorder, case_disorder_id, "case_disorder_id")
        if disorder.case_id != case_id:
            raise ValidationError("Ce désordre n'appartient pas à ce dossier : la pièce jointe ne peut pas y être "
                                  "rattachée.", field="case_disorder_id")


@action("attachment.add", "case.edit", case_arg="case_id")
def add_attachment(session: Session, actor: Actor, case_id: int, filename: str, content: bytes,
                   visit_id: int | None = None, case_disorder_id: int | None = None, caption: str = "",
                   keep_location: bool = False) -> Changes:
    """Store a photo or document in the case; a photo keeps the date it was taken (EXIF) and loses its GPS
    position unless `keep_location` (the agent's choice)."""
    get(session, m.Case, case_id)
    # Only the last part of a path, whichever system's separators it uses.
    filename = v.text(re.split(r"[\\/]", str(filename or ""))[-1], "filename", "Nom du fichier", 255, required=True)
    if not isinstance(content, (bytes, bytearray)) or not content:
        raise ValidationError(f"Le fichier « {filename} » est vide.", field="content")
    content = bytes(content)
    if len(content) > MAX_BYTES:
        raise ValidationError(f"Le fichier « {filename} » est trop volumineux ({len(content) / 1048576:.1f} Mo) : "
                              f"{MAX_LABEL} au plus.", field="content")
    mime = file_types.detect(filename, content).mime
    if mime.startswith("image/") and not keep_location:
        content, _had_position = file_types.without_gps(content)
    caption = v.text(caption, "caption", "Légende", 2000)
    _check_links(session, case_id, visit_id, case_disorder_id)
    attachment = m.Attachment(
        case_id=case_id, visit_id=visit_id, case_disorder_id=case_disorder_id, filename=filename, mime_type=mime,
        size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest(),
        taken_at=shooting_date(content) if mime.startswith("image/") else None, caption=caption,
        added_by_id=actor.user_id, content=content)
    session.add(attachment)
    journal(session, actor, case_id, "note", f"Pièce jointe ajoutée : {filename}")
    session.flush()
    finish(session, [case_id])
    return Changes("attachment", attachment.id, {case_id}, ["pieces_jointes"], created=True, result=attachment.id)


@action("attachment.remove", "case.edit")
def remove_attachment(session: Session, actor: Actor, attachment_id: int) -> Changes:
    attachment = session.get(m.Attachment, attachment_id) if attachment_id is not None else None
    if attachment is None:
        raise NotFound(f"Pièce jointe introuvable (n° {attachment_id}).", field="attachment_id")
    authorize_cases(session, actor, [attachment.case_id])
    case_id, filename = attachment.case_id, attachment.filename
    session.delete(attachment)
    journal(session, actor, case_id, "note", f"Pièce jointe supprimée : {filename}")
    finish(session, [case_id])
    return Changes("attachment", attachment_id, {case_id}, ["pieces_jointes"], deleted=True)


def read_attachment(database, actor: Actor, attachment_id: int) -> tuple[str, bytes]:
    """The file name and bytes of an attachment, for viewing or saving a copy.

    The name carries the canonical extension of the type detected when the file was added, so a copy
    handed to the system is opened as what it is (never run as the `.bat` it was called).

    Checked like reading the case (an agent only within their scope) and audited:
    the file leaves the database and may carry personal data.
    """
    from core.audit import log_event

    with database.session() as session:
        row = session.execute(select(m.Attachment.case_id, m.Attachment.filename, m.Attachment.mime_type)
                              .where(m.Attachment.id == attachment_id)).first()
        if row is None:
            raise NotFound("Cette pièce jointe n'existe plus.", field="attachment_id")
        case_id, filename, mime = row
    log_event(database, actor, "piece_jointe.consultation", "attachment", attachment_id, {"fichier": filename},
              permission="case.read", case_id=case_id)
    with database.session() as session:
        content = session.scalar(select(m.Attachment.content).where(m.Attachment.id == attachment_id))
    return file_types.canonical_name(filename, mime), content
