"""Check-out of cases to a laptop base, offline work there, check-in back to the office: nothing lost."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from core.audit import verify_trail
from core.case_list import case_rows
from core.errors import ConflictError, ValidationError
from core.laptop import Selection, checkin, checkout, laptop_origin, list_conflicts, settle_conflict
from core.services import attachments, cases, notes
from db import crypto, models as m
from tests.core.laptop.helpers import PHRASE, office_with_cases, png, references, take_out


def _summary(database, case_id):
    with database.session() as session:
        return session.get(m.Case, case_id).summary


def _notes(database, case_id):
    with database.session() as session:
        return set(session.scalars(select(m.JournalEntry.text).where(m.JournalEntry.case_id == case_id)))


def test_checkout_takes_the_cases_whole_encrypted_and_the_office_shows_who_took_them(db, tmp_path):
    agent, manager, ids = office_with_cases(db)
    attachments.add_attachment(db, manager, ids[0], "facade.png", png())
    with db.write() as session:
        session.add(m.Setting(key="sauvegardes.dossier", value=str(tmp_path / "sauvegardes-du-bureau")))
    result = checkout(db, agent, tmp_path / "portable.sqlite3", Selection(mine=True), PHRASE)
    assert result.case_count == 3 and result.attachment_count == 1 and "sabrina" in result.account_logins
    assert crypto.is_encrypted(tmp_path / "portable.sqlite3")
    from db.open import open_database

    laptop = open_database(tmp_path / "portable.sqlite3", create=False, passphrase=PHRASE)
    with laptop.session() as session:
        assert session.scalar(select(func.count(m.Case.id))) == 3
        assert session.scalar(select(m.Attachment.content)) == png()
        assert session.scalar(select(m.User.password_hash).where(m.User.login == "resp-sabrina")) is None
        assert session.get(m.Setting, "audit.cle") is None and session.get(m.Setting, "sauvegardes.dossier") is None
    assert laptop_origin(laptop).checkout_uuid == result.checkout_uuid and laptop_origin(db) is None
    laptop.dispose()
    with db.session() as session:
        row = case_rows(session, ids)[ids[0]]
    assert row.checkout_note.startswith("emporté par Utilisatrice S. le ")
    with db.session() as session:
        assert session.scalar(select(m.AuditEvent.action).order_by(m.AuditEvent.id.desc())) == "portable.emport"


def test_a_bad_selection_is_refused_in_french_and_writes_nothing(db, tmp_path):
    agent, _manager, _ids = office_with_cases(db)
    with pytest.raises(ValidationError, match="^Référence inconnue ou hors de votre périmètre : 2099-99999.$"):
        checkout(db, agent, tmp_path / "p.sqlite3", Selection(references=("2099-99999",)), PHRASE)
    with pytest.raises(ValidationError, match="^Références inconnues ou hors de votre périmètre : 2099-99999, "
                                              "2099-99998.$"):
        checkout(db, agent, tmp_path / "p.sqlite3", Selection(references=("2099-99999", "2099-99998")), PHRASE)
    with pytest.raises(ValidationError, match="Secteur « Atlantide » inconnu"):
        checkout(db, agent, tmp_path / "p.sqlite3", Selection(sector="Atlantide"), PHRASE)
    with pytest.raises(ValidationError, match="trop courte"):
        checkout(db, agent, tmp_path / "p.sqlite3", Selection(mine=True), "court")
    assert [p.name for p in tmp_path.iterdir() if ".sqlite3" in p.name and "test" not in p.name] == []
    with db.session() as session:
        assert session.scalar(select(func.count(m.Checkout.id))) == 0


def test_checkin_takes_one_sided_edits_keeps_conflicts_and_adds_laptop_cases(db, tmp_path):
    agent, manager, ids = office_with_cases(db)
    _result, laptop = take_out(db, agent, tmp_path / "p.sqlite3", ids)
    cases.update_case(laptop, agent, ids[0], {"summary": "vu sur place"})
    cases.update_case(db, manager, ids[0], {"summary": "appel du bailleur"})
    cases.update_case(laptop, agent, ids[1], {"summary": "seulement sur le portable"})
    cases.update_case(db, manager, ids[2], {"summary": "seulement au bureau"})
    notes.add_note(laptop, agent, ids[2], "Note prise hors ligne")
    source = "habitant"
    with laptop.session() as session:
        commune = session.scalar(select(m.Commune).where(m.Commune.name == "Lille"))
        commune_id, postcode = commune.id, commune.postcode
    new = cases.create_case(laptop, agent, household={"last_name": "Nouvelle"}, source=source,
                            dwelling={"street": "rue du Terrain", "postcode": postcode, "commune_id": commune_id,
                                      "tenure": "locataire_prive"}, agent_id=agent.user_id)
    with laptop.session() as session:
        provisional = session.get(m.Case, new.result).reference
    assert provisional.startswith("P-") and len(provisional) == len("P-2026-0001")
    notes.add_note(laptop, agent, new.result, "Première visite du nouveau dossier")
    laptop.dispose()

    report = checkin(db, agent, tmp_path / "p.sqlite3")
    assert _summary(db, ids[0]) == "appel du bailleur"  # kept until someone settles
    assert _summary(db, ids[1]) == "seulement sur le portable"
    assert _summary(db, ids[2]) == "seulement au bureau"
    assert "Note prise hors ligne" in _notes(db, ids[2])
    [(old, office_reference)] = report.references
    assert old == provisional and not office_reference.startswith("P-")
    added = {(r.case_reference, r.table) for r in report.created}
    assert {(office_reference, "Ménage"), (office_reference, "Logement"), (office_reference, "Dossier")} <= added
    assert not any(r.case_reference.startswith("P-") for r in report.created)
    with db.session() as session:
        created = session.scalar(select(m.Case).where(m.Case.reference == office_reference))
        assert created.household.last_name == "Nouvelle"
        created_id = created.id
    assert "Première visite du nouveau dossier" in _notes(db, created_id)
    [conflict] = report.conflicts
    assert (conflict.office, conflict.laptop, conflict.field) == ("appel du bailleur", "vu sur place", "Résumé")
    assert conflict.laptop_by == "sabrina" and conflict.office_by == "resp-sabrina"
    assert verify_trail(db).problems == []
    with db.session() as session:
        origins = list(session.scalars(select(m.AuditEvent.details).where(m.AuditEvent.details.like('%"origine"%'))))
    assert len(origins) == report.audit_events >= 5
    with db.session() as session:
        creation = session.scalar(select(m.AuditEvent).where(m.AuditEvent.action == "case.create")
                                  .order_by(m.AuditEvent.id.desc()))
    assert creation.entity_id == str(created_id) and json.loads(creation.details)["origine"].startswith("portable")

    settle_conflict(db, manager, conflict.id, choice="portable")
    assert _summary(db, ids[0]) == "vu sur place"
    assert list_conflicts(db, manager) == ()
    assert list_conflicts(db, manager, open_only=False)[0].chosen == "vu sur place"
    assert verify_trail(db).problems == []


def test_a_second_checkin_changes_nothing_and_says_so(db, tmp_path):
    agent, manager, ids = office_with_cases(db)
    _result, laptop = take_out(db, agent, tmp_path / "p.sqlite3", ids, encrypt=True)
    notes.add_note(laptop, agent, ids[0], "Une seule fois")
    laptop.dispose()
    first = checkin(db, agent, tmp_path / "p.sqlite3", PHRASE)
    assert len(first.created) == 1
    with db.session() as session:
        events = session.scalar(select(func.count(m.AuditEvent.id)))
        entries = session.scalar(select(func.count(m.JournalEntry.id)))
    from db.errors import DatabaseOpenError

    with pytest.raises(DatabaseOpenError, match="Phrase de passe incorrecte"):
        checkin(db, agent, tmp_path / "p.sqlite3", "une autre phrase de passe")
    second = checkin(db, agent, tmp_path / "p.sqlite3", PHRASE)
    assert second.nothing_new and "rien n'a été modifié" in second.lines()[-1]
    with db.session() as session:
        assert session.scalar(select(func.count(m.AuditEvent.id))) == events
        assert session.scalar(select(func.count(m.JournalEntry.id))) == entries


def test_deletions_travel_unless_the_office_changed_the_record(db, tmp_path):
    agent, manager, ids = office_with_cases(db)
    photo = attachments.add_attachment(db, manager, ids[0], "a.png", png()).result
    from core.services.disorders import report_disorders, withdraw_disorder
    from tests.core.trade_helpers import item_ids

    first, second = item_ids(db, count=2)
    report_disorders(db, manager, ids[1], [first, second])
    _result, laptop = take_out(db, agent, tmp_path / "p.sqlite3", ids)
    attachments.remove_attachment(laptop, agent, photo)
    withdraw_disorder(laptop, agent, ids[1], first)
    withdraw_disorder(laptop, agent, ids[1], second)
    with db.write() as session:  # the office changes one of them meanwhile
        disorder = session.scalar(select(m.CaseDisorder).where(m.CaseDisorder.item_id == second))
        disorder.comment = "confirmé par téléphone"
    laptop.dispose()
    report = checkin(db, agent, tmp_path / "p.sqlite3")
    with db.session() as session:
        assert session.get(m.Attachment, photo) is None
        left = set(session.scalars(select(m.CaseDisorder.item_id).where(m.CaseDisorder.case_id == ids[1])))
        assert session.scalar(select(func.count(m.Tombstone.id))) >= 2
    assert left == {second}
    [conflict] = report.conflicts
    assert conflict.field == "Fiche entière" and conflict.laptop == "(supprimée)"
    settle_conflict(db, manager, conflict.id, choice="portable")
    with db.session() as session:
        assert session.scalar(select(m.CaseDisorder.id).where(m.CaseDisorder.case_id == ids[1])) is None


def test_settling_refuses_when_the_office_record_changed_since(db, tmp_path):
    agent, manager, ids = office_with_cases(db)
    _result, laptop = take_out(db, agent, tmp_path / "p.sqlite3", ids)
    cases.update_case(laptop, agent, ids[0], {"summary": "portable"})
    cases.update_case(db, manager, ids[0], {"summary": "bureau"})
    laptop.dispose()
    [conflict] = checkin(db, agent, tmp_path / "p.sqlite3").conflicts
    cases.update_case(db, manager, ids[0], {"summary": "bureau, encore"})
    with pytest.raises(ConflictError, match="relisez le conflit"):
        settle_conflict(db, manager, conflict.id, choice="portable")
    assert _summary(db, ids[0]) == "bureau, encore"
    settle_conflict(db, manager, conflict.id, choice="bureau")
    assert _summary(db, ids[0]) == "bureau, encore"


def test_an_agent_cannot_bring_back_a_colleagues_laptop(db, tmp_path):
    agent, manager, ids = office_with_cases(db)
    _result, laptop = take_out(db, agent, tmp_path / "p.sqlite3", ids)
    laptop.dispose()
    other, _m, _ids = office_with_cases(db, count=1, login="thomas")
    from core.errors import PermissionDenied

    with pytest.raises(PermissionDenied, match="emporté par"):
        checkin(db, other, tmp_path / "p.sqlite3")
    assert references(db, ids)  # unchanged office, still readable


def test_a_conflict_can_be_settled_with_an_edited_value_and_agents_see_only_their_own(db, tmp_path):
    agent, manager, ids = office_with_cases(db)
    _result, laptop = take_out(db, agent, tmp_path / "p.sqlite3", ids)
    cases.update_case(laptop, agent, ids[0], {"summary": "portable"})
    cases.update_case(db, manager, ids[0], {"summary": "bureau"})
    laptop.dispose()
    [conflict] = checkin(db, agent, tmp_path / "p.sqlite3").conflicts
    stranger, _manager, _ids = office_with_cases(db, count=1, login="thomas")
    assert list_conflicts(db, stranger) == () and len(list_conflicts(db, agent)) == 1
    with pytest.raises(ValidationError, match="Choisissez"):
        settle_conflict(db, manager, conflict.id)
    settle_conflict(db, agent, conflict.id, value="portable et bureau réunis")
    assert _summary(db, ids[0]) == "portable et bureau réunis"
    with db.session() as session:
        assert session.scalar(select(m.AuditEvent.action).order_by(m.AuditEvent.id.desc())) == "portable.arbitrage"


def test_a_sector_checkout_takes_the_open_cases_of_that_neighbourhood(db, tmp_path):
    agent, manager, ids = office_with_cases(db)
    from core.services.status import change_status

    with db.session() as session:
        sector = session.get(m.Case, ids[0]).dwelling.neighbourhood.name
    change_status(db, manager, ids[2], "clos", closure_reason=_closure_reason(db))
    result = checkout(db, manager, tmp_path / "p.sqlite3", Selection(sector=sector.upper()), PHRASE)
    assert result.case_count == 2  # the closed one stays at the office


def _closure_reason(database):
    with database.session() as session:
        return session.scalar(select(m.ClosureReason.code))
