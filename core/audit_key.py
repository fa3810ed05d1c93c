"""The secret that seals the audit trail, kept outside the database.

Each event's seal is an HMAC-SHA256 keyed with this secret, so someone who
can edit the database file but does not hold the secret cannot recompute the
chain after changing, removing or inserting events, nor rewrite an anchor.

The secret lives in the operating system's keyring (Windows Credential
Manager, macOS Keychain, Secret Service) through `keyring` when one answers;
otherwise in a file of the user's data folder that only this account may read
(mode 0600 in a 0700 folder). The database only stores the key's id
(setting `audit.cle`), so a copy of the base alone never carries the secret.
Another workstation that must verify or extend the trail imports the key file
(`main.py audit cle --exporter / --importer`).

On a shared server the base has ONE key: the first seat that writes an event makes it and stores its id and
its fingerprint (setting `audit.cle.empreinte`, a seal of a fixed text: it proves a secret right without
revealing it). A seat without that key, or with another secret under its id, refuses to write: it would
otherwise start a second key, and the trail would alternate between keys that no single seat can verify.
The administrator imports the key on that seat (`audit cle --importer`), which checks the fingerprint.
A local SQLite file keeps the simpler rule: a workstation lacking the key starts a new one (a laptop copy).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
from pathlib import Path

from core.errors import DomainError

log = logging.getLogger(__name__)

SERVICE = "mediation-habitat-journal"
KEY_SETTING = "audit.cle"
FINGERPRINT_SETTING = "audit.cle.empreinte"
KEY_DIR_VARIABLE = "MEDIATION_HABITAT_CLES"  # another folder for the key files (tests, portable installs)
_ID = re.compile(r"^[0-9a-f]{16}$")
_cache: dict[str, bytes] = {}


def key_dir() -> Path:
    override = os.environ.get(KEY_DIR_VARIABLE)
    if override:
        return Path(override)
    from db.engine import data_dir

    return data_dir() / "cles-journal"


def _key_file(key_id: str) -> Path:
    return key_dir() / f"{key_id}.cle"


def _from_keyring(key_id: str) -> str | None:
    try:
        import keyring

        return keyring.get_password(SERVICE, key_id)
    except Exception:  # noqa: BLE001 - no keyring, locked keyring, no D-Bus: the file fallback answers
        return None


def _to_keyring(key_id: str, secret: str) -> bool:
    """True only when the keyring really kept the secret (some backends accept and forget)."""
    try:
        import keyring

        keyring.set_password(SERVICE, key_id, secret)
        return keyring.get_password(SERVICE, key_id) == secret
    except Exception:  # noqa: BLE001
        return False


def _write_private_file(path: Path, secret: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secret + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def load_key(key_id: str) -> bytes | None:
    """The secret for this id, from the keyring or the private file; None when this workstation lacks it."""
    if not key_id or not _ID.match(key_id):
        return None
    if key_id in _cache:
        return _cache[key_id]
    # The private file first: it exists only where no keyring kept the key, and asking `keyring` first made
    # it look for a backend each session (0.1-0.25 s of Python where there is none, competing with the
    # window's first searches).
    try:
        secret = _key_file(key_id).read_text(encoding="ascii").strip()
    except OSError:
        secret = _from_keyring(key_id)
        if secret is None:
            return None
    key = bytes.fromhex(secret) if re.fullmatch(r"[0-9a-f]{64}", secret or "") else None
    if key is not None:
        _cache[key_id] = key
    return key


def create_key() -> str:
    """A new random secret, stored in the keyring or else the private file; returns its id."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_hex(32)
    if not _to_keyring(key_id, secret):
        _write_private_file(_key_file(key_id), secret)
        log.info("audit key %s kept in %s (no usable keyring)", key_id, key_dir())
    _cache[key_id] = bytes.fromhex(secret)
    return key_id


def import_key(key_id: str, secret: str) -> None:
    """Install a key exported from another workstation (same place a new key would go)."""
    secret = secret.strip().lower()
    if not _ID.match(key_id or "") or not re.fullmatch(r"[0-9a-f]{64}", secret):
        from core.errors import ValidationError

        raise ValidationError("Fichier de clé du journal invalide.", field="cle")
    if load_key(key_id) is None and not _to_keyring(key_id, secret):
        _write_private_file(_key_file(key_id), secret)
    _cache[key_id] = bytes.fromhex(secret)


class MissingAuditKeyError(DomainError):
    """This seat of a shared server lacks the base's audit key: it writes nothing (French message)."""


def fingerprint(key: bytes) -> str:
    return seal(key, "empreinte de la clé du journal d'audit")[:32]


def _missing_key_message(key_id: str, wrong_secret: bool) -> str:
    what = (f"détient sous le nom « {key_id} » une clé du journal d'audit qui n'est pas celle de cette base"
            if wrong_secret else f"ne détient pas la clé du journal d'audit de cette base (« {key_id} »)")
    return (f"Enregistrement impossible : ce poste {what}. Sur un serveur partagé, tous les postes scellent le "
            "journal avec la même clé. L'administrateur l'exporte depuis un poste qui la détient (main.py audit "
            "cle --exporter FICHIER) puis l'importe sur ce poste (main.py audit cle --importer FICHIER). "
            "Rien n'a été enregistré.")


def sealing_key(session) -> tuple[str, bytes]:
    """The key new events are sealed with, in the caller's write transaction (the audit lock held on a server).

    None yet: a new one (its id, and on a server its fingerprint, stored in the base). Missing on this
    workstation: a new one on a local file; MissingAuditKeyError on a server (see the module's docstring).
    """
    from db.models import Setting

    cached = session.info.get("audit_key")
    if cached is not None:
        return cached
    setting = session.get(Setting, KEY_SETTING)
    key_id = setting.value if setting is not None else ""
    key = load_key(key_id)
    shared = session.get_bind().dialect.name != "sqlite"
    if shared and setting is not None:
        stored = session.get(Setting, FINGERPRINT_SETTING)
        if key is None or (stored is not None and stored.value != fingerprint(key)):
            raise MissingAuditKeyError(_missing_key_message(key_id, wrong_secret=key is not None), field="cle")
    if key is None:
        key_id = create_key()
        key = load_key(key_id)
        session.merge(Setting(key=KEY_SETTING, value=key_id))
        if setting is None:
            session.info["audit_seal_legacy"] = True
    if shared and session.get(Setting, FINGERPRINT_SETTING) is None:
        session.merge(Setting(key=FINGERPRINT_SETTING, value=fingerprint(key)))
    session.info["audit_key"] = (key_id, key)
    return key_id, key


def forget_cached_keys() -> None:
    """Drop the keys read so far (tests: simulate another process or a workstation without the key)."""
    _cache.clear()


def seal(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def export_key(database, target) -> str:
    """Write this base's current key to `target` (owner-only file) and audit it; returns the key id."""
    import json

    from core.actor import SYSTEM
    from core.errors import NotFound
    from db.models import Setting

    with database.session() as session:
        setting = session.get(Setting, KEY_SETTING)
    key_id = setting.value if setting is not None else ""
    key = load_key(key_id)
    if key is None:
        raise NotFound("Ce poste ne détient pas la clé du journal de cette base.", field="cle")
    path = Path(target)
    if path.exists():
        path.unlink()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        json.dump({"cle": key_id, "secret": key.hex()}, handle)
    from core.audit import record_event

    with database.write() as session:
        record_event(session, SYSTEM, "journal.cle_exportee", "audit", None, {"cle": key_id})
    return key_id


def import_key_file(source, database=None) -> str:
    """Install the key of `source`; with `database`, refuse one that is not the base's own key (id and
    fingerprint), which would not let this seat write nor verify anything."""
    import json

    from core.errors import ValidationError

    try:
        data = json.loads(Path(source).read_text(encoding="ascii"))
        key_id, secret = str(data["cle"]), str(data["secret"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ValidationError("Fichier de clé du journal invalide.", field="cle") from None
    if database is not None:
        _check_is_the_base_key(database, key_id, secret)
    import_key(key_id, secret)
    return key_id


def _check_is_the_base_key(database, key_id: str, secret: str) -> None:
    from core.errors import ValidationError
    from db.models import Setting

    with database.session() as session:
        base_id, stored = (getattr(session.get(Setting, name), "value", None)
                           for name in (KEY_SETTING, FINGERPRINT_SETTING))
    if base_id and key_id != base_id:
        raise ValidationError(f"Cette clé (« {key_id} ») n'est pas celle qui scelle le journal de cette base "
                              f"(« {base_id} ») : rien n'a été installé. Exportez la clé depuis un poste de ce "
                              "bureau.", field="cle")
    valid = re.fullmatch(r"[0-9a-f]{64}", secret.strip().lower())
    if stored and valid and fingerprint(bytes.fromhex(secret.strip().lower())) != stored:
        raise ValidationError(f"Le fichier porte le nom de la clé « {key_id} » mais pas son secret (empreinte "
                              "différente) : rien n'a été installé.", field="cle")
