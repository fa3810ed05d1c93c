"""The case list's reads count and mark only what the agent may see (counts and ids escape the name scan of
the scope matrix, tests/core/test_query_scope.py)."""
from __future__ import annotations

from sqlalchemy import select

from core.access import agent_can_reach_case
from core.auth import actor_for
from core.case_list import CaseQuery
from core.queries.case_list import (case_list_count, case_list_first_page, case_list_ids, case_list_rows,
                                    case_picker_lines, duplicate_candidates)
from db import models as m


def actors(database):
    with database.session() as session:
        agent = actor_for(session.scalars(select(m.User).where(m.User.role == "agent").order_by(m.User.id)).first())
        manager = actor_for(session.scalars(select(m.User).where(m.User.role == "manager")).first())
        every = list(session.scalars(select(m.Case.id)))
        inside = {i for i in every if agent_can_reach_case(session, agent, i)}
    return agent, manager, every, inside


def test_an_agent_counts_and_marks_only_her_cases(demo_db):
    agent, manager, every, inside = actors(demo_db)
    everything = CaseQuery(statuses=())
    assert case_list_count(demo_db, agent) == len(inside) < len(every) == case_list_count(demo_db, manager)
    first = case_list_first_page(demo_db, agent, everything, limit=500)
    assert first.total == len(inside) and set(first.ids) == inside and set(first.rows) == inside
    whole = case_list_ids(demo_db, agent, everything)
    assert set(whole.ids) == inside and whole.overdue <= inside
    assert case_list_ids(demo_db, manager, everything).overdue - inside  # late cases exist outside her scope
    assert set(case_list_rows(demo_db, agent, every)) == inside
    assert {line.id for line in case_picker_lines(demo_db, agent, "", (), tuple(every), 500)} == inside


def test_duplicates_are_found_for_a_manager_among_all_cases(demo_db):
    _agent, manager, _every, _inside = actors(demo_db)
    with demo_db.session() as session:
        last, first, number, street, postcode = session.execute(
            select(m.Household.last_name, m.Household.first_name, m.Dwelling.street_number, m.Dwelling.street,
                   m.Dwelling.postcode).join(m.Case, m.Case.household_id == m.Household.id)
            .join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id).order_by(m.Case.id)).first()
    assert duplicate_candidates(demo_db, manager, last, first, number, street, postcode)


def test_a_short_list_reads_only_its_own_late_cases_and_says_so(demo_db, monkeypatch):
    from core.queries import case_list as queries

    _agent, manager, every, _inside = actors(demo_db)
    monkeypatch.setattr(queries, "OVERDUE_AMONG_AT_MOST", 100)
    everything = case_list_ids(demo_db, manager, CaseQuery(statuses=()))
    assert everything.overdue_everywhere and len(everything.ids) == len(every)
    with demo_db.session() as session:
        reference = session.scalar(select(m.Case.reference).where(m.Case.id.in_(everything.overdue)).limit(1))
    short = case_list_ids(demo_db, manager, CaseQuery(text=reference, statuses=()))
    assert not short.overdue_everywhere and short.overdue == everything.overdue & set(short.ids) != frozenset()
