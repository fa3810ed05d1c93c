"""Compte rendu de visite, with its photos scaled down.

Photos are stored full size in the attachments table; each is decoded at a
reduced size (JPEG draft mode), shrunk with Pillow and re-encoded, so a visit
with a hundred camera photos still builds in a few seconds and a small file.
"""
from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor

from PIL import Image, ImageOps
from reportlab.lib.units import mm
from reportlab.platypus import Image as PdfImage, KeepTogether, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from core.actor import Actor
from core.formatting import fr_date, fr_datetime, yes_no
from core.pdf.common import CONTENT_WIDTH, fields, para, spacer, table
from core.pdf.documents import Composed, find_by_id, produce
from db import models as m
from db.engine import Database
from db.vocab import DISORDER_STATES, VISIT_STATUSES, ZONES, label

THUMB_PIXELS = 640
PHOTO_WIDTH = (CONTENT_WIDTH - 6 * mm) / 2
PHOTO_HEIGHT = 62 * mm


def build_visit_report(database: Database, actor: Actor, visit_id, target: str | os.PathLike | None = None) -> bytes:
    def compose(session: Session):
        visit = find_by_id(session, m.Visit, visit_id, "visite")
        scope = visit.cases[0].id if visit.cases else None
        return scope, lambda: Composed(f"Compte rendu de visite n° {visit.id}", visit_story(session, visit),
                                       "visit", visit.id, {"photos": _photo_count(session, visit)})

    return produce(database, actor, permission="case.read", document="visite", compose=compose, target=target)


def _photo_count(session: Session, visit: m.Visit) -> int:
    return len(_photo_ids(session, visit))


def _photo_ids(session: Session, visit: m.Visit) -> list[int]:
    return list(session.scalars(select(m.Attachment.id).where(
        m.Attachment.visit_id == visit.id, m.Attachment.mime_type.like("image/%"))
        .order_by(m.Attachment.taken_at, m.Attachment.id)))


def visit_story(session: Session, visit: m.Visit) -> list:
    when = visit.done_at or visit.scheduled_at
    story = [
        para(f"Compte rendu de visite n° {visit.id}", "title"),
        para(f"{visit.type.label} — {fr_date(when, 'long')}", "subtitle"),
        fields([
            ("Type", visit.type.label), ("Statut", label(VISIT_STATUSES, visit.status)),
            ("Prévue le", fr_datetime(visit.scheduled_at)), ("Réalisée le", fr_datetime(visit.done_at)),
            ("Agents", ", ".join(a.full_name for a in visit.agents)),
            ("Quartier", visit.neighbourhood.name if visit.neighbourhood else ""),
            ("Occupant présent", yes_no(visit.occupant_present)), ("Bailleur présent", yes_no(visit.landlord_present)),
        ]),
    ]
    if visit.cancel_reason:
        story.append(para(f"Motif d'annulation : {visit.cancel_reason}"))
    story += _cases_section(visit)
    story += _findings_section(session, visit)
    story += [para("Observations", "h1"), para(visit.observations or "Aucune observation saisie.",
                                                "body" if visit.observations else "muted")]
    story += [para("Suites à donner", "h1"), para(visit.next_steps or "Aucune suite saisie.",
                                                   "body" if visit.next_steps else "muted")]
    story += photos_section(session, visit)
    return story


def _cases_section(visit: m.Visit) -> list:
    if not visit.cases:
        return []
    rows = [["Dossier", "Ménage", "Adresse", "Conclusion"]]
    for case in visit.cases:
        conclusions = ", ".join(p.procedure.label for p in visit.procedures if p.case_id == case.id)
        rows.append([case.reference, case.household.display_name, case.dwelling.full_address, conclusions])
    return [para("Dossiers concernés", "h1"),
            table(rows, [22 * mm, 38 * mm, CONTENT_WIDTH - 105 * mm, 45 * mm])]


def _findings_section(session: Session, visit: m.Visit) -> list:
    disorders = session.scalars(select(m.CaseDisorder).where(m.CaseDisorder.visit_id == visit.id)).all()
    story = []
    if disorders:
        rows = [["Dossier", "Zone", "Désordre", "Constat"]]
        for d in sorted(disorders, key=lambda x: (x.case.reference, x.item.position)):
            rows.append([d.case.reference, label(ZONES, d.item.zone).split(" ")[0],
                         d.item.label + (" — DANGER" if d.item.is_danger else ""), label(DISORDER_STATES, d.state)])
        story += [para("Désordres constatés", "h1"),
                  table(rows, [22 * mm, 22 * mm, CONTENT_WIDTH - 74 * mm, 30 * mm])]
    if visit.common_findings:
        rows = [["Lieu", "Constat", "Description", "Gravité"]]
        for f in visit.common_findings:
            rows.append([f.location, f.item.label if f.item else "", f.description, f"{f.severity} / 3"])
        story += [para("Constats sur les parties communes", "h1"),
                  table(rows, [35 * mm, 55 * mm, CONTENT_WIDTH - 108 * mm, 18 * mm])]
    return story


def thumbnail(content: bytes, pixels: int = THUMB_PIXELS) -> io.BytesIO | None:
    """A small JPEG of a photo, turned upright from its EXIF orientation; None if unreadable."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.draft("RGB", (pixels, pixels))  # JPEG: decode at 1/2, 1/4 or 1/8 size directly
            image = ImageOps.exif_transpose(image)
            image.thumbnail((pixels, pixels))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=75)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    out.seek(0)
    return out


def _photo_cell(attachment: m.Attachment):
    small = thumbnail(attachment.content)
    caption = " — ".join(x for x in (attachment.caption or attachment.filename, fr_datetime(attachment.taken_at)) if x)
    if small is None:
        return [para(f"Photo illisible : {attachment.filename}", "muted")]
    with Image.open(small) as probe:
        w, h = probe.size
    small.seek(0)
    scale = min(PHOTO_WIDTH / w, PHOTO_HEIGHT / h)
    return [PdfImage(small, width=w * scale, height=h * scale), para(caption, "small")]


def photos_section(session: Session, visit: m.Visit) -> list:
    ids = _photo_ids(session, visit)
    if not ids:
        return []
    story = [para(f"Photos ({len(ids)})", "h1")]
    for start in range(0, len(ids), 50):  # load the bytes a batch at a time, not all at once
        batch = session.scalars(select(m.Attachment).where(m.Attachment.id.in_(ids[start:start + 50]))
                                .options(undefer(m.Attachment.content))
                                .order_by(m.Attachment.taken_at, m.Attachment.id)).all()
        # Pillow releases the GIL while decoding: shrink the photos of a batch in parallel.
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            cells = list(pool.map(_photo_cell, batch))
        for pair in range(0, len(cells), 2):
            row = cells[pair:pair + 2] + [""] * (2 - len(cells[pair:pair + 2]))
            grid = Table([row], colWidths=[PHOTO_WIDTH + 3 * mm] * 2)
            grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
            story += [KeepTogether([grid]), spacer(2)]
    return story
