"""Criticality: the stored column matches the explained score, children raise it, bands hold."""
import pytest
from sqlalchemy import select

from core.queries.case_file import case_file_header
from core.scoring import band, case_criticality, grid_maxima, household_factor, recompute_criticality, score
from core.services import cases, disorders
from db import models as m
from tests.core.trade_helpers import item_ids, make_user, new_case


def test_demo_scores_are_stored_and_match_the_explanation(demo_db):
    with demo_db.session() as session:
        stored = dict(session.execute(select(m.Case.id, m.Case.criticality)).all())
        assert any(stored.values())
        for case_id in list(stored)[:60]:
            assert case_criticality(session, case_id).overall == stored[case_id]
    with demo_db.write() as session:
        assert recompute_criticality(session) == 0  # already up to date


def test_score_formula_and_bands():
    assert score(0, 100, 1.2) == 0
    assert score(50, 100, 1.0) == 50
    assert score(50, 100, 1.1) == 55
    assert score(95, 100, 1.1) == 100  # capped
    # The national platform's single multiplier: ×1.1 with children, whatever their age.
    assert household_factor(0, False) == 1.0 and household_factor(2, False) == 1.1 and household_factor(1, True) == 1.1
    assert [band(v) for v in (9, 10, 30, 31)] == ["faible", "moyenne", "moyenne", "forte"]
    assert band(4, flagged=True) == "forte"


def test_children_raise_and_unconfirmed_disorders_lower_the_score(db):
    actor = make_user(db)
    case_id = new_case(db, actor)
    items = item_ids(db, "logement", 5)
    disorders.report_disorders(db, actor, case_id, items)
    with db.session() as session:
        alone = session.get(m.Case, case_id).criticality
        detail = case_criticality(session, case_id)
        maxima = grid_maxima(session)
    assert detail.zones["logement"].raw > 0 and detail.zones["batiment"].raw == 0
    assert alone == score(detail.zones["logement"].raw, sum(maxima.values()), 1.0)
    cases.update_household(db, actor, case_id, {"children": 2, "has_child_under_6": True})
    with db.session() as session:
        raised = session.get(m.Case, case_id).criticality
        assert "2 enfants vivent dans le logement" in case_criticality(session, case_id).explanation
        assert session.get(m.Case, case_id).priority == "haute"  # a child under 6 raises the priority
    assert raised == score(detail.zones["logement"].raw, sum(maxima.values()), 1.1) > alone
    with db.write() as session:
        for row in session.scalars(select(m.CaseDisorder)):
            row.state = "non_confirme"
        recompute_criticality(session, [case_id])
    with db.session() as session:
        assert session.get(m.Case, case_id).criticality == 0


@pytest.mark.parametrize("zone", ["batiment", "logement"])
def test_suggested_procedures_come_from_the_grid(db, zone):
    actor = make_user(db)
    case_id = new_case(db, actor)
    disorders.report_disorders(db, actor, case_id, item_ids(db, zone, 2))
    with db.session() as session:
        detail = case_criticality(session, case_id)
        expected = {p.code for i in item_ids(db, zone, 2) for p in session.get(m.DisorderItem, i).procedures}
    assert {p.code for p in detail.procedures} == expected


def _danger_items(database, names):
    with database.session() as session:
        rows = session.execute(select(m.DisorderItem.id, m.DisorderItem.label, m.DisorderItem.is_danger)).all()
    return [i for i, label, danger in rows if any(n in label.lower() for n in names)]


def test_danger_gives_at_least_forte_and_a_high_priority(db):
    """Issue 19: dangerous electricity, no heating, no WC scored 12/100 « moyenne », priority Normale."""
    actor = make_user(db)
    case_id = new_case(db, actor)
    with db.session() as session:
        danger = session.scalars(select(m.DisorderItem.id).where(m.DisorderItem.is_danger)).first()
    disorders.report_disorders(db, actor, case_id, [danger])
    with db.session() as session:
        detail = case_criticality(session, case_id)
        case = session.get(m.Case, case_id)
        assert detail.overall < 31 and detail.band == "forte" and "danger" in detail.flags
        assert "classée forte à cause du danger signalé ; la note seule la classerait " in detail.explanation
        assert "((" not in detail.explanation and "))" not in detail.explanation
        assert case.priority == "haute"
        notes = [e.text for e in session.scalars(select(m.JournalEntry).where(m.JournalEntry.case_id == case_id))]
        assert "Priorité relevée à « Haute » : danger signalé." in notes
    from core.case_list import CaseQuery, case_ids

    with db.session() as session:
        assert case_id in case_ids(session, CaseQuery(criticality_bands=("forte",)))
        assert case_id not in case_ids(session, CaseQuery(criticality_bands=("faible", "moyenne")))
    # the case file's header says the same as the list and the synthesis (it said « faible (moins de 10) »)
    assert case_file_header(db, actor, case_id).criticality_band == "Forte (danger signalé)"


def test_severe_overcrowding_gives_forte_and_high_priority(db):
    """Issue 19: 5 people in 23.5 m² scored 4/100; the housing-benefit minimum for 5 is 43 m²."""
    actor = make_user(db)
    case_id = new_case(db, actor, area=23.5)
    cases.update_household(db, actor, case_id, {"adults": 2, "children": 3})
    with db.session() as session:
        detail = case_criticality(session, case_id)
        assert detail.overcrowded and detail.band == "forte" and detail.overall == 0
        assert session.get(m.Case, case_id).priority == "haute"
    assert case_file_header(db, actor, case_id).criticality_band == "Forte (suroccupation)"
    roomy = new_case(db, actor, last_name="Martin", area=80.0)
    with db.session() as session:
        assert case_criticality(session, roomy).band == "faible"
        assert session.get(m.Case, roomy).priority == "normale"
    assert case_file_header(db, actor, roomy).criticality_band == "Faible (moins de 10)"


def test_a_priority_set_higher_by_hand_is_never_lowered(db):
    actor = make_user(db)
    case_id = new_case(db, actor, area=23.5)
    cases.update_case(db, actor, case_id, {"priority": "urgente"})
    cases.update_household(db, actor, case_id, {"adults": 2, "children": 3})
    with db.session() as session:
        assert session.get(m.Case, case_id).priority == "urgente"
