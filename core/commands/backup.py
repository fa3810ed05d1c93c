"""`main.py backup [-o FICHIER] [--liste]`: a verified backup of the database, now."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from core.backups import backup_folder, human_size, latest_backups, make_checked_backup, pages_step
from core.commands.progress_line import progress_line
from core.formatting import fr_count, fr_seconds
from db.backup import backup_database


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "backup", help="sauvegarder la base maintenant (copie vérifiée, faite pendant que la base est utilisée)")
    parser.add_argument("-o", "--output", metavar="FICHIER",
                        help="fichier de sauvegarde à écrire ; par défaut, le dossier des sauvegardes (avec rotation)")
    parser.add_argument("--liste", action="store_true", help="lister les sauvegardes existantes au lieu d'en faire une")
    parser.set_defaults(func=run)


def run(args, open_db) -> int:
    database = open_db()
    if args.liste:
        return _list(database)
    started = time.perf_counter()
    with progress_line() as progress:
        if args.output:
            target = Path(args.output).expanduser().absolute()
            path, deleted = backup_database(database, target, progress=pages_step(progress, "Copie de la base")), []
        else:
            made = make_checked_backup(database, progress)
            path, deleted = made.path, made.deleted
        if made.warning:
            print(f"Attention : {made.warning}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    print(f"Sauvegarde vérifiée : {path} ({human_size(path.stat().st_size)}, {fr_seconds(elapsed)}).")
    if deleted:
        removed = fr_count(len(deleted), "ancienne sauvegarde supprimée", "anciennes sauvegardes supprimées")
        print(f"{removed} par la rotation (12 jours, 10 semaines, 9 mois).")
    return 0


def _list(database) -> int:
    backups = latest_backups(database)
    print(f"Dossier des sauvegardes : {backup_folder(database)}")
    if not backups:
        print("Aucune sauvegarde.")
        return 0
    for info in backups:
        mark = "vérifiée" if info.verified else "non vérifiée"
        print(f"{info.made_at:%d/%m/%Y %H:%M:%S}  {human_size(info.size):>10}  {info.label:<16} {mark:<13} {info.path.name}")
    return 0
