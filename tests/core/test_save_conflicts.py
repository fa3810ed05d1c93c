"""A save made from an older version is refused in French, naming who saved meanwhile, when and what."""
from __future__ import annotations

import pytest

from core.errors import ConflictError
from core.services.cases import update_case, update_household
from db import models as m
from tests.core.trade_helpers import make_user, new_case


def test_a_stale_save_names_the_colleague_the_time_and_the_fields(db):
    sabrina = make_user(db, login="sabrina", role="manager")
    thomas = make_user(db, login="thomas", role="manager")
    case_id = new_case(db, sabrina)
    with db.session() as session:
        case = session.get(m.Case, case_id)
        loaded_case, loaded_household = case.version, case.household.version
    update_case(db, thomas, case_id, {"summary": "Visite faite", "priority": "haute"}, expected_version=loaded_case)
    with pytest.raises(ConflictError) as refused:
        update_case(db, sabrina, case_id, {"summary": "Autre résumé"}, expected_version=loaded_case)
    message = refused.value.message
    assert "Utilisatrice thomas" in message and "résumé" in message and "priorité" in message
    assert " le " in message and " à " in message and "Rechargez" in message
    with db.session() as session:
        assert session.get(m.Case, case_id).summary == "Visite faite"  # the refused save wrote nothing
    update_household(db, thomas, case_id, {"phone": "03 20 99 88 77"}, expected_version=loaded_household)
    with pytest.raises(ConflictError, match="le ménage a été modifié"):
        update_household(db, sabrina, case_id, {"adults": 3}, expected_version=loaded_household)


def test_the_summary_form_saves_in_one_transaction_or_not_at_all(db):
    from core.errors import ValidationError
    from core.services.cases import save_summary

    agent = make_user(db, login="sabrina", role="manager")
    case_id = new_case(db, agent)
    with db.session() as session:
        case = session.get(m.Case, case_id)
        versions = {"case": case.version, "household": case.household.version, "dwelling": case.dwelling.version}
        street = case.dwelling.street
    with pytest.raises(ValidationError) as refused:
        save_summary(db, agent, case_id, household={"adults": 3, "email": "pas-un-courriel"},
                     dwelling={"street": "rue Neuve", "living_area_m2": -4}, case={"summary": "Nouveau"},
                     versions=versions)
    assert {e.field for e in refused.value.errors} >= {"email", "living_area_m2"}  # both parts reported
    with db.session() as session:
        case = session.get(m.Case, case_id)
        assert case.dwelling.street == street and case.summary != "Nouveau"  # nothing half-saved
    changes = save_summary(db, agent, case_id, household={"adults": 3}, dwelling={"street": "rue Neuve"},
                           case={"summary": "Nouveau"}, versions=versions)
    assert set(changes.fields) >= {"adults", "street", "summary"}
    with pytest.raises(ConflictError):  # the same form saved again from the versions it loaded
        save_summary(db, agent, case_id, household={"adults": 4}, versions=versions)
