"""Criticality: the stored column matches the explained score, children raise it, bands hold."""
import pytest
from sqlalchemy import select

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
    assert score(90, 100, 1.2) == 100  # capped
    assert household_factor(0, False) == 1.0 and household_factor(2, False) == 1.1 and household_factor(1, True) == 1.2
    assert [band(v) for v in (9, 10, 30, 31)] == ["faible", "moyenne", "moyenne", "forte"]


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
        assert "enfant de moins de 6 ans" in case_criticality(session, case_id).explanation
    assert raised == score(detail.zones["logement"].raw, sum(maxima.values()), 1.2) > alone
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
