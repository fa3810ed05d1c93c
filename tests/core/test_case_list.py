"""The case list: search ignoring accents, filters, sorting on every column, pages of ids."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from core.case_list import COLUMNS, CaseQuery, case_ids, case_page, case_rows
from db import models as m
from db.search import fold
from tests.conftest import DEMO_TODAY
from tests.core.trade_helpers import shared_demo  # noqa: F401


def _sql_ids(session, sql, **params):
    return set(session.execute(text(sql), params).scalars())


def test_search_ignores_accents_and_case_and_matches_prefixes(shared_demo):
    with shared_demo.session() as session:
        household = session.scalar(select(m.Household).where(m.Household.last_name.like("%è%")).limit(1))
        case_id = session.scalar(select(m.Case.id).where(m.Case.household_id == household.id))
        folded = fold(household.last_name)
        for typed in (household.last_name, folded, folded.upper(), folded[:3]):
            assert case_id in case_ids(session, CaseQuery(text=typed)), typed
        reference = session.get(m.Case, case_id).reference
        assert case_ids(session, CaseQuery(text=reference)) == [case_id]
        assert case_ids(session, CaseQuery(text="zzzzqqq")) == []


def test_search_finds_helene_with_accents_by_typing_without(db):
    from tests.core.trade_helpers import make_user, new_case

    actor = make_user(db)
    case_id = new_case(db, actor, last_name="Lefèvre", first_name="Hélène")
    new_case(db, actor, last_name="Martin", first_name="Paul")
    with db.session() as session:
        for typed in ("helene", "HÉLÈNE", "hél", "lefevre helene", "03 20 11", "0320112233", "pierre leg"):
            assert case_id in case_ids(session, CaseQuery(text=typed)), typed
        assert case_ids(session, CaseQuery(text="helene martin")) == []


@pytest.mark.parametrize("query, sql", [
    (CaseQuery(statuses=("en_attente",)), "SELECT id FROM cases WHERE status = 'en_attente'"),
    (CaseQuery(priorities=("urgente", "haute")), "SELECT id FROM cases WHERE priority IN ('urgente', 'haute')"),
    (CaseQuery(kinds=("relogement",)), "SELECT case_id FROM case_kinds WHERE kind_code = 'relogement'"),
    (CaseQuery(qpv=True), "SELECT c.id FROM cases c JOIN dwellings d ON d.id = c.dwelling_id "
                          "JOIN neighbourhoods n ON n.id = d.neighbourhood_id WHERE n.is_qpv"),
    (CaseQuery(qpv=False), "SELECT c.id FROM cases c JOIN dwellings d ON d.id = c.dwelling_id "
                           "LEFT JOIN neighbourhoods n ON n.id = d.neighbourhood_id WHERE NOT COALESCE(n.is_qpv, 0)"),
    (CaseQuery(commune_id=1), "SELECT c.id FROM cases c JOIN dwellings d ON d.id = c.dwelling_id WHERE d.commune_id = 1"),
    (CaseQuery(neighbourhood_ids=(1, 2)), "SELECT c.id FROM cases c JOIN dwellings d ON d.id = c.dwelling_id "
                                          "WHERE d.neighbourhood_id IN (1, 2)"),
    (CaseQuery(agent_id=4), "SELECT id FROM cases WHERE agent_id = 4"),
    (CaseQuery(unassigned=True), "SELECT id FROM cases WHERE agent_id IS NULL"),
    (CaseQuery(objective_ids=(3,)), "SELECT case_id FROM case_objectives WHERE objective_id = 3"),
    (CaseQuery(criticality_bands=("moyenne",)), "SELECT id FROM cases WHERE criticality BETWEEN 10 AND 30 "
                                                 "AND id NOT IN (SELECT cd.case_id FROM case_disorders cd JOIN "
                                                 "disorder_items i ON i.id = cd.item_id WHERE i.is_danger AND "
                                                 "cd.state <> 'non_confirme') AND id NOT IN (SELECT c.id FROM cases c "
                                                 "JOIN households h ON h.id = c.household_id JOIN dwellings d ON "
                                                 "d.id = c.dwelling_id WHERE d.living_area_m2 < CASE WHEN "
                                                 "h.adults + h.children <= 1 THEN 9 WHEN h.adults + h.children >= 8 "
                                                 "THEN 70 ELSE 16 + 9 * (h.adults + h.children - 2) END)"),
    (CaseQuery(opened_from=date(2026, 1, 1), opened_to=date(2026, 6, 30)),
     "SELECT id FROM cases WHERE opened_on BETWEEN '2026-01-01' AND '2026-06-30'"),
    (CaseQuery(overdue_only=True, today=DEMO_TODAY),
     "SELECT case_id FROM tasks WHERE done_on IS NULL AND due_on < '2026-11-25' "
     "UNION SELECT case_id FROM referrals WHERE status IN ('nouvelle', 'en_cours') AND expected_answer_on < '2026-11-25' "
     "UNION SELECT vc.case_id FROM visit_cases vc JOIN visits v ON v.id = vc.visit_id "
     "WHERE v.status = 'conclusion_a_renseigner' OR (v.status = 'planifiee' AND v.scheduled_at < '2026-11-25')"),
])
def test_filters_match_direct_sql(shared_demo, query, sql):
    with shared_demo.session() as session:
        expected = _sql_ids(session, sql)
        assert expected, "the demo should exercise this filter"
        assert set(case_ids(session, query)) == expected


def test_filters_combine_with_search(shared_demo):
    with shared_demo.session() as session:
        everything = case_ids(session, CaseQuery(text="rue"))
        closed = set(case_ids(session, CaseQuery(statuses=("clos",))))
        assert set(case_ids(session, CaseQuery(text="rue", statuses=("clos",)))) == set(everything) & closed


@pytest.mark.parametrize("column", [key for key, _ in COLUMNS] + ["opened_on", "criticality", "commune"])
def test_every_listed_column_sorts_both_ways(shared_demo, column):
    with shared_demo.session() as session:
        ascending = case_ids(session, CaseQuery(sort=column, descending=False))
        descending = case_ids(session, CaseQuery(sort=column, descending=True))
        assert len(ascending) == 200 and set(ascending) == set(descending)
        if column in ("household", "address", "neighbourhood", "kinds", "commune"):
            return  # collation of accents differs between SQL and Python; the order is the database's
        rows = case_rows(session, ascending)
        values = [getattr(rows[i], column if column != "last_activity" else "last_activity") for i in ascending]
        if column == "priority":
            rank = {"basse": 0, "normale": 1, "haute": 2, "urgente": 3}
            values = [rank[v] for v in values]
        if column == "agent":
            values = [v or "" for v in values]
            assert [v for v in values if v] == sorted(v for v in values if v)
            return
        assert values == sorted(values)


def test_pages_of_ids(shared_demo):
    with shared_demo.session() as session:
        full = case_ids(session, CaseQuery(sort="reference", descending=False))
        first = case_page(session, CaseQuery(sort="reference", descending=False), 0, 50)
        third = case_page(session, CaseQuery(sort="reference", descending=False), 100, 50)
        assert first.ids == full[:50] and third.ids == full[100:150]
        assert first.total == third.total == 200
        small = case_page(session, CaseQuery(statuses=("nouveau",)), 0, 500)
        assert small.total == len(small.ids) == len(case_ids(session, CaseQuery(statuses=("nouveau",))))


def test_activity_period_filter(shared_demo):
    with shared_demo.session() as session:
        start = DEMO_TODAY - timedelta(days=30)
        ids = set(case_ids(session, CaseQuery(activity_from=start, activity_to=DEMO_TODAY)))
        expected = _sql_ids(session, "SELECT id FROM cases WHERE date(last_activity_at) BETWEEN :a AND :b",
                            a=start.isoformat(), b=DEMO_TODAY.isoformat())
        assert ids == expected


def test_overdue_among_a_page_equals_the_whole_set_restricted_to_it(demo_db):
    """The first page's markers come from `among`; they must match the full computation."""
    from core.case_list import overdue_condition

    with demo_db.session() as session:
        late = set(session.scalars(select(m.Case.id).where(overdue_condition(DEMO_TODAY))))
        every = list(session.scalars(select(m.Case.id).order_by(m.Case.id)))
        assert 0 < len(late) < len(every)
        for start in range(0, len(every), 37):
            page = every[start:start + 37]
            among = set(session.scalars(select(m.Case.id).where(overdue_condition(DEMO_TODAY, page))))
            assert among == late & set(page)


@pytest.mark.parametrize("sort", [key for key, _title in COLUMNS])
@pytest.mark.parametrize("descending", [False, True])
def test_a_page_of_open_cases_is_the_start_of_the_full_list_in_every_order(shared_demo, sort, descending):
    """The first page is planned differently from the full id list (a hint for SQLite): same cases, same order."""
    query = CaseQuery(statuses=("nouveau", "en_cours", "en_attente"), sort=sort, descending=descending)
    with shared_demo.session() as session:
        every = case_ids(session, query)
        assert 50 < len(every) < 200
        for offset in (0, 50):
            assert case_page(session, query, offset=offset, limit=50).ids == every[offset:offset + 50]


@pytest.mark.parametrize("sort, index", [("household", "ix_households_sort_name"), ("address", "ix_dwellings_sort_street")])
@pytest.mark.parametrize("descending", [False, True])
def test_sorting_by_name_or_address_reads_an_index_in_order(shared_demo, sort, index, descending):
    """No sort of every case for the first page (55 ms at 100,000 cases, 1 ms through the index), and the
    order is the one the names give, ties kept together by household or dwelling."""
    from core.case_list import _id_statement

    with shared_demo.session() as session:
        statement = _id_statement(session, CaseQuery(sort=sort, descending=descending), page=True).limit(50)
        sql = str(statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(row[3] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        assert f"USING INDEX {index}" in plan and "TEMP B-TREE" not in plan
        ids = case_page(session, CaseQuery(sort=sort, descending=descending), 0, 50).ids
        table, columns = (("households", "lower(t.last_name), coalesce(lower(t.first_name), '')") if sort == "household"
                          else ("dwellings", "lower(t.street), ''"))
        link = "household_id" if sort == "household" else "dwelling_id"
        keys = session.execute(text(f"SELECT {columns}, t.id, c.id FROM cases c JOIN {table} t ON t.id = c.{link} "
                                    f"WHERE c.id IN ({','.join(map(str, ids))})")).all()
        order = {case_id: (name, first, owner, case_id) for name, first, owner, case_id in keys}
        assert [order[i] for i in ids] == sorted(order.values(), reverse=descending)


def test_households_of_one_surname_are_listed_by_first_name(db):
    """« AMRANI Cécile » before « AMRANI Théo », whichever household was entered first."""
    from tests.core.trade_helpers import make_user, new_case

    actor = make_user(db)
    for first_name in ("Théo", "cécile", "Bruno"):
        new_case(db, actor, last_name="Amrani", first_name=first_name)
    with db.session() as session:
        for descending in (False, True):
            ids = case_ids(session, CaseQuery(sort="household", descending=descending))
            rows = case_rows(session, ids)
            names = [rows[i].household for i in ids]
            expected = ["AMRANI Bruno", "AMRANI cécile", "AMRANI Théo"]
            assert names == (expected[::-1] if descending else expected)


@pytest.mark.parametrize("sort, index", [("last_activity", "ix_cases_last_activity_at"), ("opened_on", "ix_cases_opened_on"),
                                         ("reference", "sqlite_autoindex_cases")])
@pytest.mark.parametrize("descending", [False, True])
def test_a_search_sorted_by_an_indexed_column_walks_that_index_for_its_first_page(shared_demo, sort, index,
                                                                                     descending):
    """A word most cases hold (« rue ») finds tens of thousands at 100,000 cases: the first page keeps the
    matching cases while reading the sort's index in order, rather than sorting every match (60-85 ms);
    the cases and their order are those of the full list."""
    from core.case_list import _id_statement

    query = CaseQuery(text="rue", sort=sort, descending=descending)
    with shared_demo.session() as session:
        statement = _id_statement(session, query, page=True).limit(50)
        sql = str(statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(row[3] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        assert f"INDEX {index}" in plan and "TEMP B-TREE" not in plan, plan
        every = case_ids(session, query)
        assert len(every) > 50
        assert case_page(session, query, 0, 50).ids == every[:50]
        rare = CaseQuery(text=session.scalar(select(m.Case.reference).order_by(m.Case.id).limit(1)), sort=sort,
                         descending=descending)
        assert case_page(session, rare, 0, 50).ids == case_ids(session, rare) and len(case_ids(session, rare)) >= 1
