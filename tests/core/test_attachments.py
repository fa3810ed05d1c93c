"""Photos and documents attached to a case: stored whole, dated from EXIF, refused with a French reason."""
import hashlib
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import func, select

from core.errors import ValidationError
from core.services import attachments, visits
from db import models as m
from tests.core.trade_helpers import make_user, new_case


@pytest.fixture
def manager(db):
    return make_user(db)


def jpeg_with_exif(when: str = "2026:03:14 10:20:30") -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = when
    out = BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, "JPEG", exif=exif)
    return out.getvalue()


def png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (32, 32), "blue").save(out, "PNG")
    return out.getvalue()


def _count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count(m.Attachment.id)))


def test_a_photo_is_stored_whole_and_dated_from_its_exif(db, manager):
    case_id = new_case(db, manager)
    content = jpeg_with_exif()
    attachment_id = attachments.add_attachment(db, manager, case_id, "/home/agent/Photos/salle de bain.JPG", content,
                                               caption="Moisissures au plafond").result
    with db.session() as session:
        row = session.get(m.Attachment, attachment_id)
        assert row.filename == "salle de bain.JPG"
        assert row.mime_type == "image/jpeg"
        assert row.taken_at == datetime(2026, 3, 14, 10, 20, 30)
        assert row.size_bytes == len(content)
        assert row.sha256 == hashlib.sha256(content).hexdigest()
        assert row.content == content
        assert row.added_by_id == manager.user_id
        texts = session.scalars(select(m.JournalEntry.text).where(m.JournalEntry.case_id == case_id)).all()
    assert "Pièce jointe ajoutée : salle de bain.JPG" in texts


def test_a_png_without_exif_has_no_shooting_date(db, manager):
    case_id = new_case(db, manager)
    attachment_id = attachments.add_attachment(db, manager, case_id, "plan.png", png()).result
    with db.session() as session:
        row = session.get(m.Attachment, attachment_id)
        assert (row.mime_type, row.taken_at) == ("image/png", None)


def test_an_oversized_file_is_refused_and_nothing_is_saved(db, manager, monkeypatch):
    case_id = new_case(db, manager)
    monkeypatch.setattr(attachments, "MAX_BYTES", 1000)  # the real limit (25 Mo) would make the test slow
    with pytest.raises(ValidationError) as error:
        attachments.add_attachment(db, manager, case_id, "énorme.pdf", b"%PDF-1.4\n" + b"x" * 2000)
    assert "énorme.pdf" in error.value.message and "trop volumineux" in error.value.message
    assert _count(db) == 0


def test_the_real_limit_is_25_megabytes(db, manager):
    case_id = new_case(db, manager)
    with pytest.raises(ValidationError) as error:
        attachments.add_attachment(db, manager, case_id, "scan.pdf", b"%PDF-1.4\n" + bytes(25 * 1024 * 1024))
    assert "25 Mo" in error.value.message
    assert _count(db) == 0


def test_empty_and_unknown_files_are_refused(db, manager):
    case_id = new_case(db, manager)
    with pytest.raises(ValidationError) as error:
        attachments.add_attachment(db, manager, case_id, "vide.jpg", b"")
    assert "vide.jpg" in error.value.message and "vide" in error.value.message
    with pytest.raises(ValidationError) as error:
        attachments.add_attachment(db, manager, case_id, "virus.exe", b"MZ\x90\x00")
    assert "virus.exe" in error.value.message and "programme" in error.value.message
    with pytest.raises(ValidationError) as error:
        attachments.add_attachment(db, manager, case_id, "archive.zip", b"PK\x03\x04")
    assert "type accepté" in error.value.message
    with pytest.raises(ValidationError):  # an image extension on bytes that are not an image
        attachments.add_attachment(db, manager, case_id, "photo.jpg", b"not really a photo")
    assert _count(db) == 0


def test_a_visit_of_another_case_is_refused(db, manager):
    case_id, other = new_case(db, manager), new_case(db, manager, last_name="Nowak")
    when = datetime.now().replace(microsecond=0) - timedelta(days=1)
    other_visit = visits.schedule_visit(db, manager, [other], "constat", when).result
    own_visit = visits.schedule_visit(db, manager, [case_id], "constat", when).result
    with pytest.raises(ValidationError) as error:
        attachments.add_attachment(db, manager, case_id, "photo.jpg", jpeg_with_exif(), visit_id=other_visit)
    assert error.value.field == "visit_id" and "ne concerne pas ce dossier" in error.value.message
    assert _count(db) == 0
    attachment_id = attachments.add_attachment(db, manager, case_id, "photo.jpg", jpeg_with_exif(),
                                               visit_id=own_visit).result
    with db.session() as session:
        assert session.get(m.Attachment, attachment_id).visit_id == own_visit


def test_removing_an_attachment_deletes_it_and_journals(db, manager):
    case_id = new_case(db, manager)
    attachment_id = attachments.add_attachment(db, manager, case_id, "plan.png", png()).result
    attachments.remove_attachment(db, manager, attachment_id)
    assert _count(db) == 0
    with db.session() as session:
        texts = session.scalars(select(m.JournalEntry.text).where(m.JournalEntry.case_id == case_id)).all()
    assert "Pièce jointe supprimée : plan.png" in texts


# -- as an attacker would try ------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
EXECUTABLE_NAMES = ["compte-rendu.bat", "compte-rendu.hta", "compte-rendu.lnk", "compte-rendu.exe",
                    "compte-rendu.ps1", "compte-rendu.desktop", "compte-rendu.cmd", "compte-rendu.vbs",
                    "compte-rendu.js", "compte-rendu.scr", "compte-rendu.msi", "compte-rendu.sh",
                    "compte-rendu.pdf.exe", "compte-rendu.bat.", "compte-rendu.bat ", "compte-rendu.docm",
                    "compte-rendu.html", "compte-rendu.svg", "compte-rendu.url", "compte-rendu.jar"]


@pytest.mark.parametrize("name", EXECUTABLE_NAMES)
def test_executables_and_scripts_are_refused_even_when_their_content_is_a_pdf(db, manager, name):
    case_id = new_case(db, manager)
    with pytest.raises(ValidationError) as refused:
        attachments.add_attachment(db, manager, case_id, name, PDF)
    assert name.strip() in refused.value.message and "refusé" in refused.value.message
    assert _count(db) == 0


@pytest.mark.parametrize("name, content", [
    ("rapport.pdf", b"MZ\x90\x00" + bytes(200)),          # a Windows program named .pdf
    ("notes.txt", b"#!/bin/sh\nrm -rf ~\n"),                # a script named .txt
    ("photo.jpg", PDF),                                     # a PDF named .jpg
    ("rapport.pdf", b"\x89PNG\r\n\x1a\n" + bytes(64)),      # an image named .pdf
    ("rapport\u202efdp.exe", PDF),                          # « rapportexe.pdf » on screen
    ("lettre.docx", b"PK\x03\x04" + bytes(40)),             # not a readable Word document
])
def test_the_type_is_read_from_the_content_and_must_agree_with_the_name(db, manager, name, content):
    case_id = new_case(db, manager)
    with pytest.raises(ValidationError) as refused:
        attachments.add_attachment(db, manager, case_id, name, content)
    assert "refusé" in refused.value.message or "type accepté" in refused.value.message
    assert _count(db) == 0


def _office(kind: str, macros: bool = False) -> bytes:
    import zipfile

    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
            if macros:
                archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    return out.getvalue()


def test_the_types_a_case_needs_are_accepted(db, manager):
    case_id = new_case(db, manager)
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00heicmif1" + bytes(64)
    for name, content, mime in (("devis.pdf", PDF, "application/pdf"), ("plan.png", png(), "image/png"),
                                ("photo.jpeg", jpeg_with_exif(), "image/jpeg"), ("photo.heic", heic, "image/heic"),
                                ("lettre.odt", _office("odt"), "application/vnd.oasis.opendocument.text"),
                                ("lettre.docx", _office("docx"),
                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                                ("notes.txt", "Relevé d'humidité : 80 %\n".encode(), "text/plain")):
        attachment_id = attachments.add_attachment(db, manager, case_id, name, content).result
        with db.session() as session:
            assert session.get(m.Attachment, attachment_id).mime_type == mime, name


def test_a_word_document_with_macros_is_refused(db, manager):
    case_id = new_case(db, manager)
    with pytest.raises(ValidationError, match="macros"):
        attachments.add_attachment(db, manager, case_id, "lettre.docx", _office("docx", macros=True))


def test_opening_writes_the_copy_under_the_canonical_extension_of_the_detected_type(db, manager):
    case_id = new_case(db, manager)
    with db.write() as session:  # a file stored before this check existed, under a dangerous name
        session.add(m.Attachment(case_id=case_id, filename="compte-rendu.bat", mime_type="application/pdf",
                                 size_bytes=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(), content=PDF))
        session.flush()
        old_id = session.scalar(select(func.max(m.Attachment.id)))
    assert attachments.read_attachment(db, manager, old_id)[0] == "compte-rendu.pdf"
    photo_id = attachments.add_attachment(db, manager, case_id, "salon.jpeg", jpeg_with_exif()).result
    assert attachments.read_attachment(db, manager, photo_id)[0] == "salon.jpeg"


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (50.0, 37.0, 12.5), 3: "E", 4: (3.0, 3.0, 36.0)}
    exif.get_ifd(0x8769)[0x9003] = "2026:03:14 10:20:30"
    out = BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, "JPEG", exif=exif)
    return out.getvalue()


def _stored(db, attachment_id) -> bytes:
    with db.session() as session:
        return session.get(m.Attachment, attachment_id).content


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_photos_lose_their_gps_position_but_keep_their_date_and_pixels(db, manager, fmt):
    case_id = new_case(db, manager)
    original = Image.open(BytesIO(jpeg_with_gps()))
    out = BytesIO()
    original.save(out, fmt, exif=original.getexif())
    content = out.getvalue()
    assert Image.open(BytesIO(content)).getexif().get_ifd(0x8825)
    attachment_id = attachments.add_attachment(db, manager, case_id, f"photo.{fmt.lower()}", content).result
    stored = Image.open(BytesIO(_stored(db, attachment_id)))
    assert stored.getexif().get_ifd(0x8825) == {}
    assert stored.getexif().get_ifd(0x8769)[0x9003] == "2026:03:14 10:20:30"
    assert stored.tobytes() == Image.open(BytesIO(content)).tobytes()  # not re-encoded


def test_the_agent_may_keep_the_gps_position(db, manager):
    case_id = new_case(db, manager)
    content = jpeg_with_gps()
    attachment_id = attachments.add_attachment(db, manager, case_id, "facade.jpg", content, keep_location=True).result
    assert _stored(db, attachment_id) == content


@pytest.mark.parametrize("name", ["../../../etc/passwd.pdf", "/tmp/x/../../rapport.pdf", "..\\..\\Windows\\rapport.pdf",
                                  "C:\\Users\\Public\\rapport.pdf", "rapport.pdf:flux.exe"])
def test_path_tricks_never_leave_a_folder_in_the_stored_name(db, manager, name):
    case_id = new_case(db, manager)
    try:
        attachment_id = attachments.add_attachment(db, manager, case_id, name, PDF).result
    except ValidationError as refused:
        assert "refusé" in refused.message
        return
    stored = attachments.read_attachment(db, manager, attachment_id)[0]
    assert "/" not in stored and "\\" not in stored and not stored.startswith("..")
