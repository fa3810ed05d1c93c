"""Full-text search over cases: the one place that knows the dialect's machinery.

SQLite uses FTS5 (LIKE folds only ASCII case); the rowid of the index is the
case id. PostgreSQL gets a plain table and a LIKE match on it.

The index stores its documents folded by `fold` (transliterated to lower-case
ASCII by anyascii) and the query is folded the same way, on both dialects:
French users type « oe » for « œ » and « ae » for « æ », which Unicode
decomposition does not split, so « loeuillet » finds « Lœuillet ».
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from anyascii import anyascii
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.schema_extras import SEARCH_TABLE

# {f} is the folding function: mh_fold on SQLite (registered on each connection by db.engine),
# nothing on PostgreSQL, where Python folds the rows it reads.
_DOCUMENT_SQL = """
SELECT c.id AS case_id,
       c.reference AS reference,
       {f}(h.last_name || ' ' || h.first_name) AS household,
       {f}(d.street_number || ' ' || d.street || ' ' || d.building || ' ' || d.postcode || ' ' || co.name
           || ' ' || COALESCE(n.name, '')) AS address,
       h.phone || ' ' || replace(h.phone, ' ', '') AS phone,
       {f}(c.summary) || ' ' || COALESCE((SELECT {concat} FROM journal_entries j
                                         WHERE j.case_id = c.id AND j.kind = 'note'), '') AS notes
FROM cases c
JOIN households h ON h.id = c.household_id
JOIN dwellings d ON d.id = c.dwelling_id
JOIN communes co ON co.id = d.commune_id
LEFT JOIN neighbourhoods n ON n.id = d.neighbourhood_id
"""


class _Transliteration(dict):
    """str.translate table filled on demand: anyascii's answer for each character met, computed once."""

    def __missing__(self, codepoint: int) -> str:
        self[codepoint] = anyascii(chr(codepoint))
        return self[codepoint]


_TABLE = _Transliteration()


def fold(value: str) -> str:
    """Lower-case ASCII transliteration (« Lœuillet » → « loeuillet »): what the index and the query compare."""
    if value.isascii():
        return value.lower()
    return value.translate(_TABLE).lower()


@lru_cache(maxsize=50_000)
def fold_sql(value: str | None) -> str | None:
    """fold() for SQLite's mh_fold: names, streets and notes repeat across cases, so each is folded once."""
    return None if value is None else fold(value)


_CHUNK = 2000
_COLUMNS = "rowid, reference, household, address, phone, notes"


def reindex_cases(session: Session, case_ids: Iterable[int] | None = None) -> None:
    """(Re)build the search documents of some cases, or of all when ids is None."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    select_sql = _DOCUMENT_SQL.format(f="mh_fold" if sqlite else "",
                                      concat="group_concat(mh_fold(j.text), ' ')" if sqlite
                                      else "string_agg(j.text, ' ')")
    if case_ids is None:
        if sqlite:  # emptying a large FTS5 table row by row is slow: make it anew
            from db.schema_extras import recreate_sqlite_search

            recreate_sqlite_search(lambda sql: session.execute(text(sql)))
        else:
            session.execute(text(f"DELETE FROM {SEARCH_TABLE}"))
        _insert_documents(session, select_sql, {}, sqlite)
        return
    ids = list(case_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        placeholders = ", ".join(f":id{i}" for i in range(len(chunk)))
        params = {f"id{i}": v for i, v in enumerate(chunk)}
        session.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid IN ({placeholders})"), params)
        _insert_documents(session, select_sql + f" WHERE c.id IN ({placeholders})", params, sqlite)


def _insert_documents(session: Session, select_sql: str, params: dict, sqlite: bool) -> None:
    if sqlite:  # folded by mh_fold inside SQLite: one statement
        session.execute(text(f"INSERT INTO {SEARCH_TABLE} ({_COLUMNS}) SELECT case_id, reference, household, "
                             f"address, phone, notes FROM ({select_sql}) AS docs"), params)
        return
    rows = session.execute(text(select_sql), params)
    insert = text(f"INSERT INTO {SEARCH_TABLE} ({_COLUMNS}) "
                  "VALUES (:rowid, :reference, :household, :address, :phone, :notes)")
    while batch := rows.fetchmany(_CHUNK):
        session.execute(insert, [
            {"rowid": case_id, "reference": reference, "household": fold(household or ""),
             "address": fold(address or ""), "phone": phone or "", "notes": fold(notes or "")}
            for case_id, reference, household, address, phone, notes in batch])


# Letters and digits only: "_" and "%" are LIKE wildcards on PostgreSQL and must never reach a pattern.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# A search is a few words: a pasted page of text would cost seconds of matching for nothing.
MAX_QUERY_CHARACTERS = 200
MAX_QUERY_WORDS = 8


def search_tokens(query: str) -> list[str]:
    """The words searched for: folded, letters and digits only, at most MAX_QUERY_WORDS distinct words
    taken from the first MAX_QUERY_CHARACTERS characters."""
    tokens = _TOKEN.findall(fold(query[:MAX_QUERY_CHARACTERS]))
    return list(dict.fromkeys(tokens))[:MAX_QUERY_WORDS]


def match_expression(query: str) -> str | None:
    """FTS5 expression for what the user typed: every word, each as a prefix."""
    tokens = search_tokens(query)
    if not tokens:
        return None
    return " AND ".join(f'"{token}"*' for token in tokens)


def search_sql(session: Session, query: str) -> tuple[str, dict] | None:
    """A SQL fragment selecting the matching case ids, for use in `id IN (...)`; None when nothing was typed.

    Typed signs with no letter or digit (« _ », « % », « - ») find nothing: they are searched literally,
    and no document holds them as words. The documents are stored folded (see fold), so PostgreSQL
    compares them as they are."""
    tokens = search_tokens(query)
    if not tokens:
        return (f"SELECT rowid FROM {SEARCH_TABLE} WHERE 1 = 0", {}) if query.strip() else None
    if session.get_bind().dialect.name == "sqlite":
        return f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :fts", {"fts": match_expression(query)}
    document = " || ' ' || ".join(("lower(reference)", "household", "address", "phone", "notes"))
    clauses = " AND ".join(f"({document}) LIKE :t{i}" for i in range(len(tokens)))
    return f"SELECT rowid FROM {SEARCH_TABLE} WHERE {clauses}", {f"t{i}": f"%{t}%" for i, t in enumerate(tokens)}
