"""Schema objects the ORM models do not describe: full-text index and audit triggers.

They are created by migrations; autogenerate must ignore them (see env.py).
"""
from __future__ import annotations

SEARCH_TABLE = "case_search"
SEARCH_COLUMNS = ("reference", "household", "address", "phone", "notes")

_SQLITE_SEARCH = f"""
CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(
    {", ".join(SEARCH_COLUMNS)},
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
)
"""
# rowid of the FTS table is the case id.

_POSTGRES_SEARCH = f"""
CREATE TABLE {SEARCH_TABLE} (
    rowid INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    {", ".join(f"{c} TEXT NOT NULL DEFAULT ''" for c in SEARCH_COLUMNS)}
)
"""

# Deleting audit events is refused unless they are older than the retention
# period (setting audit_retention_months, never below 6 months).
_RETENTION_CUTOFF_SQLITE = (
    "datetime('now', 'localtime', '-' || max(6, COALESCE((SELECT CAST(value AS INTEGER) FROM settings "
    "WHERE key = 'audit_retention_months'), 12)) || ' months')"
)

_SQLITE_AUDIT = [
    """
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, 'Le journal d''audit ne peut pas être modifié.'); END
    """,
    f"""
    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    WHEN OLD.occurred_at > {_RETENTION_CUTOFF_SQLITE}
    BEGIN SELECT RAISE(ABORT, 'Le journal d''audit ne peut pas être effacé avant la fin de sa durée de conservation.'); END
    """,
]

_POSTGRES_AUDIT = [
    """
    CREATE FUNCTION audit_events_guard() RETURNS trigger AS $$
    DECLARE months integer;
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'Le journal d''audit ne peut pas être modifié.';
        END IF;
        SELECT GREATEST(6, COALESCE(CAST(value AS integer), 12)) INTO months FROM settings
            WHERE key = 'audit_retention_months';
        IF months IS NULL THEN months := 12; END IF;
        IF OLD.occurred_at > now() - make_interval(months => months) THEN
            RAISE EXCEPTION 'Le journal d''audit ne peut pas être effacé avant la fin de sa durée de conservation.';
        END IF;
        RETURN OLD;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_events_guard BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_guard()
    """,
]


def recreate_sqlite_search(execute) -> None:
    """Drop and create the FTS5 index: far faster than deleting every row before a full rebuild."""
    execute(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
    execute(_SQLITE_SEARCH)


def is_managed_outside_models(table_name: str) -> bool:
    return table_name == SEARCH_TABLE or table_name.startswith(SEARCH_TABLE + "_")


def create_extras(execute, dialect: str) -> None:
    if dialect == "sqlite":
        statements = [_SQLITE_SEARCH, *_SQLITE_AUDIT]
    else:
        # Documents are folded in Python (db.search.fold); unaccent stays for bases created before that.
        statements = ["CREATE EXTENSION IF NOT EXISTS unaccent", _POSTGRES_SEARCH, *_POSTGRES_AUDIT]
    for statement in statements:
        execute(statement)


def drop_extras(execute, dialect: str) -> None:
    if dialect == "sqlite":
        statements = [
            "DROP TRIGGER IF EXISTS audit_events_no_update",
            "DROP TRIGGER IF EXISTS audit_events_no_delete",
            f"DROP TABLE IF EXISTS {SEARCH_TABLE}",
        ]
    else:
        statements = [
            "DROP TRIGGER IF EXISTS audit_events_guard ON audit_events",
            "DROP FUNCTION IF EXISTS audit_events_guard()",
            f"DROP TABLE IF EXISTS {SEARCH_TABLE}",
        ]
    for statement in statements:
        execute(statement)
