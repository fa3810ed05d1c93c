"""The reads of the table pages and of the dashboard, as an agent of the demo base (most cases outside her
scope) and as a manager: the ids, counts and figures the name scan of test_query_scope cannot see."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.access import agent_can_reach_case
from core.auth import actor_for
from core.errors import PermissionDenied
from core.pdf.bilan_data import INDICATORS, Scope, case_ids_behind, counts
from core.queries.agenda import agenda_visits, visit_conclusion_form, visit_line
from core.queries.commissions import commission_agenda, commission_candidates, commission_list
from core.queries.dashboard import OWN_CASES, dashboard_cases, dashboard_figures
from core.queries.relocation import OPEN, SNE_DUE, relocation_board, relocation_needs, relocation_proposals
from core.queries.tasks import task_queue
from core.rules.relocation import SNE_RENEWAL_WARNING_DAYS
from db import models as m
from tests.conftest import DEMO_TODAY

START = date(2025, 1, 1)


@pytest.fixture
def people(demo_db):
    with demo_db.session() as session:
        agent = actor_for(session.scalars(select(m.User).where(m.User.login == "sabrina")).one())
        manager = actor_for(session.scalars(select(m.User).where(m.User.role == "manager")).first())
        reachable = {case_id for case_id in session.scalars(select(m.Case.id))
                     if agent_can_reach_case(session, agent, case_id)}
    return agent, manager, reachable


def test_relocation_board_shows_an_agent_only_her_households(demo_db, people):
    agent, manager, reachable = people
    everyone = relocation_board(demo_db, manager, OPEN, DEMO_TODAY)
    hers = relocation_board(demo_db, agent, OPEN, DEMO_TODAY)
    assert hers and len(hers) < len(everyone)
    assert hers == tuple(line for line in everyone if line.case_id in reachable)


def test_sne_renewals_use_the_one_window_of_the_rules(demo_db, people):
    _agent, manager, _reachable = people
    due = relocation_board(demo_db, manager, SNE_DUE, DEMO_TODAY)
    assert due and all(line.renewal_due and (line.renewal - DEMO_TODAY).days <= SNE_RENEWAL_WARNING_DAYS
                       for line in due)
    under_way = relocation_board(demo_db, manager, OPEN, DEMO_TODAY)
    assert {line.relocation_id for line in under_way if line.renewal_due} == {line.relocation_id for line in due}


def test_a_household_outside_her_scope_is_refused_to_an_agent(demo_db, people):
    agent, manager, reachable = people
    outside = next(line for line in relocation_board(demo_db, manager, OPEN, DEMO_TODAY)
                   if line.case_id not in reachable)
    for read in (relocation_proposals, relocation_needs):
        with pytest.raises(PermissionDenied) as refused:
            read(demo_db, agent, outside.relocation_id)
        assert "ni dans vos secteurs" in refused.value.message
        read(demo_db, manager, outside.relocation_id)


def test_the_whole_team_queue_of_an_agent_stays_in_her_scope(demo_db, people):
    agent, manager, reachable = people
    everyone = task_queue(demo_db, manager, DEMO_TODAY, 3650, whole_team=True)
    team = task_queue(demo_db, agent, DEMO_TODAY, 3650, whole_team=True)
    with demo_db.session() as session:
        own = set(session.scalars(select(m.Task.id).where(m.Task.assignee_id == agent.user_id)))
    assert team and len(team) < len(everyone)
    assert team == tuple(t for t in everyone if t.case_id in reachable or (t.case_id is None and t.task_id in own))
    mine = task_queue(demo_db, agent, DEMO_TODAY, 3650)
    assert mine and {t.task_id for t in mine} <= own and set(mine) <= set(team)


def test_the_agenda_shows_an_agent_only_visits_of_her_cases_and_refuses_the_others(demo_db, people):
    agent, manager, reachable = people
    everyone = agenda_visits(demo_db, manager, DEMO_TODAY, "planifiee") + agenda_visits(
        demo_db, manager, DEMO_TODAY, "conclusion_a_renseigner")
    hers = agenda_visits(demo_db, agent, DEMO_TODAY, "planifiee") + agenda_visits(
        demo_db, agent, DEMO_TODAY, "conclusion_a_renseigner")
    assert hers and len(hers) < len(everyone)
    assert all(case.case_id in reachable for visit in hers for case in visit.cases)
    assert {v.visit_id for v in hers} == {v.visit_id for v in everyone
                                          if not v.cases or any(c.case_id in reachable for c in v.cases)}
    outside = next(v for v in everyone if v.cases and not any(c.case_id in reachable for c in v.cases))
    for read in (visit_line, visit_conclusion_form):
        with pytest.raises(PermissionDenied):
            read(demo_db, agent, outside.visit_id)
    assert visit_conclusion_form(demo_db, manager, outside.visit_id).cases


def test_commissions_show_an_agent_only_her_cases_and_count_only_those(demo_db, people):
    agent, manager, reachable = people
    for line, seen in zip(commission_list(demo_db, manager), commission_list(demo_db, agent)):
        full = commission_agenda(demo_db, manager, line.commission_id)
        hers = commission_agenda(demo_db, agent, line.commission_id)
        assert line.items == len(full.items) and seen.items == len(hers.items)
        assert hers.items == tuple(item for item in full.items if item.case_id in reachable)
    assert sum(line.items for line in commission_list(demo_db, agent)) < sum(
        line.items for line in commission_list(demo_db, manager))
    suggested = commission_candidates(demo_db, agent, "relogement", limit=500)
    assert suggested and set(suggested) <= reachable
    assert len(suggested) < len(commission_candidates(demo_db, manager, "relogement", limit=500))


def _scope_of(ids) -> str:
    return "SELECT id FROM cases WHERE id IN (" + ", ".join(str(i) for i in sorted(ids)) + ")"


def test_an_agents_dashboard_totals_are_those_of_her_cases(demo_db, people):
    agent, manager, reachable = people
    figures = dashboard_figures(demo_db, agent, START, DEMO_TODAY)
    with demo_db.session() as session:
        hers = Scope(START, DEMO_TODAY, cases_sql=_scope_of(reachable))
        expected_totals = counts(session, hers, "all")[0]
        expected_by_objective = counts(session, hers, "objective")
        active = session.scalar(select(func.count()).select_from(m.Case).where(
            m.Case.id.in_(reachable), m.Case.opened_on <= DEMO_TODAY,
            (m.Case.closed_on.is_(None)) | (m.Case.closed_on >= START)))
        all_totals = counts(session, Scope(START, DEMO_TODAY), "all")[0]
    assert figures.totals == expected_totals and figures.totals["suivis"] == active > 0
    assert figures.by_objective == expected_by_objective
    assert sum(f["suivis"] for f in figures.by_neighbourhood.values()) == active
    assert figures.totals["suivis"] < all_totals["suivis"]
    assert figures.label == OWN_CASES
    assert dashboard_figures(demo_db, manager, START, DEMO_TODAY).totals == all_totals


@pytest.mark.parametrize("indicator", [i.key for i in INDICATORS])
def test_the_dashboard_drill_down_lists_only_her_cases(demo_db, people, indicator):
    agent, manager, reachable = people
    figures = dashboard_figures(demo_db, agent, START, DEMO_TODAY)
    objective_id = figures.objectives[0][0]
    ids = dashboard_cases(demo_db, agent, START, DEMO_TODAY, None, indicator, "objective", objective_id)
    with demo_db.session() as session:
        everyone = case_ids_behind(session, Scope(START, DEMO_TODAY), indicator, "objective", objective_id)
    assert set(ids) == set(everyone) & reachable
    if indicator in ("suivis", "ouverts", "clos"):  # one case per count
        assert len(ids) == figures.by_objective.get(objective_id, {}).get(indicator, 0)
    assert list(dashboard_cases(demo_db, manager, START, DEMO_TODAY, None, indicator, "objective",
                                objective_id)) == everyone
