"""`main.py restore FICHIER [--sans-somme]`: put a backup back in place of the database.

The backup is verified (checksum, integrity_check, a Médiation Habitat base of a known
version); a backup without its `.sha256` is restored only with --sans-somme. Links are
followed: the real file is replaced, a symbolic link stays a link. The current base is
kept aside next to it (`…-remplacee-AAAAMMJJ-HHMMSS.sqlite3`); the swap is one atomic
rename. Refused while the application window has the base open.
"""
from __future__ import annotations

import os
from pathlib import Path

from core.backups import pages_step, renew_anchor
from core.commands.progress_line import progress_line
from db.backup import MissingChecksumError, restore_database
from db.crypto import ask_passphrase, key_connector, literal_for
from db.engine import default_database_path
from db.errors import DatabaseOpenError
from db.identity import probe_file
from db.instance_lock import InstanceLock
from db.integrity import plain_connect
from db.open import sqlite_file


def register(subparsers) -> None:
    parser = subparsers.add_parser("restore", help="remplacer la base par une sauvegarde (vérifiée ; l'ancienne base est gardée de côté)")
    parser.add_argument("fichier", metavar="FICHIER", help="fichier de sauvegarde à restaurer")
    parser.add_argument("--sans-somme", dest="without_checksum", action="store_true",
                        help="restaurer une sauvegarde qui n'a pas de somme de contrôle (.sha256), après l'avoir "
                             "vérifiée autant que possible")
    parser.set_defaults(func=run)


def run(args, open_db) -> int:
    target = sqlite_file(args.db) if args.db else default_database_path()
    if target is None:
        raise DatabaseOpenError("La restauration d'une sauvegarde concerne les bases SQLite ; une base PostgreSQL "
                                "se restaure sur le serveur (pg_restore).")
    target = Path(os.path.realpath(target))
    backup = Path(args.fichier).expanduser().absolute()
    if not backup.is_file():
        raise DatabaseOpenError(f"Le fichier de sauvegarde « {backup} » n'existe pas.")
    with InstanceLock.acquire(target, purpose="restauration"):
        try:
            connect = _connector(target, backup)
            with progress_line() as progress:
                aside = restore_database(backup, target, connect, args.without_checksum,
                                         pages_step(progress, "Restauration de la sauvegarde"))
        except MissingChecksumError as error:
            raise DatabaseOpenError(error.message) from None
    renew_anchor(open_db())  # the audit trail went back in time with the base: its anchor too
    print(f"Base restaurée depuis « {backup} » : {target}.")
    if aside:
        print(f"L'ancienne base est conservée dans « {aside} ».")
    return 0


def _connector(target: Path, backup: Path):
    """Plain SQLite, or the key of an encrypted base (asked once: the backup has the same key).

    Both files are probed here, before this process opened either in SQLite.
    """
    for path in (target, backup):
        probe = probe_file(path)
        if probe.kind == "encrypted":
            return key_connector(literal_for(path, ask_passphrase(path), probe.salt))
    return plain_connect
