"""Right of access (RGPD art. 15): everything held on one household, in one zip archive.

The archive holds a readable PDF, a machine-readable JSON (every column of every
row concerning the household, so nothing is left out by a hand-kept list) and
the attachments as they were received. The export is an audited action.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import LargeBinary, select
from sqlalchemy.orm import Session

from core import fields as declared
from core.actor import Actor
from core.errors import NotFound
from core.services.base import Changes, action
from db import models as m
from db.base import now
from db.engine import Database

# Case-level records: (JSON key, model, French title).
_CASE_CHILDREN = [
    ("desordres", m.CaseDisorder, "Désordres signalés"),
    ("saisines", m.Referral, "Saisines des partenaires"),
    ("relogement", m.Relocation, "Relogement"),
    ("journal", m.JournalEntry, "Journal du dossier"),
    ("taches", m.Task, "Tâches"),
    ("commissions", m.CommissionItem, "Passages en commission"),
]
_SKIP = {"uuid", "version"}


def _value(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def row_dict(row) -> dict:
    """Every column of a row, binary content excepted (attachments go as files)."""
    return {c.key: _value(getattr(row, c.key)) for c in row.__table__.columns
            if c.key not in _SKIP and not isinstance(c.type, LargeBinary)}


def _names(row, fields_) -> dict:
    """The names behind the ids of declared reference fields (commune_id -> « commune »: « Roubaix »)."""
    names = {}
    for field_ in fields_:
        if field_.kind == "reference":
            related = getattr(row, field_.key.removesuffix("_id"))
            names[field_.export_key] = None if related is None else getattr(related, "name", None) or related.full_name
    return names


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.\- ]+", "_", name, flags=re.UNICODE).strip() or "fichier"


def collect(session: Session, household_id: int) -> tuple[dict, list[tuple[str, int]]]:
    """The JSON document and the attachments to add as (archive path, attachment id)."""
    household = session.get(m.Household, household_id) if household_id is not None else None
    if household is None:
        raise NotFound(f"Aucun ménage n° {household_id}.")
    cases = list(session.scalars(select(m.Case).where(m.Case.household_id == household_id).order_by(m.Case.opened_on)))
    files: list[tuple[str, int]] = []
    dossiers = []
    for case in cases:
        entry = {"dossier": row_dict(case) | _names(case, declared.CASE),
                 "logement": row_dict(case.dwelling) | _names(case.dwelling, declared.DWELLING),
                 "types": [k.label for k in case.kinds], "objectifs": [f"{o.code} {o.label}" for o in case.objectives]}
        for key, model, _title in _CASE_CHILDREN:
            entry[key] = [row_dict(r) for r in session.scalars(select(model).where(model.case_id == case.id).order_by(model.id))]
        entry["plateforme_signal_logement"] = [row_dict(r) for r in session.scalars(
            select(m.ExternalRecord).where(m.ExternalRecord.case_id == case.id))]
        relocation_ids = [r["id"] for r in entry["relogement"]]
        entry["propositions"] = [row_dict(r) for r in session.scalars(
            select(m.Proposal).where(m.Proposal.relocation_id.in_(relocation_ids)).order_by(m.Proposal.id))]
        visit_ids = select(m.VisitCase.visit_id).where(m.VisitCase.case_id == case.id)
        entry["visites"] = [row_dict(v) for v in session.scalars(select(m.Visit).where(m.Visit.id.in_(visit_ids)).order_by(m.Visit.id))]
        attachments = []
        for attachment in session.scalars(select(m.Attachment).where(m.Attachment.case_id == case.id).order_by(m.Attachment.id)):
            path = f"pieces-jointes/{_safe_name(case.reference)}/{attachment.id}-{_safe_name(attachment.filename)}"
            attachments.append({**row_dict(attachment), "fichier_dans_l_archive": path})
            files.append((path, attachment.id))
        entry["pieces_jointes"] = attachments
        dossiers.append(entry)
    case_ids = [str(c.id) for c in cases]
    accesses = session.scalars(
        select(m.AuditEvent).where(
            ((m.AuditEvent.entity == "case") & m.AuditEvent.entity_id.in_(case_ids))
            | ((m.AuditEvent.entity == "household") & (m.AuditEvent.entity_id == str(household_id)))
        ).order_by(m.AuditEvent.id)
    )
    document = {
        "menage": row_dict(household),
        "dossiers": dossiers,
        "journal_des_acces": [{"date": _value(e.occurred_at), "utilisateur": e.user_login, "action": e.action,
                               "dossier": e.entity_id} for e in accesses],
    }
    return document, files


@action("rgpd.export", "rgpd.export", mutating=False)
def export_household(session: Session, actor: Actor, household_id: int) -> Changes:
    """Gather the export in the audited transaction; the archive is written by write_archive."""
    document, files = collect(session, household_id)
    document["export"] = {"genere_le": now().isoformat(), "par": actor.login, "menage_id": household_id}
    contents = {path: session.get(m.Attachment, attachment_id).content for path, attachment_id in files}
    return Changes(entity="household", entity_id=household_id, result=(document, contents))


def write_archive(database: Database, actor: Actor, household_id: int, target: str | Path) -> Path:
    from core.rgpd_pdf import render_pdf

    document, contents = export_household(database, actor, household_id).result
    with database.session() as session:
        pdf = render_pdf(session, document, actor)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"menage-{household_id}.pdf", pdf)
        archive.writestr(f"menage-{household_id}.json", json.dumps(document, ensure_ascii=False, indent=2, default=str))
        for path, content in contents.items():
            archive.writestr(path, content or b"")
    target = Path(target)
    from core.pdf.common import write_atomically

    write_atomically(target, buffer.getvalue())
    return target


def household_of_case(database: Database, reference: str) -> int:
    with database.session() as session:
        household_id = session.scalar(select(m.Case.household_id).where(m.Case.reference == reference))
    if household_id is None:
        raise NotFound(f"Aucun dossier « {reference} ».")
    return household_id
