"""Case, status, disorder and note services: what a user sees after each action."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.case_list import CaseQuery, case_ids
from core.errors import NotFound, PermissionDenied, ValidationError, WorkflowError
from core.services import cases, disorders, notes, status
from db import models as m
from tests.core.trade_helpers import item_ids, make_user, new_case, place


@pytest.fixture
def manager(db):
    return make_user(db)


def test_new_case_gets_a_yearly_reference_a_journal_and_is_searchable(db, manager):
    first = new_case(db, manager)
    second = new_case(db, manager, last_name="Dupont", first_name="Éloïse")
    with db.session() as session:
        refs = [session.get(m.Case, i).reference for i in (first, second)]
        entry = session.scalar(select(m.JournalEntry).where(m.JournalEntry.case_id == first))
        assert entry.author_id == manager.user_id
        assert session.scalar(select(func.count(m.AuditEvent.id)).where(m.AuditEvent.action == "case.create")) == 2
        year = date.today().year
        assert refs == [f"{year}-00001", f"{year}-00002"]
        assert case_ids(session, CaseQuery(text="helene")) == [first]
        assert case_ids(session, CaseQuery(text="éloi")) == [second]


@pytest.mark.parametrize("household, dwelling, field", [
    ({"last_name": ""}, {}, "last_name"),
    ({"phone": "12345"}, {}, "phone"),
    ({"phone": "00 20 11 22 33"}, {}, "phone"),
    ({"email": "helene@"}, {}, "email"),
    ({"adults": 0, "children": 0}, {}, "adults"),
    ({"adults": 15, "children": 6}, {}, "adults"),
    ({}, {"postcode": "5900"}, "postcode"),
    ({}, {"postcode": "59 000"}, "postcode"),
    ({}, {"living_area_m2": 0.5}, "living_area_m2"),
    ({}, {"living_area_m2": 1000.1}, "living_area_m2"),
    ({}, {"dpe_class": "H"}, "dpe_class"),
    ({}, {"tenure": "squat"}, "tenure"),
])
def test_bad_input_names_the_field_and_saves_nothing(db, manager, household, dwelling, field):
    commune_id, postcode, qpv, _ = place(db)
    values = {"street": "rue X", "postcode": postcode, "commune_id": commune_id, "tenure": "heberge", **dwelling}
    with pytest.raises(ValidationError) as error:
        cases.create_case(db, manager, household={"last_name": "Martin", **household}, dwelling=values,
                          source="habitant")
    assert field in {e.field for e in error.value.errors}
    assert all(e.message[0].isupper() for e in error.value.errors)
    with db.session() as session:
        assert session.scalar(select(func.count(m.Case.id))) == 0
        assert session.scalar(select(func.count(m.Household.id))) == 0


def test_phone_is_stored_in_the_french_layout(db, manager):
    case_id = new_case(db, manager)
    cases.update_household(db, manager, case_id, {"phone": "+33 6 12 34 56 78", "email": "h.l@exemple.fr"})
    with db.session() as session:
        assert session.get(m.Case, case_id).household.phone == "06 12 34 56 78"


def test_neighbourhood_of_another_commune_is_refused(db, manager):
    case_id = new_case(db, manager)
    with db.session() as session:
        roubaix = session.scalar(select(m.Commune).where(m.Commune.name == "Roubaix"))
        other_nb = roubaix.neighbourhoods[0].id
    with pytest.raises(ValidationError) as error:
        cases.update_dwelling(db, manager, case_id, {"neighbourhood_id": other_nb})
    assert error.value.field == "neighbourhood_id"


def test_workflow_follows_the_allowed_transitions(db, manager):
    case_id = new_case(db, manager)
    with pytest.raises(WorkflowError):
        status.change_status(db, manager, case_id, "en_attente")
    status.change_status(db, manager, case_id, "en_cours")
    status.change_status(db, manager, case_id, "en_attente")
    status.change_status(db, manager, case_id, "en_cours")
    with pytest.raises(ValidationError) as error:
        status.change_status(db, manager, case_id, "clos")
    assert error.value.field == "closure_reason"
    with pytest.raises(ValidationError):
        status.close_case(db, manager, case_id, "mise_en_conformite", closed_on=date.today() + timedelta(days=1))
    status.close_case(db, manager, case_id, "mise_en_conformite")
    with pytest.raises(ValidationError) as error:
        status.reopen_case(db, manager, case_id, "  ")
    assert error.value.field == "reason"
    status.reopen_case(db, manager, case_id, "Les désordres sont revenus.")
    with db.session() as session:
        case = session.get(m.Case, case_id)
        assert (case.status, case.closed_on, case.closure_reason) == ("en_cours", None, None)
        texts = list(session.scalars(select(m.JournalEntry.text).where(m.JournalEntry.kind == "statut")
                                     .order_by(m.JournalEntry.id)))
    assert texts[-2] == "Dossier clos : Logement mis en conformité."
    assert texts[-1] == "Dossier rouvert : Les désordres sont revenus."


def test_disorders_raise_the_criticality_and_a_confirmed_one_cannot_be_unticked(db, manager):
    case_id = new_case(db, manager)
    items = item_ids(db, count=3)
    disorders.report_disorders(db, manager, case_id, items)
    with db.session() as session:
        assert session.get(m.Case, case_id).criticality > 0
        row = session.scalar(select(m.CaseDisorder).where(m.CaseDisorder.item_id == items[0]))
    with db.write() as session:
        session.get(m.CaseDisorder, row.id).state = "confirme"
    with pytest.raises(ValidationError):
        disorders.withdraw_disorder(db, manager, case_id, items[0])
    disorders.set_reported_disorders(db, manager, case_id, [items[0]])
    with db.session() as session:
        left = set(session.scalars(select(m.CaseDisorder.item_id).where(m.CaseDisorder.case_id == case_id)))
    assert left == {items[0]}


def test_agent_cannot_touch_a_case_outside_their_sectors(db, manager):
    case_id = new_case(db, manager)
    _, _, qpv, other = place(db)
    outsider = make_user(db, "agent1", "agent", sectors=[other])
    insider = make_user(db, "agent2", "agent", sectors=[qpv])
    with pytest.raises(PermissionDenied):
        notes.add_note(db, outsider, case_id, "Appel du ménage")
    notes.add_note(db, insider, case_id, "Appel du ménage", kind="appel", shareable=True)
    with pytest.raises(NotFound):
        notes.add_note(db, manager, 999, "Rien")


def test_note_is_searchable_and_moves_the_last_activity(db, manager):
    case_id = new_case(db, manager)
    with db.write() as session:
        session.get(m.Case, case_id).last_activity_at = session.get(m.Case, case_id).last_activity_at - timedelta(days=40)
    notes.add_note(db, manager, case_id, "Le propriétaire promet une chaudière neuve")
    with db.session() as session:
        case = session.get(m.Case, case_id)
        assert case_ids(session, CaseQuery(text="chaudiere")) == [case_id]
        assert case.last_activity_at.date() == date.today()


def test_renaming_the_household_updates_the_search_at_once(db, manager):
    case_id = new_case(db, manager, last_name="Wawrzyniak")
    cases.update_household(db, manager, case_id, {"last_name": "Ménard"})
    with db.session() as session:
        assert case_ids(session, CaseQuery(text="menard")) == [case_id]
        assert case_ids(session, CaseQuery(text="wawrzy")) == []


def test_stale_version_is_refused(db, manager):
    case_id = new_case(db, manager)
    with db.session() as session:
        version = session.get(m.Case, case_id).version
    cases.update_case(db, manager, case_id, {"priority": "haute"}, expected_version=version)
    from core.errors import DomainError

    with pytest.raises(DomainError):
        cases.update_case(db, manager, case_id, {"priority": "urgente"}, expected_version=version)
