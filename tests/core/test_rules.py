"""Legal checks at their boundaries, with the sentence a user reads."""
from datetime import date

import pytest

from core.rules import (
    A_VENIR, CONFORME, DONNEES_MANQUANTES, NON_CONFORME, assess_case, check_dpe_class, check_energy_consumption,
    check_size_decency, check_suroccupation, required_area,
)
from core.services import cases, disorders
from tests.core.trade_helpers import item_ids, make_user, new_case


@pytest.mark.parametrize("persons, area", [(1, 9), (2, 16), (3, 25), (4, 34), (7, 61), (8, 70), (9, 70), (10, 70),
                                           (20, 70)])
def test_required_area_follows_the_housing_benefit_standard(persons, area):
    assert required_area(persons) == area


@pytest.mark.parametrize("area, persons, verdict", [
    (16, 2, CONFORME), (15.9, 2, NON_CONFORME), (70, 8, CONFORME), (69.9, 8, NON_CONFORME), (70, 10, CONFORME),
    (9, 1, CONFORME), (8.99, 1, NON_CONFORME), (None, 3, DONNEES_MANQUANTES),
])
def test_suroccupation_boundaries(area, persons, verdict):
    assert check_suroccupation(area, persons).verdict == verdict


def test_suroccupation_sentence_states_the_rule_and_the_figures():
    check = check_suroccupation(15.9, 2)
    assert check.message == ("Logement suroccupé : 15,9 m² pour 2 personnes, alors que la norme des aides au "
                             "logement demande au moins 16 m² (manque 0,1 m²).")
    assert "9 m² pour une personne" in check.rule


@pytest.mark.parametrize("room, ceiling, area, verdict", [
    (9, 2.20, 9, CONFORME), (8.99, 2.20, 9.09, NON_CONFORME), (9, 2.19, 9.1, NON_CONFORME),
    (8, 2.5, 8, CONFORME),  # 8 m² × 2,5 m = 20 m³
    (7, 2.5, 7.9, NON_CONFORME), (None, None, 30, DONNEES_MANQUANTES), (None, 2.5, None, DONNEES_MANQUANTES),
    (None, 2.5, 30, CONFORME),
])
def test_size_decency_boundaries(room, ceiling, area, verdict):
    assert check_size_decency(room, ceiling, area).verdict == verdict


def test_size_decency_sentence():
    check = check_size_decency(8, 2.1, 9)
    assert check.verdict == NON_CONFORME
    assert "8 m² sous 2,1 m" in check.message and "18,9 m³" in check.message


@pytest.mark.parametrize("kwh, on, verdict", [
    (449.9, date(2026, 1, 1), CONFORME), (450, date(2026, 1, 1), NON_CONFORME),
    (500, date(2022, 12, 31), A_VENIR), (500, date(2023, 1, 1), NON_CONFORME), (None, date(2026, 1, 1),
                                                                                 DONNEES_MANQUANTES),
])
def test_energy_consumption_threshold(kwh, on, verdict):
    assert check_energy_consumption(kwh, on).verdict == verdict


@pytest.mark.parametrize("letter, on, verdict", [
    ("G", date(2024, 12, 31), A_VENIR), ("G", date(2025, 1, 1), NON_CONFORME),
    ("F", date(2027, 12, 31), A_VENIR), ("F", date(2028, 1, 1), NON_CONFORME),
    ("E", date(2033, 12, 31), A_VENIR), ("E", date(2034, 1, 1), NON_CONFORME),
    ("D", date(2040, 1, 1), CONFORME), ("A", date(2026, 1, 1), CONFORME), (None, date(2026, 1, 1), DONNEES_MANQUANTES),
])
def test_dpe_calendar(letter, on, verdict):
    assert check_dpe_class(letter, on).verdict == verdict


def test_dpe_sentences_give_the_date():
    assert check_dpe_class("G", date(2024, 12, 31)).message == (
        "À venir : classe DPE G, non décente pour les baux signés ou renouvelés à partir du 1er janvier 2025 (1 jours).")
    assert check_dpe_class("G", date(2025, 1, 1)).message == (
        "Non décent pour un nouveau bail : classe DPE G, non décente depuis le 1er janvier 2025.")


def test_assessment_of_a_case_gathers_checks_criticality_and_procedures(db):
    actor = make_user(db)
    case_id = new_case(db, actor, children=1, area=9, dpe_class="G", energy_kwh_m2_year=480,
                       main_room_area_m2=8, ceiling_height_m=2.1)
    cases.update_household(db, actor, case_id, {"adults": 1, "children": 1})
    disorders.report_disorders(db, actor, case_id, item_ids(db, "logement", 3))
    with db.session() as session:
        assessment = assess_case(session, case_id, on=date(2026, 6, 1))
    verdicts = {c.code: c.verdict for c in assessment.checks}
    assert verdicts == {"suroccupation": NON_CONFORME, "decence_surface": NON_CONFORME,
                        "decence_energie_consommation": NON_CONFORME, "decence_energie_dpe": NON_CONFORME}
    assert assessment.criticality.factor == 1.1
    assert "non_decence_energetique" in assessment.suggested_procedures
    assert assessment.criticality.overall > 0
