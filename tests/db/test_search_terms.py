"""What a user types in a search is taken literally on both engines, and a pasted page is cut to a few words."""
from __future__ import annotations

import pytest

from core.actor import SYSTEM
from core.case_list import CaseQuery, case_ids
from db.open import open_database
from db.search import MAX_QUERY_WORDS, search_tokens
from tests.core.trade_helpers import make_user, new_case


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    url = str(tmp_path / "recherche.sqlite3") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    database = open_database(url)
    actor = make_user(database)
    new_case(database, actor, last_name="Lefèvre", first_name="Hélène")
    new_case(database, actor, last_name="Martin", first_name="Paul")
    yield database
    database.dispose()


def _found(database, typed: str) -> list[int]:
    with database.session() as session:
        return case_ids(session, CaseQuery(text=typed, statuses=()), SYSTEM)


@pytest.mark.parametrize("typed", ["_", "%", "__", "%%", "_%_", " % _ "])
def test_wildcard_characters_alone_find_nothing(database, typed):
    assert _found(database, typed) == []  # on PostgreSQL « _ » used to match every case


def test_an_empty_search_still_lists_everything_and_words_are_found_without_accents(database):
    assert len(_found(database, "   ")) == 2
    assert len(_found(database, "LEFEVRE helene")) == 1
    assert len(_found(database, "lef%vre")) <= 1  # « % » separates words, it never matches « everything »


def test_a_pasted_page_is_cut_to_a_few_words(database):
    page = " ".join(["lefevre"] + [f"mot{i}" for i in range(3000)])
    assert len(search_tokens(page)) == MAX_QUERY_WORDS
    assert _found(database, page) == []  # runs on the first words only, which the base does not hold
    assert len(_found(database, "lefevre " + "lefevre " * 2000)) == 1  # repeated words count once
