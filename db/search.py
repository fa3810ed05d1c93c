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

_DOCUMENT_SQL = """
SELECT c.id AS case_id,
       c.reference AS reference,
       h.last_name || ' ' || h.first_name AS household,
       d.street_number || ' ' || d.street || ' ' || d.building || ' ' || d.postcode || ' ' || co.name
           || ' ' || COALESCE(n.name, '') AS address,
       h.phone || ' ' || replace(h.phone, ' ', '') AS phone,
       c.summary || ' ' || COALESCE((SELECT group_concat(j.text, ' ') FROM journal_entries j
                                     WHERE j.case_id = c.id AND j.kind = 'note'), '') AS notes
FROM cases c
JOIN households h ON h.id = c.household_id
JOIN dwellings d ON d.id = c.dwelling_id
JOIN communes co ON co.id = d.commune_id
LEFT JOIN neighbourhoods n ON n.id = d.neighbourhood_id
"""


def fold(value: str) -> str:
    """Lower-case ASCII transliteration (« Lœuillet » → « loeuillet »): what the index and the query compare."""
    if value.isascii():
        return value.lower()
    return anyascii(value).lower()


@lru_cache(maxsize=4096)
def _fold_short(value: str) -> str:
    """Names, streets and communes repeat across cases: fold each once."""
    return fold(value)


_CHUNK = 2000


def reindex_cases(session: Session, case_ids: Iterable[int] | None = None) -> None:
    """(Re)build the search documents of some cases, or of all when ids is None."""
    dialect = session.get_bind().dialect.name
    select_sql = _DOCUMENT_SQL
    if dialect == "postgresql":
        select_sql = select_sql.replace("group_concat(j.text, ' ')", "string_agg(j.text, ' ')")
    if case_ids is None:
        session.execute(text(f"DELETE FROM {SEARCH_TABLE}"))
        _insert_documents(session, session.execute(text(select_sql)))
        return
    ids = list(case_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        placeholders = ", ".join(f":id{i}" for i in range(len(chunk)))
        params = {f"id{i}": v for i, v in enumerate(chunk)}
        session.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid IN ({placeholders})"), params)
        _insert_documents(session, session.execute(text(select_sql + f" WHERE c.id IN ({placeholders})"), params))


def _insert_documents(session: Session, rows) -> None:
    insert = text(f"INSERT INTO {SEARCH_TABLE} (rowid, reference, household, address, phone, notes) "
                  "VALUES (:rowid, :reference, :household, :address, :phone, :notes)")
    while batch := rows.fetchmany(_CHUNK):
        session.execute(insert, [
            {"rowid": case_id, "reference": reference, "household": _fold_short(household or ""),
             "address": _fold_short(address or ""), "phone": phone or "", "notes": fold(notes or "")}
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
