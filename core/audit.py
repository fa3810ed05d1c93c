"""Audit trail: append-only, hash-chained events of who did what and when.

Each event's hash covers its content and the previous event's hash, so a
changed or removed row breaks the chain from that point on.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.actor import Actor
from db.base import now
from db.models import AuditEvent, Setting


def event_digest(prev_hash: str, occurred_at, user_id, user_login, action, entity, entity_id, details) -> str:
    payload = json.dumps(
        [prev_hash, occurred_at.isoformat(sep=" ") if occurred_at else "", user_id, user_login, action,
         entity, str(entity_id), details],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record_event(session: Session, actor: Actor, action: str, entity: str = "", entity_id=None,
                 details: dict | str | None = None) -> AuditEvent:
    """Append one event to the trail, chained to the last one, in the caller's transaction."""
    if isinstance(details, dict):
        details = json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
    details = details or ""
    if session.get_bind().dialect.name == "postgresql":
        # Two writers must not chain to the same previous event (SQLite's BEGIN IMMEDIATE already serialises).
        session.execute(text("SELECT pg_advisory_xact_lock(770007)"))
    prev_hash = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or ""
    occurred_at = now()
    entity_id = "" if entity_id is None else str(entity_id)
    event = AuditEvent(
        occurred_at=occurred_at, user_id=actor.user_id, user_login=actor.login, action=action, entity=entity,
        entity_id=entity_id, details=details, prev_hash=prev_hash,
        hash=event_digest(prev_hash, occurred_at, actor.user_id, actor.login, action, entity, entity_id, details),
    )
    session.add(event)
    session.flush()
    return event


AUDIT_RETENTION_KEY = "audit_retention_months"
DEFAULT_AUDIT_MONTHS = 12
MIN_AUDIT_MONTHS = 6
REQUIRED_TRIGGERS = ("audit_events_no_update", "audit_events_no_delete")


def int_setting(session: Session, key: str, default: int) -> int:
    value = session.get(Setting, key)
    try:
        return int(value.value) if value is not None else default
    except ValueError:
        return default


def write_setting(session: Session, key: str, value) -> None:
    session.merge(Setting(key=key, value=str(value)))


def retention_months(session: Session) -> int:
    return max(MIN_AUDIT_MONTHS, int_setting(session, AUDIT_RETENTION_KEY, DEFAULT_AUDIT_MONTHS))


def log_event(database, actor: Actor, action: str, entity: str = "", entity_id=None, details=None,
              permission: str | None = None, case_id: int | None = None) -> None:
    """Record a reading event (case opened, print, PDF, export) in its own transaction.

    With a permission, the actor is checked first (scoped to case_id), so a refused
    reading is neither done nor logged as done.
    """
    from core.access import authorize

    with database.write() as session:
        if permission:
            authorize(session, actor, permission, case_id)
        record_event(session, actor, action, entity, entity_id, details)


def record_case_opened(database, actor: Actor, case_id: int) -> None:
    """Every opening of a case file is audited (and refused outside the agent's scope)."""
    log_event(database, actor, "dossier.consultation", "case", case_id, permission="case.read", case_id=case_id)


@dataclass
class ChainProblem:
    event_id: int | None
    occurred_at: object
    action: str
    reason: str

    def describe(self) -> str:
        if self.event_id is None:
            return self.reason
        when = self.occurred_at.strftime("%d/%m/%Y %H:%M:%S") if self.occurred_at else "?"
        return f"Événement n° {self.event_id} ({when}, « {self.action} ») : {self.reason}"


def verify_chain(session: Session) -> tuple[int, list[ChainProblem]]:
    """Recompute every hash; return (events checked, problems found in order)."""
    problems: list[ChainProblem] = []
    if session.get_bind().dialect.name == "sqlite":
        present = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")))
        for trigger in REQUIRED_TRIGGERS:
            if trigger not in present:
                problems.append(ChainProblem(None, None, "", f"La protection « {trigger} » du journal a été supprimée."))
    previous_hash = None
    count = 0
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=2000)).scalars()
    for event in rows:
        count += 1
        expected = event_digest(event.prev_hash, event.occurred_at, event.user_id, event.user_login, event.action,
                                event.entity, event.entity_id, event.details)
        if previous_hash is not None and event.prev_hash != previous_hash:
            problems.append(ChainProblem(event.id, event.occurred_at, event.action,
                                         "la chaîne est rompue juste avant (événement supprimé, inséré ou modifié)"))
        if expected != event.hash:
            problems.append(ChainProblem(event.id, event.occurred_at, event.action,
                                         "son contenu a été modifié après son enregistrement"))
        previous_hash = event.hash
    return count, problems


@dataclass
class AuditAnchor:
    """The newest event when a backup was made, kept in a file beside the backups (outside the base):
    deleting the newest events leaves an intact chain, but not this event."""
    event_id: int
    hash: str
    written_at: str


def anchor_path(folder: Path, database) -> Path:
    name = database.path.stem if getattr(database, "path", None) else "base"
    return folder / f"ancre-audit-{name}.json"


def write_anchor(database, folder: Path) -> Path | None:
    with database.session() as session:
        last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    if last is None:
        return None
    path = anchor_path(folder, database)
    partial = path.with_name(path.name + ".partiel")
    partial.write_text(json.dumps({"evenement": last[0], "empreinte": last[1],
                                   "ecrite_le": now().isoformat(timespec="seconds")}), encoding="utf-8")
    os.replace(partial, path)
    return path


def read_anchor(folder: Path, database) -> AuditAnchor | None:
    try:
        data = json.loads(anchor_path(folder, database).read_text(encoding="utf-8"))
        return AuditAnchor(int(data["evenement"]), str(data["empreinte"]), str(data.get("ecrite_le", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def check_anchor(session: Session, anchor: AuditAnchor) -> ChainProblem | None:
    """None when the anchored event is still there, unchanged (or gone with the retention purge)."""
    try:
        when = datetime.fromisoformat(anchor.written_at).strftime("%d/%m/%Y à %H:%M")
    except ValueError:
        when = "?"
    event = session.get(AuditEvent, anchor.event_id)
    if event is None:
        oldest = session.scalar(select(func.min(AuditEvent.id)))
        if oldest is not None and anchor.event_id < oldest:
            return None  # purged after the retention period, like every older event
        return ChainProblem(None, None, "", f"L'événement n° {anchor.event_id}, le plus récent lors de la sauvegarde "
                                            f"du {when}, a disparu : des événements récents ont été supprimés.")
    if event.hash != anchor.hash:
        return ChainProblem(event.id, event.occurred_at, event.action,
                            f"il diffère de celui relevé lors de la sauvegarde du {when}")
    return None


@dataclass
class TrailCheck:
    count: int
    problems: list[ChainProblem]
    anchor: AuditAnchor | None

    def anchor_text(self) -> str:
        if self.anchor is None:
            return ("Aucune ancre de sauvegarde : la suppression des tout derniers événements ne serait pas "
                    "détectée (faites une sauvegarde).")
        return f"Dernier événement relevé à la sauvegarde (ancre, n° {self.anchor.event_id}) : présent et inchangé."


def verify_trail(database) -> TrailCheck:
    """The whole check of `audit verify` and of the audit window: the hash chain, then the backups' anchor."""
    from core.backups import backup_folder

    anchor = read_anchor(backup_folder(database), database)
    with database.session() as session:
        count, problems = verify_chain(session)
        anchor_problem = check_anchor(session, anchor) if anchor is not None else None
    return TrailCheck(count, problems + ([anchor_problem] if anchor_problem else []), anchor)


def purge_expired(database, actor: Actor) -> int:
    """Delete the events older than the retention period; the purge itself is audited (start-up, command line)."""
    from core.access import authorize

    with database.write() as session:
        authorize(session, actor, "retention.manage")
        removed = delete_expired_events(session)
        if removed:
            record_event(session, actor, "journal.purge", "audit", None,
                         {"supprimes": removed, "mois": retention_months(session)})
    return removed


def delete_expired_events(session: Session) -> int:
    """Delete, in the caller's transaction, the events older than the retention period; how many went."""
    months = retention_months(session)
    if session.get_bind().dialect.name == "sqlite":
        cutoff = "datetime('now', 'localtime', :interval)"
        params = {"interval": f"-{months} months"}
    else:
        cutoff = "now() - make_interval(months => :months)"
        params = {"months": months}
    return session.execute(text(f"DELETE FROM audit_events WHERE occurred_at <= {cutoff}"), params).rowcount or 0


@dataclass(frozen=True)
class EventFilter:
    since: datetime | None = None
    until: datetime | None = None
    login: str = ""
    action: str = ""
    entity: str = ""
    entity_id: str = ""
    limit: int = 2000
