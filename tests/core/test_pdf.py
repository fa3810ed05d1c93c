"""PDFs read back with pypdf: what is printed matches the database, in French, on every page."""
from __future__ import annotations

import hashlib
import io
from datetime import date, datetime, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from core.actor import SYSTEM, Actor
from core.errors import NotFound, PermissionDenied
from core.formatting import fr_date
from core.pdf.commission import build_commission
from core.pdf.documents import case_id_for_reference
from core.pdf.fiche import build_fiche
from core.pdf.letters import build_household_letter, build_landlord_letter
from core.pdf.service import save_service_header
from core.pdf.visit import build_visit_report
from db import models as m
from db.base import now


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def accented_case(session) -> m.Case:
    """A demo case whose household name carries an accent, with a landlord and disorders."""
    for case in session.scalars(select(m.Case).join(m.Household).join(m.Dwelling)
                                .where(m.Dwelling.landlord_id.is_not(None)).order_by(m.Case.id)):
        name = case.household.last_name + case.household.first_name
        if any(ch in name for ch in "éèëïôçÉ") and any(d.state == "confirme" for d in case.disorders):
            return case
    raise AssertionError("no suitable demo case")


def test_fiche_prints_the_case_as_stored(demo_db):
    with demo_db.session() as session:
        case = accented_case(session)
        reference, name, opened = case.reference, case.household.display_name, case.opened_on
        address = case.dwelling.address_line
        disorder = next(d.item.label for d in case.disorders)
        journal_count = session.scalar(select(func.count(m.JournalEntry.id)).where(m.JournalEntry.case_id == case.id))
    reader, text = pdf_text(build_fiche(demo_db, SYSTEM, case_id_for_reference(demo_db, reference)))
    assert f"Fiche de suivi — dossier {reference}" in text
    assert name in text and address in text
    assert fr_date(opened, "long") in text  # e.g. « 16 août 2024 »
    assert disorder[:30] in text
    assert "Contrôles réglementaires" in text and "Suroccupation" in text
    assert journal_count >= 1 and "Journal" in text
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text().replace("\xa0", " ")
        assert f"page {number} / {pages}" in page_text
        assert "Confidentiel — données personnelles" in page_text
        assert "Généré le" in page_text and "par Système" in page_text
        assert abs(float(page.mediabox.width) - 595.27) < 1 and abs(float(page.mediabox.height) - 841.89) < 1


def test_fonts_are_embedded_dejavu(demo_db):
    with demo_db.session() as session:
        reference = session.scalar(select(m.Case.reference).limit(1))
    reader = PdfReader(io.BytesIO(build_fiche(demo_db, SYSTEM, case_id_for_reference(demo_db, reference))))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = set()
    for ref in fonts.values():
        font = ref.get_object()
        names.add(str(font["/BaseFont"]).split("+")[-1])
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), "TrueType font not embedded"
    assert names == {"DejaVuSans", "DejaVuSans-Bold"}


def test_service_header_comes_from_the_settings(demo_db):
    with demo_db.write() as session:
        save_service_header(session, service_name="Ville de Roubaix — Maison du projet",
                            service_address="17 Grand-Place\n59100 Roubaix")
    with demo_db.session() as session:
        reference = session.scalar(select(m.Case.reference).limit(1))
    _, text = pdf_text(build_fiche(demo_db, SYSTEM, case_id_for_reference(demo_db, reference)))
    assert "Ville de Roubaix — Maison du projet" in text and "17 Grand-Place" in text


def test_unknown_reference_is_a_french_not_found(demo_db):
    with pytest.raises(NotFound, match="Dossier inconnu"):
        case_id_for_reference(demo_db, "2099-99999")  # the command line names cases by reference
    with pytest.raises(NotFound, match="Dossier introuvable"):
        build_fiche(demo_db, SYSTEM, 99_999_999)


def test_pdf_is_audited_and_written_to_the_target(demo_db, tmp_path):
    with demo_db.session() as session:
        reference = session.scalar(select(m.Case.reference).limit(1))
    target = tmp_path / "fiche.pdf"
    build_fiche(demo_db, SYSTEM, case_id_for_reference(demo_db, reference), target)
    assert target.read_bytes().startswith(b"%PDF")
    with demo_db.session() as session:
        event = session.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "pdf")).all()[-1]
    assert '"document": "fiche"' in event.details and event.entity == "case"


def test_agent_outside_the_case_cannot_print_it(demo_db):
    with demo_db.session() as session:
        case_id, reference = session.execute(select(m.Case.id, m.Case.reference).where(m.Case.agent_id.is_not(None))).first()
    stranger = Actor(user_id=999_999, login="inconnu", role="agent")
    with pytest.raises(PermissionDenied):
        build_fiche(demo_db, stranger, case_id)


def test_household_letter_uses_only_shareable_entries(demo_db):
    with demo_db.write() as session:
        case = accented_case(session)
        reference = case.reference
        session.add_all([
            m.JournalEntry(case_id=case.id, kind="note", text="Note interne : ménage jugé peu coopératif.",
                           shareable=False, occurred_at=datetime(2026, 10, 2, 9, 0)),
            m.JournalEntry(case_id=case.id, kind="courrier", text="Courrier de relance envoyé à votre bailleur.",
                           shareable=True, occurred_at=datetime(2026, 10, 3, 9, 0)),
        ])
    _, text = pdf_text(build_household_letter(demo_db, SYSTEM, case_id_for_reference(demo_db, reference)))
    assert "Le 3 octobre 2026 : Courrier de relance envoyé à votre bailleur." in text
    assert "peu coopératif" not in text
    assert f"Objet : où en est votre dossier {reference}" in text


def test_landlord_letter_lists_disorders_rules_and_deadline(demo_db):
    with demo_db.session() as session:
        case = accented_case(session)
        reference, landlord = case.reference, case.dwelling.landlord.name
        confirmed = [d.item.label for d in case.disorders if d.state == "confirme"]
        refuted = [d.item.label for d in case.disorders if d.state == "non_confirme"]
    _, text = pdf_text(build_landlord_letter(demo_db, SYSTEM, case_id_for_reference(demo_db, reference)))
    assert landlord in text
    assert all(label[:25] in text for label in confirmed)
    assert not any(label[:40] in text for label in refuted if label not in " ".join(confirmed))
    assert "avant le " + fr_date(now().date() + timedelta(days=30), "long") in text
    assert "Règle concernée" in text and "Madame, Monsieur" in text


def _jpeg(width: int, height: int, shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (shade, 120, 200 - shade)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_visit_report_prints_scaled_down_photos(demo_db):
    with demo_db.write() as session:
        visit_id, case_id = session.execute(
            select(m.Visit.id, m.VisitCase.case_id).join(m.VisitCase).where(m.Visit.status == "realisee")).first()
        for index in range(5):
            content = _jpeg(2400, 1800, 20 * index)
            session.add(m.Attachment(case_id=case_id, visit_id=visit_id, filename=f"salle_{index}.jpg",
                                     mime_type="image/jpeg", size_bytes=len(content),
                                     sha256=hashlib.sha256(content).hexdigest(), caption=f"Moisissure pièce {index}",
                                     taken_at=datetime(2026, 3, 4, 10, index), content=content))
        reference = session.get(m.Case, case_id).reference
    data = build_visit_report(demo_db, SYSTEM, visit_id)
    reader, text = pdf_text(data)
    assert f"Compte rendu de visite n° {visit_id}" in text and reference in text
    assert "Photos (5)" in text and "Moisissure pièce 3" in text and "04/03/2026 à 10:03" in text
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 5
    assert all(max(image.image.size) <= 640 for image in images)
    assert len(data) < 5 * 2400 * 1800 // 20  # far smaller than the originals


def test_unknown_visit_and_commission(demo_db):
    with pytest.raises(NotFound, match="Visite inconnue"):
        build_visit_report(demo_db, SYSTEM, 999_999)
    with pytest.raises(NotFound, match="Commission inconnue"):
        build_commission(demo_db, SYSTEM, 999_999)
    with pytest.raises(NotFound, match="invalide"):
        build_commission(demo_db, SYSTEM, "abc")


def test_commission_agenda_and_decisions(demo_db):
    with demo_db.session() as session:
        commission = session.scalars(select(m.Commission).where(m.Commission.held_on < date(2026, 11, 1))).first()
        items = [(i.case.reference, i.case.household.display_name, i.decision) for i in commission.items]
        commission_id, held_on = commission.id, commission.held_on
    _, text = pdf_text(build_commission(demo_db, SYSTEM, commission_id))
    assert "Ordre du jour" in text and "Relevé de décisions" in text
    assert fr_date(held_on, "long") in text
    for reference, name, decision in items:
        assert reference in text and name in text
        if decision:
            assert decision[:30] in text


def test_service_logo_is_checked_and_printed(demo_db, tmp_path):
    from core.errors import ValidationError
    from core.pdf.service import configure_service_header

    bad = tmp_path / "logo.png"
    bad.write_text("pas une image")
    with pytest.raises(ValidationError, match="Logo illisible"):
        configure_service_header(demo_db, SYSTEM, service_logo=str(bad))
    Image.new("RGB", (300, 120), (31, 78, 121)).save(bad)
    header = configure_service_header(demo_db, SYSTEM, service_logo=str(bad), service_name="Antenne de Wattrelos")
    assert header.logo_path == str(bad)
    with demo_db.session() as session:
        reference = session.scalar(select(m.Case.reference).limit(1))
    reader, text = pdf_text(build_fiche(demo_db, SYSTEM, case_id_for_reference(demo_db, reference)))
    assert "Antenne de Wattrelos" in text
    assert all(len(page.images) >= 1 for page in reader.pages)  # the logo on every page


def test_landlord_letter_needs_a_landlord(demo_db):
    from core.errors import ValidationError

    with demo_db.session() as session:
        reference = session.scalar(select(m.Case.reference).join(m.Dwelling).where(m.Dwelling.landlord_id.is_(None)))
    with pytest.raises(ValidationError, match="pas de bailleur renseigné"):
        build_landlord_letter(demo_db, SYSTEM, case_id_for_reference(demo_db, reference))
