"""Letters that go out as they are (issue 19): window-envelope address, no internal header or footer,
signed with the agent's title, plain language for the household."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from sqlalchemy import select

from core.actor import SYSTEM
from core.errors import ValidationError
from core.pdf.documents import case_id_for_reference
from core.pdf.fiche import build_fiche
from core.pdf.letters import build_household_letter, build_landlord_letter
from core.services.reference import save_partner
from db import models as m
from tests.core.test_pdf import pdf_text

PAGE_HEIGHT = 297 * mm


def _positions(data: bytes) -> list[tuple[str, float, float]]:
    """(text, x from the left edge, y from the top edge) of each text run of page 1, in millimetres."""
    runs = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            runs.append((text.strip(), x / mm, (PAGE_HEIGHT - y) / mm))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return runs


def _case_with_landlord(session, status=None, agent_civility=None) -> m.Case:
    statement = (select(m.Case).join(m.Dwelling).where(m.Dwelling.landlord_id.is_not(None), m.Case.agent_id.is_not(None))
                 .order_by(m.Case.id))
    if status:
        statement = statement.where(m.Case.status == status)
    for case in session.scalars(statement):
        if any(d.item.is_danger and d.state != "non_confirme" for d in case.disorders) or status:
            if agent_civility is None or case.agent.civility == agent_civility:
                return case
    raise AssertionError("no suitable demo case")


def test_landlord_letter_is_ready_for_a_window_envelope(demo_db):
    with demo_db.session() as session:
        case = _case_with_landlord(session, agent_civility="Mme")
        reference, landlord = case.reference, case.dwelling.landlord
        postcode_line = landlord.postal_lines[-1]
        agent, title = case.agent.full_name, case.agent.job_title
        assert landlord.postcode and landlord.address
    data = build_landlord_letter(demo_db, SYSTEM, case_id_for_reference(demo_db, reference))
    reader, text = pdf_text(data)
    runs = _positions(data)
    address = [(x, y) for t, x, y in runs if postcode_line in t]
    assert address, postcode_line
    x, y = address[0]
    assert 105 <= x <= 120 and 45 <= y <= 95, (x, y)  # DL window: right side, upper third
    service = [(x, y) for t, x, y in runs if t.startswith("Métropole Européenne de Lille")]
    assert service and service[0][0] < 30 and service[0][1] < 30  # ours at the top left
    # Outgoing: no internal header nor « Confidentiel … Généré par » footer.
    for internal in ("Confidentiel", "Généré le", f"Courrier au bailleur — dossier {reference}", "page 1 /"):
        assert internal not in text
    assert f"{agent} {title}" in text and title == "Agente de proximité"
    assert "Danger pour les occupants" in text
    assert ") (" not in text and "((" not in text and "))" not in text


def test_household_letter_speaks_plainly_and_says_whom_to_call(demo_db):
    with demo_db.session() as session:
        case = _case_with_landlord(session, status="en_attente", agent_civility="Mme")
        reference, agent, phone = case.reference, case.agent.full_name, case.agent.phone
        household = case.household
        name_line = f"{household.first_name} {household.last_name.upper()}"
    data = build_household_letter(demo_db, SYSTEM, case_id_for_reference(demo_db, reference))
    _, text = pdf_text(data)
    assert "Madame, Monsieur," in text and "Bonjour" not in text
    assert "Votre dossier est :" not in text and "Nous attendons la réponse" in text
    assert f"{agent}, votre interlocutrice : {phone}." in text
    assert "Vous pouvez appeler du lundi au vendredi" in text
    assert "Confidentiel" not in text and "Généré le" not in text
    runs = _positions(data)
    assert any(t == name_line and 105 <= x <= 120 and 45 <= y <= 95 for t, x, y in runs), name_line


def test_a_man_is_votre_interlocuteur_and_a_new_case_gets_a_call_back_date(demo_db):
    with demo_db.session() as session:
        case = session.scalars(select(m.Case).join(m.User, m.User.id == m.Case.agent_id)
                               .where(m.User.civility == "M.", m.Case.status == "nouveau").order_by(m.Case.id)).first()
        reference, agent = case.reference, case.agent.full_name
    _, text = pdf_text(build_household_letter(demo_db, SYSTEM, case_id_for_reference(demo_db, reference)))
    assert f"{agent}, votre interlocuteur" in text
    assert "Nous avons bien reçu votre demande." in text
    assert "Nous vous appellerons avant le" in text or "nous venons chez vous" in text


def test_landlord_without_postal_address_is_refused_in_french(demo_db):
    with demo_db.write() as session:
        case = _case_with_landlord(session)
        reference = case.reference
        landlord = case.dwelling.landlord
        landlord.address, landlord.postcode, landlord.city = "", "", ""
    with pytest.raises(ValidationError, match="n'a pas d'adresse postale complète"):
        build_landlord_letter(demo_db, SYSTEM, case_id_for_reference(demo_db, reference))


def test_internal_documents_keep_their_header_and_footer(demo_db):
    with demo_db.session() as session:
        reference = session.scalar(select(m.Case.reference).order_by(m.Case.id).limit(1))
    _, text = pdf_text(build_fiche(demo_db, SYSTEM, case_id_for_reference(demo_db, reference)))
    assert "Confidentiel — données personnelles" in text and "Généré le" in text


@pytest.mark.parametrize("address, postcode, city, field", [
    ("12 rue Nationale", "5900", "Lille", "postcode"),
    ("12 rue Nationale", "59 000", "Lille", "postcode"),
    ("12 rue Nationale", "00100", "Lille", "postcode"),
    ("12 rue Nationale", "59000", "", "city"),
    ("", "59000", "Lille", "address"),
])
def test_partner_postal_address_is_validated(db, address, postcode, city, field):
    from tests.core.trade_helpers import make_user

    admin = make_user(db, "adm", "admin")
    with pytest.raises(ValidationError) as error:
        save_partner(db, admin, None, "Vilogia", "bailleur_social", address=address, postcode=postcode, city=city)
    assert error.value.field == field


def test_partner_postal_address_is_saved(db):
    from tests.core.trade_helpers import make_user

    admin = make_user(db, "adm", "admin")
    partner_id = save_partner(db, admin, None, "Vilogia", "bailleur_social", address="74 rue Jean-Jaurès\nCS 10430",
                              postcode="59650", city="Villeneuve-d'Ascq").entity_id
    with db.session() as session:
        assert session.get(m.Partner, partner_id).postal_lines == ["74 rue Jean-Jaurès", "CS 10430",
                                                                   "59650 VILLENEUVE-D'ASCQ"]
