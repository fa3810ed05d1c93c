"""Which tables travel with a case, how a row is named in every base, and how its values are written as JSON.

A record is named by its uuid (travelling tables) or, for link rows without one, by its key columns;
references to other case records are written as those records' uuids, so a row reads the same in the
office base and in the laptop base whatever ids each gave it. Reference data (communes, grids, partners,
accounts…) keeps its office ids on the laptop and is not merged back.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, LargeBinary, Table, select
from sqlalchemy.engine import Connection

from core.audit_key import KEY_SETTING
from db.backup import BACKUP_DIR_SETTING
from db.base import Base

# Travelling tables of a case, in an order where a row's references come before it.
CASE_TABLES = (
    "households", "dwellings", "cases", "visits", "case_kinds", "case_objectives", "case_disorders",
    "case_external_records", "visit_cases", "visit_agents", "visit_procedures", "common_area_findings",
    "referrals", "relocations", "proposals", "journal_entries", "attachments", "tasks",
)
# Link rows without a uuid: named by these columns (all of them for a finding, which has no other name).
KEYS = {
    "case_kinds": ("case_id", "kind_code"),
    "case_objectives": ("case_id", "objective_id"),
    "case_external_records": ("case_id",),
    "visit_cases": ("visit_id", "case_id"),
    "visit_agents": ("visit_id", "user_id"),
    "visit_procedures": ("visit_id", "case_id", "procedure_code"),
    "common_area_findings": ("visit_id", "item_id", "location", "description", "severity"),
}
# Never compared: identity, bookkeeping, and what the application derives again after a merge.
NOT_MERGED = {"id", "uuid", "version", "created_at", "updated_at", "content"}
DERIVED = {"cases": {"last_activity_at", "criticality"}}
# Not copied to a laptop: the trail (the laptop keeps its own), per-seat state, the office's laptop records.
NOT_COPIED = {
    "audit_events", "drafts", "saved_filters", "login_throttles", "reference_counters", "checkouts",
    "checkout_cases", "checkins", "merge_conflicts", "tombstones", "laptop_origin", "checkout_snapshots",
    "commissions", "commission_items",
}
# This seat's own: the laptop seals its trail with its own key and keeps its backups in its own folder.
LOCAL_SETTINGS = {KEY_SETTING, BACKUP_DIR_SETTING}


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def reference_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_COPIED and t.name not in CASE_TABLES]


def is_travelling(name: str) -> bool:
    return "uuid" in table(name).c


def travelling_references(name: str) -> dict[str, str]:
    """Columns of `name` pointing to another travelling case table: column -> referenced table."""
    found = {}
    for column in table(name).c:
        for foreign_key in column.foreign_keys:
            target = foreign_key.column.table.name
            if target in CASE_TABLES and is_travelling(target):
                found[column.name] = target
    return found


def merged_fields(name: str) -> list[str]:
    key = set(KEYS.get(name, ()))
    skipped = NOT_MERGED | DERIVED.get(name, set()) | key
    return [c.name for c in table(name).c if c.name not in skipped]


def encode(value: Any) -> Any:
    """A column value as JSON data (dates as ISO text)."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def decode(name: str, column: str, value: Any) -> Any:
    """Back from JSON data to what the column takes."""
    if value is None:
        return None
    kind = table(name).c[column].type
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, Float):
        return float(value)
    if isinstance(kind, Integer) and not isinstance(value, bool):
        return int(value)
    return value


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class UuidMap:
    """Ids <-> uuids of the travelling case records of one base, read on demand (in chunks)."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.uuid_of: dict[str, dict[int, str]] = {}
        self.id_of: dict[str, dict[str, int]] = {}

    def remember(self, name: str, rows) -> None:
        for ident, uuid in rows:
            self.uuid_of.setdefault(name, {})[ident] = uuid
            self.id_of.setdefault(name, {})[uuid] = ident

    def load_ids(self, name: str, ids: Iterable[int]) -> None:
        self._load(name, "id", ids, self.uuid_of.setdefault(name, {}))

    def load_uuids(self, name: str, uuids: Iterable[str]) -> None:
        self._load(name, "uuid", uuids, self.id_of.setdefault(name, {}))

    def _load(self, name: str, column: str, keys: Iterable, known: dict) -> None:
        """Read the id and uuid of the rows whose `column` is among `keys` and not yet known (500 at a time)."""
        wanted = sorted({k for k in keys if k is not None and k not in known})
        t = table(name)
        for start in range(0, len(wanted), 500):
            self.remember(name, self.connection.execute(
                select(t.c.id, t.c.uuid).where(t.c[column].in_(wanted[start:start + 500]))))

def portable_rows(name: str, rows: list[dict], ids: UuidMap) -> dict[str, dict]:
    """Rows of one base as {record key: {column: JSON value}} with references to case records as uuids."""
    references = travelling_references(name)
    for column, target in references.items():
        ids.load_ids(target, (row[column] for row in rows))
    result = {}
    for row in rows:
        data = {}
        for column, value in row.items():
            if column in ("id", "content"):
                continue
            if column in references and value is not None:
                value = ids.uuid_of[references[column]].get(value)
            data[column] = encode(value)
        result[record_key(name, data)] = data
    return result


def record_key(name: str, data: dict) -> str:
    if name in KEYS:
        return dumps([data[c] for c in KEYS[name]])
    return data["uuid"]


def local_values(name: str, data: dict, ids: UuidMap, columns: Iterable[str] | None = None) -> dict:
    """JSON values back to a row of the base `ids` reads (uuids -> its ids); KeyError if a referenced record
    is absent there."""
    references = travelling_references(name)
    values = {}
    for column in columns if columns is not None else data:
        value = data[column]
        if column in references and value is not None:
            target = references[column]
            ids.load_uuids(target, [value])
            value = ids.id_of[target][value]
        values[column] = decode(name, column, value)
    return values


def has_binary(name: str) -> bool:
    return any(isinstance(c.type, LargeBinary) for c in table(name).c)
