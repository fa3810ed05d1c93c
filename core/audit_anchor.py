"""Anchors of the audit trail: the newest event's id and seal, kept in a file outside the base.

Deleting the newest events leaves an intact chain; the anchor still names the
last one. An anchor is written after every backup, at every clean close of the
application and, while it runs, every ANCHOR_EVERY events (after the commit
that made them durable), so the unanchored tail is short. The anchor is itself
sealed with the audit key: rewriting its JSON without the key is detected.
"""
from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from core.audit_key import KEY_SETTING, load_key, seal
from db.base import now
from db.models import AuditEvent, Setting

log = logging.getLogger(__name__)
ANCHOR_EVERY = 20
_PENDING = "audit_anchor_pending"


@dataclass
class AuditAnchor:
    event_id: int
    hash: str
    written_at: str
    key_id: str = ""
    seal: str = ""

    def payload(self) -> str:
        return f"ancre|{self.event_id}|{self.hash}|{self.written_at}|{self.key_id}"

    def sealed(self) -> "AuditAnchor":
        key = load_key(self.key_id)
        self.seal = seal(key, self.payload()) if key is not None else ""
        return self

    def seal_is_valid(self) -> bool | None:
        """True/False when the key is here to say; None when this workstation lacks the key (or no seal)."""
        key = load_key(self.key_id)
        if key is None or not self.seal:
            return None
        return seal(key, self.payload()) == self.seal


def _stem(database_path: Path | str | None) -> str:
    """The anchor's name: the base file's stem, or a server's name (host, port and database)."""
    if isinstance(database_path, str):
        return database_path
    return database_path.stem if database_path else "base"


def _server_name(url) -> str:
    """A seat may work on several servers: each gets its own anchor in the seat's data folder."""
    parts = [url.host or "local", str(url.port or ""), url.database or ""]
    return "serveur-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", "-".join(p for p in parts if p))[:80]


def _identity(database) -> Path | str | None:
    path = getattr(database, "path", None)
    if path is None and getattr(database, "url", None) is not None and not database.is_sqlite:
        return _server_name(database.url)
    return path


def anchor_path(folder: Path, database) -> Path:
    return Path(folder) / f"ancre-audit-{_stem(_identity(database))}.json"


def _session_target(session: Session) -> tuple[Path, Path | None]:
    """The anchor folder and base path from a write session (same rule as db.backup.backup_dir_for)."""
    from db.backup import BACKUP_DIR_SETTING, default_backup_dir

    url = session.get_bind().url
    if url.get_backend_name() == "sqlite":
        path = Path(url.database) if url.database not in (None, "", ":memory:") else None
    else:
        path = _server_name(url)
    configured = session.get(Setting, BACKUP_DIR_SETTING)
    if configured is not None and configured.value.strip():
        return Path(configured.value.strip()).expanduser(), path
    return default_backup_dir(path), path


def _write(folder: Path, database_path: Path | None, anchor: AuditAnchor) -> Path:
    anchor.sealed()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"ancre-audit-{_stem(database_path)}.json"
    partial = path.with_name(f"{path.name}.{os.getpid()}.partiel")  # seats of a shared base write at once
    partial.write_text(json.dumps({"evenement": anchor.event_id, "empreinte": anchor.hash,
                                   "ecrite_le": anchor.written_at, "cle": anchor.key_id, "sceau": anchor.seal}),
                       encoding="utf-8")
    os.replace(partial, path)
    return path


def _still_holds(session: Session, anchor: AuditAnchor) -> bool:
    """The anchored event is there unchanged, or older than every event left (purged)."""
    event_hash = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == anchor.event_id))
    if event_hash is None:
        oldest = session.scalar(select(func.min(AuditEvent.id)))
        return oldest is not None and anchor.event_id < oldest
    return event_hash == anchor.hash


def _may_replace(session: Session, folder: Path, database_path: Path | None) -> bool:
    """A broken anchor is evidence: it is not overwritten (only a restore, which moves the trail back, may)."""
    previous = _read(folder / f"ancre-audit-{_stem(database_path)}.json")
    if previous is None or _still_holds(session, previous):
        return True
    log.warning("Ancre du journal d'audit conservée : l'événement n° %s a disparu ou changé", previous.event_id)
    return False


def write_anchor(database, folder: Path | None = None, force: bool = False) -> Path | None:
    """Anchor the newest event now (after a backup, at close); None when the trail is empty or the
    current anchor no longer holds (kept as evidence unless `force`, after a restore)."""
    from db.backup import backup_dir_for

    folder = Path(folder) if folder is not None else backup_dir_for(database)
    with database.session() as session:
        last = session.execute(select(AuditEvent.id, AuditEvent.hash, AuditEvent.key_id)
                               .order_by(AuditEvent.id.desc()).limit(1)).first()
        current_key = session.get(Setting, KEY_SETTING)
        if last is None or not (force or _may_replace(session, folder, _identity(database))):
            return None
    key_id = last[2] or (current_key.value if current_key is not None else "")
    anchor = AuditAnchor(last[0], last[1], now().isoformat(timespec="seconds"), key_id)
    return _write(folder, _identity(database), anchor)


def anchor_at_close(database) -> None:
    """A clean close anchors the trail's tail; a failure to write it is logged, never raised."""
    try:
        write_anchor(database)
    except Exception as error:  # noqa: BLE001 - closing must go on
        log.warning("Ancre du journal d'audit non écrite à la fermeture : %s", error)


def read_anchor(folder: Path, database) -> AuditAnchor | None:
    return _read(anchor_path(folder, database))


def _read(path: Path) -> AuditAnchor | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return AuditAnchor(int(data["evenement"]), str(data["empreinte"]), str(data.get("ecrite_le", "")),
                           str(data.get("cle", "")), str(data.get("sceau", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def schedule_anchor(session: Session, event_id: int, event_hash: str, key_id: str) -> None:
    """Anchor this event once its transaction commits (an anchor to an event rolled back would be a false alarm)."""
    folder, path = _session_target(session)
    if not _may_replace(session, folder, path):
        return
    session.info[_PENDING] = (folder, path, AuditAnchor(event_id, event_hash, now().isoformat(timespec="seconds"),
                                                        key_id))


@event.listens_for(Session, "after_commit")
def _write_pending_anchor(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    try:
        _write(*pending)
    except OSError as error:
        log.warning("Ancre du journal d'audit non écrite : %s", error)


@event.listens_for(Session, "after_rollback")
def _drop_pending_anchor(session: Session) -> None:
    session.info.pop(_PENDING, None)
