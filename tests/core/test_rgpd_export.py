"""Right of access: one archive with a readable PDF, the JSON and the attachments."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.actor import SYSTEM, Actor
from core.audit import record_case_opened
from core.errors import PermissionDenied
from core.rgpd_export import write_archive
from db import models as m



@pytest.fixture
def household(demo_db):
    with demo_db.write() as s:
        case = s.scalar(select(m.Case).order_by(m.Case.id).limit(1))
        case.household.last_name = "Dubrœucq"
        s.add(m.Attachment(case_id=case.id, filename="bail signé.pdf", mime_type="application/pdf", size_bytes=9,
                           sha256="0" * 64, content=b"%PDF-fake"))
        return case.household_id, case.reference, case.id


def test_archive_holds_pdf_json_and_attachments(demo_db, household, tmp_path):
    household_id, reference, case_id = household
    record_case_opened(demo_db, SYSTEM, case_id)
    target = write_archive(demo_db, SYSTEM, household_id, tmp_path / "acces.zip")
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        document = json.loads(archive.read(f"menage-{household_id}.json"))
        pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read(f"menage-{household_id}.pdf"))).pages)
        attachment = next(n for n in names if n.startswith("pieces-jointes/") and n.endswith(".pdf"))
        assert archive.read(attachment) == b"%PDF-fake"
    assert document["menage"]["last_name"] == "Dubrœucq"
    assert [d["dossier"]["reference"] for d in document["dossiers"]] == [reference]
    assert document["dossiers"][0]["journal"], "the case journal is exported"
    assert any(a["action"] == "dossier.consultation" for a in document["journal_des_acces"])
    assert "Dubrœucq" in pdf_text and reference in pdf_text and "Droit d'accès" in pdf_text
    assert "bail signé" in attachment or "bail" in attachment


def test_export_is_audited_and_reserved_to_administrators(demo_db, household, tmp_path):
    household_id, _reference, _case = household
    with pytest.raises(PermissionDenied):
        write_archive(demo_db, Actor(2, "responsable", "manager"), household_id, tmp_path / "non.zip")
    assert not (tmp_path / "non.zip").exists()
    write_archive(demo_db, SYSTEM, household_id, tmp_path / "oui.zip")
    with demo_db.session() as s:
        event = s.scalar(select(m.AuditEvent).where(m.AuditEvent.action == "rgpd.export"))
    assert event.entity_id == str(household_id)


def test_command_line_export(demo_db, db_path, household, tmp_path, capsys):
    from main import main

    household_id, reference, _case = household
    demo_db.dispose()
    out = tmp_path / "menage.zip"
    assert main(["--db", str(db_path), "rgpd", "export", "--menage", str(household_id), "-o", str(out)]) == 0
    assert zipfile.ZipFile(out).testzip() is None
    assert main(["--db", str(db_path), "rgpd", "export", "--dossier", reference, "-o", str(tmp_path / "b.zip")]) == 0
    assert main(["--db", str(db_path), "rgpd", "export", "--menage", "999999", "-o", str(out)]) == 1
    assert "Aucun ménage" in capsys.readouterr().err
