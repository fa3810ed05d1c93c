"""The laptop base at check-in: what it holds now, its snapshot, its audit events; re-based afterwards."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert, select, update

from core.errors import DomainError
from core.laptop import tables as t
from db import models as m
from db.base import now
from db.engine import Database


@dataclass
class LaptopContent:
    origin: dict
    snapshot: dict[str, dict[str, dict]]  # table -> record key -> data as taken out
    rows: dict[str, dict[str, dict]]  # table -> record key -> data now
    tombstones: dict[str, dict[str, tuple[str, object]]]  # table -> uuid -> (who, when)
    events: list[dict]  # audit events made on the laptop, in order
    activity: dict[str, tuple[str, object]]  # case uuid -> (login, when) of the latest laptop event on it
    attachment_bytes: dict[str, bytes] = field(default_factory=dict)  # attachments added on the laptop
    case_uuid_of_id: dict[int, str] = field(default_factory=dict)
    uuid_of: dict[str, dict[int, str]] = field(default_factory=dict)  # table -> laptop id -> uuid
    digest: str = ""


def open_laptop(path, passphrase: str | None) -> Database:
    from db.open import open_database

    path = Path(path).expanduser().absolute()
    if not path.is_file():
        raise DomainError(f"Le fichier « {path} » n'existe pas.", field="portable")
    laptop = open_database(path, create=False, passphrase=passphrase)
    with laptop.session() as session:
        if session.scalar(select(m.LaptopOrigin.id).limit(1)) is None:
            laptop.dispose()
            raise DomainError(f"« {path.name} » n'est pas une base de portable (elle ne vient d'aucun emport).",
                              field="portable")
    return laptop


def _columns(name: str):
    return [c for c in t.table(name).c if c.name != "content"]


def read_laptop(laptop: Database) -> LaptopContent:
    with laptop.engine.connect() as connection, connection.begin():
        origin = dict(connection.execute(select(m.LaptopOrigin.__table__)).one()._mapping)
        snapshot: dict[str, dict[str, dict]] = {name: {} for name in t.CASE_TABLES}
        for name, key, data in connection.execute(select(m.CheckoutSnapshot.table_name, m.CheckoutSnapshot.record_key,
                                                         m.CheckoutSnapshot.data)):
            snapshot[name][key] = json.loads(data)
        ids = t.UuidMap(connection)
        rows = {}
        for name in t.CASE_TABLES:
            raw = [dict(r._mapping) for r in connection.execute(select(*_columns(name)))]
            if t.is_travelling(name):
                ids.remember(name, ((r["id"], r["uuid"]) for r in raw))
            rows[name] = t.portable_rows(name, raw, ids)
        tombstones: dict[str, dict] = {}
        for name, uuid, who, when in connection.execute(select(m.Tombstone.table_name, m.Tombstone.record_uuid,
                                                               m.Tombstone.deleted_by, m.Tombstone.deleted_at)):
            tombstones.setdefault(name, {})[uuid] = (who, when)
        events = [dict(r._mapping) for r in connection.execute(
            select(m.AuditEvent.__table__).where(m.AuditEvent.id > origin["audit_mark"]).order_by(m.AuditEvent.id))]
        new_attachments = [k for k in rows["attachments"] if k not in snapshot["attachments"]]
        table = t.table("attachments")
        attachment_bytes = {}
        for start in range(0, len(new_attachments), 200):
            attachment_bytes.update(connection.execute(select(table.c.uuid, table.c.content).where(
                table.c.uuid.in_(new_attachments[start:start + 200]))).all())
    content = LaptopContent(origin, snapshot, rows, tombstones, events, {}, attachment_bytes,
                            ids.uuid_of.get("cases", {}), ids.uuid_of)
    content.activity = _activity(events, content.case_uuid_of_id)
    content.digest = _digest(content)
    return content


def case_ids_of_event(event: dict) -> list[int]:
    """The case ids an audit event names (its entity, or the « dossiers » of its details)."""
    found = []
    if event["entity"] == "case" and str(event["entity_id"]).isdigit():
        found.append(int(event["entity_id"]))
    try:
        details = json.loads(event["details"] or "{}")
    except ValueError:
        details = {}
    if isinstance(details, dict):
        listed = details.get("dossiers", [])
        found += [i for i in (listed if isinstance(listed, list) else [listed]) if isinstance(i, int)]
    return found


def _activity(events: list[dict], case_uuid_of_id: dict[int, str]) -> dict[str, tuple[str, object]]:
    latest = {}
    for event in events:
        for case_id in case_ids_of_event(event):
            if case_id in case_uuid_of_id:
                latest[case_uuid_of_id[case_id]] = (event["user_login"], event["occurred_at"])
    return latest


def _digest(content: LaptopContent) -> str:
    digest = hashlib.sha256(content.origin["checkout_uuid"].encode())
    digest.update(t.dumps(content.rows).encode())
    digest.update("".join(e["hash"] for e in content.events).encode())
    return digest.hexdigest()


def rebase_laptop(laptop: Database, content: LaptopContent) -> None:
    """After a check-in: what the laptop holds becomes the base of the next one, its events are done with."""
    last_event = content.events[-1]["id"] if content.events else content.origin["audit_mark"]
    snapshot = [{"table_name": name, "record_key": key, "data": t.dumps(data)}
                for name in t.CASE_TABLES for key, data in content.rows[name].items()]
    with laptop.write() as session:
        session.execute(delete(m.CheckoutSnapshot.__table__))
        for start in range(0, len(snapshot), 500):
            session.execute(insert(m.CheckoutSnapshot.__table__), snapshot[start:start + 500])
        session.execute(update(m.LaptopOrigin.__table__).values(audit_mark=last_event, returned_at=now()))
