"""`main.py check [--complet]`: is the database sound? A French report, non-zero exit on a problem."""
from __future__ import annotations

from db.engine import Database
from db.errors import DatabaseOpenError, describe_error
from db.integrity import CheckReport, check_database


def register(subparsers) -> None:
    parser = subparsers.add_parser("check", help="vérifier l'intégrité de la base (rapide, ou --complet)")
    parser.add_argument("--complet", action="store_true",
                        help="vérification complète (integrity_check), plus longue que la vérification rapide")
    parser.set_defaults(func=run)


def run(args, _open_db) -> int:
    # Not open_db(): checking must not migrate nor write anything. An encrypted file is
    # opened with its key (db.crypto.unlock asks for the passphrase).
    from sqlalchemy.engine import URL

    from db.crypto import attach_connector, unlock

    target = unlock(args.db)
    database = Database(target, read_only=not isinstance(target, URL))
    attach_connector(database)
    try:
        if not database.is_sqlite:
            raise DatabaseOpenError("La vérification d'intégrité concerne les bases SQLite ; une base PostgreSQL "
                                    "est vérifiée par son serveur.")
        if database.path is None or not database.path.exists():
            raise DatabaseOpenError(f"La base « {database.describe()} » n'existe pas.")
        try:
            report = check_database(database, full=args.complet)
        except Exception as error:  # noqa: BLE001 - the file may be unreadable
            report = CheckReport(full=args.complet, problems=[describe_error(error, database)])
    finally:
        database.dispose()
    print(f"Base : {database.describe()}")
    print(report.summary())
    return 0 if report.ok else 1
