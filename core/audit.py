"""Audit trail: append-only, sealed and chained events of who did what and when.

Each event's seal is an HMAC (key kept outside the base, core.audit_key) over
its who/when/what, a keyed digest of its details and the previous event's
seal, so a changed, removed or inserted row breaks the chain from that point
on, and someone without the key cannot recompute it. Sealing the details'
digest rather than the details lets anonymisation replace the personal text of
an event (core.audit_redaction) while who/when/what stay provable.

A purge of expired events writes an event carrying the seal of the last purged
event: a verify starting at the oldest remaining event proves nothing older was
cut without a purge. Anchors (core.audit_anchor) catch the newest events' removal.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.access import authorize
from core.actor import SYSTEM, Actor
from core.audit_anchor import (  # noqa: F401 - re-exported: the trail's public face
    ANCHOR_EVERY,
    AuditAnchor,
    anchor_at_close,
    anchor_path,
    read_anchor,
    schedule_anchor,
    write_anchor,
)
from core.audit_key import KEY_SETTING, load_key, seal, sealing_key
from core.formatting import fr_count
from core.validation import CONTROL_CHARACTERS
from db.base import now
from db.models import AuditEvent, Setting

PURGE_ACTION = "journal.purge"
KEY_ACTION = "journal.cle"
REDACTION_ACTION = "journal.caviardage"
REDACTED = "(anonymisé)"


def legacy_digest(prev_hash: str, occurred_at, user_id, user_login, action, entity, entity_id, details) -> str:
    """The unkeyed SHA-256 of events written before the trail had a key (still verified, never written)."""
    payload = json.dumps(
        [prev_hash, occurred_at.isoformat(sep=" ") if occurred_at else "", user_id, user_login, action,
         entity, str(entity_id), details],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def details_seal(key: bytes, details: str) -> str:
    return seal(key, "details|" + (details or ""))


def event_seal(key: bytes, prev_hash: str, occurred_at, user_id, user_login, action, entity, entity_id,
               details_digest: str, key_id: str) -> str:
    payload = json.dumps(
        ["evenement", prev_hash, occurred_at.isoformat(sep=" ") if occurred_at else "", user_id, user_login,
         action, entity, str(entity_id), details_digest, key_id],
        ensure_ascii=False,
    )
    return seal(key, payload)


def preload_sealing_key(database) -> None:
    """Load this workstation's sealing key ahead, off the GUI thread (finding the system keyring took ~0.2 s
    on the first event of a session: the first case opened). Reads only; a missing key is created, as
    always, by the first event."""
    with database.session() as session:
        setting = session.get(Setting, KEY_SETTING)
    if setting is not None:
        load_key(setting.value)


def _seal_legacy_trail(session: Session, key_id: str, key: bytes) -> None:
    """The first key vouches for the events sealed before keys existed: a keyed event records the last one's
    seal, so rewriting the whole trail the old unkeyed way is detected."""
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).where(AuditEvent.key_id == "")
                           .order_by(AuditEvent.id.desc()).limit(1)).first()
    if last is not None:
        _append(session, key_id, key, SYSTEM, KEY_ACTION, "audit", None,
                json.dumps({"dernier_sans_cle": last[0], "empreinte_sans_cle": last[1]}, sort_keys=True))


def record_event(session: Session, actor: Actor, action: str, entity: str = "", entity_id=None,
                 details: dict | str | None = None) -> AuditEvent:
    """Append one sealed event to the trail, chained to the last one, in the caller's transaction."""
    if isinstance(details, dict):
        details = json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
    details = CONTROL_CHARACTERS.sub("", details or "")
    if session.get_bind().dialect.name == "postgresql":
        # Two writers must not chain to the same previous event (SQLite's BEGIN IMMEDIATE already serialises).
        session.execute(text("SELECT pg_advisory_xact_lock(770007)"))
    key_id, key = sealing_key(session)
    if session.info.pop("audit_seal_legacy", False):
        _seal_legacy_trail(session, key_id, key)
    return _append(session, key_id, key, actor, action, entity, entity_id, details)


def _append(session: Session, key_id: str, key: bytes, actor: Actor, action: str, entity: str, entity_id,
            details: str) -> AuditEvent:
    prev_hash = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or ""
    occurred_at = now()
    entity_id = "" if entity_id is None else str(entity_id)
    login = CONTROL_CHARACTERS.sub("", actor.login or "")[:60]
    digest = details_seal(key, details)
    event = AuditEvent(
        occurred_at=occurred_at, user_id=actor.user_id, user_login=login, action=action, entity=entity,
        entity_id=entity_id, details=details, prev_hash=prev_hash, details_digest=digest, key_id=key_id,
        hash=event_seal(key, prev_hash, occurred_at, actor.user_id, login, action, entity, entity_id, digest, key_id),
    )
    session.add(event)
    session.flush()
    if event.id % ANCHOR_EVERY == 0:
        schedule_anchor(session, event.id, event.hash, key_id)
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


def _details_of(session: Session, action: str, keyed_only: bool = False) -> list[dict]:
    """The details of every event of this kind (only keyed ones: an unkeyed one could be forged)."""
    found = []
    statement = select(AuditEvent.details).where(AuditEvent.action == action)
    if keyed_only:
        statement = statement.where(AuditEvent.key_id != "")
    for raw in session.scalars(statement):
        try:
            value = json.loads(raw)
        except ValueError:
            continue
        if isinstance(value, dict):
            found.append(value)
    return found


def _trigger_problems(session: Session) -> list[ChainProblem]:
    if session.get_bind().dialect.name != "sqlite":
        return []
    present = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                       "AND tbl_name = 'audit_events'")))
    return [ChainProblem(None, None, "", f"La protection « {trigger} » du journal a été supprimée.")
            for trigger in REQUIRED_TRIGGERS if trigger not in present]


_LEGACY_PURGE = "purge sans empreinte"


@dataclass
class _ChainState:
    purge_witnesses: set[str]
    redacted: set[int]
    missing_keys: dict[str, int]
    legacy_witnesses: set[str]
    previous_hash: str | None = None
    keyed_seen: bool = False
    last_legacy: AuditEvent | None = None
    start_witnessed: bool = True


def _content_problem(event: AuditEvent, state: _ChainState) -> str | None:
    """Why this event's seal does not hold, or None."""
    if not event.key_id:
        if state.keyed_seen:
            return "scellé sans clé alors que le journal en a une : il a été réécrit"
        state.last_legacy = event
        if event.id in state.redacted:
            return None  # sealed before keys existed: anonymising its details left nothing to check
        expected = legacy_digest(event.prev_hash, event.occurred_at, event.user_id, event.user_login, event.action,
                                 event.entity, event.entity_id, event.details)
        return None if expected == event.hash else "son contenu a été modifié après son enregistrement"
    state.keyed_seen = True
    key = load_key(event.key_id)
    if key is None:
        state.missing_keys[event.key_id] = state.missing_keys.get(event.key_id, 0) + 1
        return None
    expected = event_seal(key, event.prev_hash, event.occurred_at, event.user_id, event.user_login, event.action,
                          event.entity, event.entity_id, event.details_digest, event.key_id)
    if expected != event.hash:
        return "son contenu a été modifié après son enregistrement (ou la chaîne recalculée sans la clé)"
    if event.id not in state.redacted and details_seal(key, event.details) != event.details_digest:
        return "ses détails ont été modifiés après son enregistrement"
    return None


def verify_chain(session: Session) -> tuple[int, list[ChainProblem]]:
    """Check every seal and link; return (events checked, problems found in order)."""
    problems = _trigger_problems(session)
    state = _ChainState(
        # A purge from before the key (no seal recorded) still vouches for the legacy start of the trail.
        purge_witnesses={str(d.get("empreinte_dernier_supprime", _LEGACY_PURGE)) for d in _details_of(session, PURGE_ACTION)},
        redacted={int(i) for d in _details_of(session, REDACTION_ACTION, True) for i in d.get("evenements", [])},
        missing_keys={},
        legacy_witnesses={str(d.get("empreinte_sans_cle")) for d in _details_of(session, KEY_ACTION, True)},
    )
    count = 0
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=2000)).scalars()
    for event in rows:
        count += 1
        witnessed = event.prev_hash in state.purge_witnesses or (
            _LEGACY_PURGE in state.purge_witnesses and not event.key_id)
        if state.previous_hash is None and event.prev_hash and not witnessed:
            state.start_witnessed = False
            problems.append(ChainProblem(event.id, event.occurred_at, event.action,
                                         "des événements plus anciens ont été supprimés sans purge enregistrée"))
        elif state.previous_hash is not None and event.prev_hash != state.previous_hash:
            problems.append(ChainProblem(event.id, event.occurred_at, event.action,
                                         "la chaîne est rompue juste avant (événement supprimé, inséré ou modifié)"))
        reason = _content_problem(event, state)
        if reason:
            problems.append(ChainProblem(event.id, event.occurred_at, event.action, reason))
        state.previous_hash = event.hash
    legacy = state.last_legacy
    if legacy is not None and legacy.hash not in state.legacy_witnesses:
        problems.append(ChainProblem(legacy.id, legacy.occurred_at, legacy.action,
                                     "les événements scellés sans clé jusqu'à celui-ci ne sont couverts par aucun "
                                     "scellement par clé : le journal a pu être réécrit (ou n'a jamais été "
                                     "ouvert par cette version de l'application)"))
    for key_id, missing in state.missing_keys.items():
        sealed = fr_count(missing, "événement scellé", "événements scellés")
        check = "le vérifier" if missing == 1 else "les vérifier"
        problems.append(ChainProblem(None, None, "", f"{sealed} avec la clé « {key_id} », absente de ce poste : "
                                     f"importez-la (audit cle --importer) pour {check}."))
    session.info["audit_start_witnessed"] = state.start_witnessed
    return count, problems


def check_anchor(session: Session, anchor: AuditAnchor) -> ChainProblem | None:
    """None when the anchored event is still there, unchanged (or gone with a recorded purge)."""
    try:
        when = datetime.fromisoformat(anchor.written_at).strftime("%d/%m/%Y à %H:%M")
    except ValueError:
        when = "?"
    valid = anchor.seal_is_valid()
    if valid is False:
        return ChainProblem(None, None, "", f"L'ancre du journal (n° {anchor.event_id}, {when}) a été réécrite : "
                                            "son sceau ne correspond pas à la clé du journal.")
    if not anchor.seal and _has_keyed_events(session):
        return ChainProblem(None, None, "", f"L'ancre du journal (n° {anchor.event_id}, {when}) n'est pas scellée : "
                                            "elle a été réécrite, ou date d'une version précédente (elle sera "
                                            "remplacée à la prochaine sauvegarde ou fermeture).")
    event = session.get(AuditEvent, anchor.event_id)
    if event is None:
        oldest = session.scalar(select(func.min(AuditEvent.id)))
        if oldest is not None and anchor.event_id < oldest and session.info.get("audit_start_witnessed", True):
            return None  # purged after the retention period, like every older event
        return ChainProblem(None, None, "", f"L'événement n° {anchor.event_id}, le plus récent relevé le {when} "
                                            "(ancre), a disparu : des événements ont été supprimés.")
    if event.hash != anchor.hash:
        return ChainProblem(event.id, event.occurred_at, event.action,
                            f"il diffère de celui relevé le {when} (ancre)")
    return None


def _has_keyed_events(session: Session) -> bool:
    return session.scalar(select(AuditEvent.id).where(AuditEvent.key_id != "").limit(1)) is not None


@dataclass
class TrailCheck:
    count: int
    problems: list[ChainProblem]
    anchor: AuditAnchor | None

    def anchor_text(self) -> str:
        if self.anchor is None:
            return ("Aucune ancre : la suppression des tout derniers événements ne serait pas détectée "
                    "(elle est écrite à chaque sauvegarde, à chaque fermeture et tous les "
                    f"{ANCHOR_EVERY} événements).")
        return f"Dernier événement relevé (ancre scellée, n° {self.anchor.event_id}) : présent et inchangé."


def verify_trail(database) -> TrailCheck:
    """The whole check of `audit verify` and of the audit window: the sealed chain, then the anchor."""
    from db.backup import backup_dir_for

    anchor = read_anchor(backup_dir_for(database), database)
    with database.session() as session:
        count, problems = verify_chain(session)
        anchor_problem = check_anchor(session, anchor) if anchor is not None else None
    return TrailCheck(count, problems + ([anchor_problem] if anchor_problem else []), anchor)


def _expiry_cutoff(session: Session, months: int):
    if session.get_bind().dialect.name == "sqlite":
        return "datetime('now', 'localtime', :interval)", {"interval": f"-{months} months"}
    return "now() - make_interval(months => :months)", {"months": months}


def purge_expired(database, actor: Actor) -> int:
    """Delete the events older than the retention period; the purge event carries the last purged seal."""
    with database.write() as session:
        authorize(session, actor, "retention.manage")
        return delete_expired_events(session, actor)


def delete_expired_events(session: Session, actor: Actor = SYSTEM) -> int:
    """Delete, in the caller's transaction, the events older than the retention period; how many went.

    The purge event written after them carries the seal of the last one deleted: a verify starting at
    the oldest remaining event proves that nothing older was cut without a purge."""
    months = retention_months(session)
    cutoff, params = _expiry_cutoff(session, months)
    # Up to the first event still inside the period: the chain is cut at one place only.
    young = session.scalar(text(f"SELECT min(id) FROM audit_events WHERE occurred_at > {cutoff}"), params)
    last = session.execute(
        text(f"SELECT id, hash FROM audit_events WHERE occurred_at <= {cutoff}"
             + (" AND id < :young" if young is not None else "") + " ORDER BY id DESC LIMIT 1"),
        {**params, **({"young": young} if young is not None else {})},
    ).first()
    if last is None:
        return 0
    removed = session.execute(text("DELETE FROM audit_events WHERE id <= :last"), {"last": last[0]}).rowcount or 0
    record_event(session, actor, PURGE_ACTION, "audit", None,
                 {"supprimes": removed, "mois": months, "dernier_supprime": last[0],
                  "empreinte_dernier_supprime": last[1]})
    return removed


@dataclass(frozen=True)
class EventFilter:
    since: datetime | None = None
    until: datetime | None = None
    login: str = ""
    action: str = ""
    entity: str = ""
    entity_id: str = ""
    limit: int = 2000
