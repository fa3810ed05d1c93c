"""Indicators, cross-checked against direct SQL counts on the demo data."""
from datetime import date
from statistics import median

import pytest
from sqlalchemy import text

from core.indicators import compute_indicators
from tests.core.trade_helpers import shared_demo  # noqa: F401

START, END = date(2025, 11, 26), date(2026, 11, 25)
P = {"a": START.isoformat(), "b": END.isoformat()}


def _one(session, sql, **params):
    return session.execute(text(sql), {**P, **params}).scalar()


def _all(session, sql, **params):
    return session.execute(text(sql), {**P, **params}).all()


@pytest.fixture(scope="module")
def year(shared_demo):
    with shared_demo.session() as session:
        return compute_indicators(session, START, END, "objective")


def test_totals_match_direct_sql(shared_demo, year):
    total = year.total
    with shared_demo.session() as session:
        assert total.opened == _one(session, "SELECT count(*) FROM cases WHERE opened_on BETWEEN :a AND :b") > 0
        assert total.closed == _one(session, "SELECT count(*) FROM cases WHERE closed_on BETWEEN :a AND :b") > 0
        assert total.visits_done == _one(session, "SELECT count(*) FROM visits WHERE status = 'realisee' "
                                                  "AND date(done_at) BETWEEN :a AND :b") > 0
        themes = dict(_all(session, "SELECT i.theme, count(*) FROM case_disorders cd JOIN disorder_items i "
                                    "ON i.id = cd.item_id JOIN visits v ON v.id = cd.visit_id WHERE cd.state = "
                                    "'confirme' AND v.status = 'realisee' AND date(v.done_at) BETWEEN :a AND :b "
                                    "GROUP BY i.theme"))
        assert total.confirmed_by_theme == themes and total.disorders_confirmed == sum(themes.values()) > 0
        procedures = dict(_all(session, "SELECT vp.procedure_code, count(*) FROM visit_procedures vp JOIN visits v "
                                        "ON v.id = vp.visit_id WHERE v.status = 'realisee' AND date(v.done_at) "
                                        "BETWEEN :a AND :b GROUP BY 1"))
        assert total.procedures == procedures
        due, on_time = session.execute(text(
            "SELECT count(*), sum(answered_on IS NOT NULL AND answered_on <= expected_answer_on) FROM referrals "
            "WHERE expected_answer_on BETWEEN :a AND :b"), P).one()
        assert (total.referrals_due, total.referrals_on_time) == (due, on_time)
        rehoused = _all(session, "SELECT id, new_in_qpv, julianday(rehoused_on) - julianday(sne_filed_on) "
                                 "FROM relocations WHERE status = 'reloge' AND rehoused_on BETWEEN :a AND :b")
        assert total.rehoused == len(rehoused) > 0
        assert total.rehoused_outside_qpv == sum(1 for r in rehoused if r[1] == 0)
        proposals = _one(session, "SELECT count(*) FROM proposals WHERE relocation_id IN (SELECT id FROM relocations "
                                  "WHERE status = 'reloge' AND rehoused_on BETWEEN :a AND :b)")
        assert total.proposals_per_rehousing == pytest.approx(proposals / len(rehoused))
        assert total.median_days_demand_to_rehousing == median(r[2] for r in rehoused if r[2] is not None)
        closure = [r[0] for r in _all(session, "SELECT julianday(closed_on) - julianday(opened_on) FROM cases "
                                               "WHERE closed_on BETWEEN :a AND :b")]
        assert total.median_days_to_closure == median(closure)
        first = [r[0] for r in _all(session, "SELECT min(julianday(date(v.done_at))) - julianday(c.opened_on) "
                                             "FROM cases c JOIN visit_cases vc ON vc.case_id = c.id JOIN visits v "
                                             "ON v.id = vc.visit_id WHERE v.status = 'realisee' AND c.opened_on "
                                             "BETWEEN :a AND :b AND date(v.done_at) >= c.opened_on GROUP BY c.id")]
        assert total.median_days_to_first_visit == median(first)
        criticality = _one(session, "SELECT avg(criticality) FROM cases WHERE opened_on <= :b AND "
                                    "(closed_on IS NULL OR closed_on >= :a)")
        assert total.average_criticality == pytest.approx(criticality)


def test_per_objective_matches_direct_sql(shared_demo, year):
    with shared_demo.session() as session:
        opened = dict(_all(session, "SELECT co.objective_id, count(*) FROM cases c JOIN case_objectives co "
                                    "ON co.case_id = c.id WHERE c.opened_on BETWEEN :a AND :b GROUP BY 1"))
        visits = dict(_all(session, "SELECT co.objective_id, count(DISTINCT v.id) FROM visits v JOIN visit_cases vc "
                                    "ON vc.visit_id = v.id JOIN case_objectives co ON co.case_id = vc.case_id "
                                    "WHERE v.status = 'realisee' AND date(v.done_at) BETWEEN :a AND :b GROUP BY 1"))
        labels = dict(_all(session, "SELECT id, code FROM objectives"))
    by_key = {row.key: row for row in year.groups}
    assert {k: r.opened for k, r in by_key.items() if r.opened} == opened
    assert {k: r.visits_done for k, r in by_key.items() if r.visits_done} == visits
    assert all(by_key[k].label.startswith(code) for k, code in labels.items())


@pytest.mark.parametrize("by, column", [("neighbourhood", "d.neighbourhood_id"), ("commune", "d.commune_id")])
def test_per_place_adds_up(shared_demo, by, column):
    with shared_demo.session() as session:
        result = compute_indicators(session, START, END, by)
        closed = dict(_all(session, f"SELECT {column}, count(*) FROM cases c JOIN dwellings d ON d.id = c.dwelling_id "
                                    "WHERE c.closed_on BETWEEN :a AND :b GROUP BY 1"))
    assert {r.key: r.closed for r in result.groups if r.closed} == closed
    assert sum(r.opened for r in result.groups) == result.total.opened
    assert sum(r.rehoused for r in result.groups) == result.total.rehoused


def test_empty_period_gives_zeros_and_no_medians(shared_demo):
    with shared_demo.session() as session:
        result = compute_indicators(session, date(2001, 1, 1), date(2001, 12, 31))
        grouped = compute_indicators(session, date(2001, 1, 1), date(2001, 12, 31), "commune")
    assert grouped.total.opened == 0 and all(r.opened == 0 for r in grouped.groups)
    assert result.total.opened == 0 and result.total.median_days_to_closure is None
    assert result.total.share_referrals_on_time is None and result.total.proposals_per_rehousing is None
