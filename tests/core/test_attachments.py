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
