"""`main.py check [--complet]`: is the database sound? A French report, non-zero exit on a problem.

Checking never migrates nor writes: the file is identified (db.identity), then checked
through SQLite's own PRAGMAs on a read-only connection (with its key when encrypted).
"""
from __future__ import annotations

from core.commands.progress_line import progress_line
from db.backup import backup_folders, last_verified_backup
from db.crypto import ask_passphrase, check_literal, key_connector, literal_for
from db.engine import default_database_path
from db.errors import DatabaseError, DatabaseOpenError, NoDatabaseError
from db.identity import probe_file
from db.integrity import CheckReport, check_file, plain_connect
from db.open import identify, refuse_hard_links, sqlite_file


def register(subparsers) -> None:
    parser = subparsers.add_parser("check", help="vérifier l'intégrité de la base (rapide, ou --complet)")
    parser.add_argument("--complet", action="store_true",
                        help="vérification complète (integrity_check), plus longue que la vérification rapide")
    parser.set_defaults(func=run)


def run(args, _open_db) -> int:
    path = sqlite_file(args.db) if args.db else default_database_path()
    if path is None:
        raise DatabaseOpenError("La vérification d'intégrité concerne les bases SQLite ; une base PostgreSQL "
                                "est vérifiée par son serveur.")
    probe = probe_file(path)
    if probe.kind == "absent":
        raise NoDatabaseError(f"Aucune base à cet endroit : « {path} » n'existe pas. Vérifiez le chemin donné à --db.")
    refuse_hard_links(path)
    connect = plain_connect
    if probe.damaged:
        report = CheckReport(full=args.complet, problems=[probe.detail])
    else:
        if probe.kind == "encrypted":
            literal = literal_for(path, ask_passphrase(path), probe.salt)
            check_literal(path, literal)
            connect = key_connector(literal)
        with progress_line() as progress:
            report = _check(path, args.complet, connect, progress.update if args.complet else None)
    print(f"Base : {path}")
    print(report.summary())
    if not report.ok:
        latest = last_verified_backup(path, connect, backup_folders(path, connect))
        if latest is not None:
            print(f"Dernière sauvegarde vérifiée : {latest.path} ({latest.made_at:%d/%m/%Y %H:%M}) ; "
                  f"uv run main.py --db \"{path}\" restore \"{latest.path}\"")
        else:
            print("Aucune sauvegarde vérifiée n'a été trouvée pour cette base.")
    return 0 if report.ok else 1


def _check(path, full: bool, connect, tick=None) -> CheckReport:
    try:
        kind = identify(path, connect)
    except DatabaseError as error:
        return CheckReport(full=full, problems=[getattr(error, "problems", [error.message])[0]])
    if kind == "blank":
        return CheckReport(full=full, problems=["le fichier est une base SQLite vide, sans aucune table"])
    return check_file(path, full, connect, tick)
