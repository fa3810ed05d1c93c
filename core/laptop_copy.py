"""An encrypted copy of the open base for a laptop that leaves the office (Administration menu).

The copy is an export of every case: an administrator's or a manager's action ("export"), audited.
"""
from __future__ import annotations

from pathlib import Path

from core.access import authorize
from core.actor import Actor
from core.audit import log_event
from core.errors import DomainError
from db import crypto


def can_copy_encrypted(database) -> bool:
    """Only a plain SQLite file is copied this way (an encrypted base or a server base is not)."""
    return database.path is not None and not crypto.key_of(database.url)


def write_encrypted_copy(database, actor: Actor, target: str | Path, passphrase: str) -> Path:
    """Write the copy (raises DatabaseError with a French message when it cannot), then audit it."""
    with database.session() as session:
        authorize(session, actor, "export")
    if not can_copy_encrypted(database):
        raise DomainError("La base ouverte n'est pas un fichier SQLite en clair.")
    with database.engine.connect() as connection:  # the copy must see the latest committed changes
        connection.connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    written = crypto.encrypt_copy(database.path, Path(target), passphrase)
    log_event(database, actor, "export", "base", "", {"format": "copie chiffrée"}, permission="export")
    return written
