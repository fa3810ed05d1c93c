"""`main.py restore FICHIER`: put a backup back in place of the database.

The backup is verified (checksum, integrity_check, a known version); the current
base is kept aside next to it (`…-remplacee-AAAAMMJJ-HHMMSS.sqlite3`); the swap is
one atomic rename. Refused while the application window has the base open.
"""
from __future__ import annotations

from pathlib import Path

from db.backup import restore_database
from db.engine import resolve_url
from db.errors import DatabaseOpenError
from db.instance_lock import InstanceLock


def register(subparsers) -> None:
    parser = subparsers.add_parser("restore", help="remplacer la base par une sauvegarde (vérifiée ; l'ancienne base est gardée de côté)")
    parser.add_argument("fichier", metavar="FICHIER", help="fichier de sauvegarde à restaurer")
    parser.set_defaults(func=run)


def run(args, _open_db) -> int:
    url = resolve_url(args.db)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise DatabaseOpenError("La restauration d'une sauvegarde concerne les bases SQLite ; une base PostgreSQL "
                                "se restaure sur le serveur (pg_restore).")
    target = Path(url.database)
    backup = Path(args.fichier).expanduser().absolute()
    if not backup.is_file():
        raise DatabaseOpenError(f"Le fichier de sauvegarde « {backup} » n'existe pas.")
    with InstanceLock.acquire(target, purpose="restauration"):
        aside = restore_database(backup, target, _connector(target, backup))
    from core.backups import renew_anchor

    renew_anchor(_open_db())  # the audit trail went back in time with the base: its anchor too
    print(f"Base restaurée depuis « {backup} » : {target}.")
    if aside:
        print(f"L'ancienne base est conservée dans « {aside} ».")
    return 0


def _connector(target: Path, backup: Path):
    """Plain SQLite, or the key of an encrypted base (asked once: the backup has the same key)."""
    from db.crypto import ask_passphrase, is_encrypted, key_connector, literal_for
    from db.integrity import plain_connect

    keyed = target if is_encrypted(target) else backup if is_encrypted(backup) else None
    if keyed is None:
        return plain_connect
    return key_connector(literal_for(keyed, ask_passphrase(keyed)))
