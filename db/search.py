"""Full-text search over cases: the one place that knows the dialect's machinery.

SQLite uses FTS5 with `remove_diacritics 2` (LIKE folds only ASCII case);
the rowid of the index is the case id. PostgreSQL gets a plain table and a
case- and accent-insensitive match on it.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

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
    """Lower case without accents: what the index compares."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def reindex_cases(session: Session, case_ids: Iterable[int] | None = None) -> None:
    """(Re)build the search documents of some cases, or of all when ids is None."""
    dialect = session.get_bind().dialect.name
    if case_ids is None:
        session.execute(text(f"DELETE FROM {SEARCH_TABLE}"))
        where, params = "", {}
    else:
        ids = list(case_ids)
        if not ids:
            return
        placeholders = ", ".join(f":id{i}" for i in range(len(ids)))
        params = {f"id{i}": v for i, v in enumerate(ids)}
        session.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid IN ({placeholders})"), params)
        where = f" WHERE c.id IN ({placeholders})"
    select_sql = _DOCUMENT_SQL + where
    if dialect == "postgresql":
        select_sql = select_sql.replace("group_concat(j.text, ' ')", "string_agg(j.text, ' ')")
    session.execute(
        text(f"INSERT INTO {SEARCH_TABLE} (rowid, reference, household, address, phone, notes) "
             f"SELECT case_id, reference, household, address, phone, notes FROM ({select_sql}) AS docs"),
        params,
    )


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
    and no document holds them as words."""
    tokens = search_tokens(query)
    if not tokens:
        return (f"SELECT rowid FROM {SEARCH_TABLE} WHERE 1 = 0", {}) if query.strip() else None
    if session.get_bind().dialect.name == "sqlite":
        return f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :fts", {"fts": match_expression(query)}
    document = " || ' ' || ".join(f"lower(unaccent({c}))" for c in ("reference", "household", "address", "phone", "notes"))
    clauses = " AND ".join(f"({document}) LIKE :t{i}" for i in range(len(tokens)))
    return f"SELECT rowid FROM {SEARCH_TABLE} WHERE {clauses}", {f"t{i}": f"%{t}%" for i, t in enumerate(tokens)}
