"""`main.py export --format csv|xlsx -o FICHIER [--search TEXTE] [filtres]`: the case list as a spreadsheet."""
from __future__ import annotations

import sys

from core.commands.actor import command_actor
from core.commands.cli import french_date, output_target, write_with_messages
from core.commands.progress_line import progress_line
from core.formatting import fr_count, fr_seconds
from core.exports import COLUMNS, ExportFilter, export_cases
from db.vocab import CASE_STATUSES


def register(subparsers) -> None:
    parser = subparsers.add_parser("export", help="exporter la liste des dossiers en CSV ou XLSX")
    parser.add_argument("--format", choices=("csv", "xlsx"),
                        help="csv (Excel français) ou xlsx ; par défaut, celui de l'extension du fichier")
    parser.add_argument("-o", "--sortie", required=True, metavar="FICHIER", help="fichier à écrire")
    parser.add_argument("--search", "--recherche", dest="search", default="", metavar="TEXTE",
                        help="recherche : référence, nom, adresse, téléphone…")
    parser.add_argument("--statut", action="append", choices=list(CASE_STATUSES), help="statut (répétable)")
    parser.add_argument("--quartier", metavar="NOM", help="quartier du logement")
    parser.add_argument("--commune", metavar="NOM", help="commune du logement")
    parser.add_argument("--objectif", metavar="CODE", help="objectif du contrat (O1 à O7)")
    parser.add_argument("--du", type=french_date, metavar="JJ/MM/AAAA", help="ouverts à partir de cette date")
    parser.add_argument("--au", type=french_date, metavar="JJ/MM/AAAA", help="ouverts jusqu'à cette date")
    parser.add_argument("--colonnes", metavar="CLÉS",
                        help="colonnes séparées par des virgules (par défaut toutes) : "
                             + ", ".join(c.key for c in COLUMNS))
    parser.set_defaults(func=run)


def run(args, open_db) -> int:
    target = output_target(args.sortie)
    if target is None:
        return 1
    if args.format is None:
        args.format = target.suffix.lower().lstrip(".")
        if args.format not in ("csv", "xlsx"):
            print(f"Erreur : indiquez --format csv ou --format xlsx (l'extension de « {target.name} » ne dit pas "
                  "lequel).", file=sys.stderr)
            return 1
    columns = [c.strip() for c in args.colonnes.split(",") if c.strip()] if args.colonnes else None
    filters = ExportFilter(text=args.search, statuses=tuple(args.statut or ()), neighbourhood=args.quartier,
                           commune=args.commune, objective=args.objectif, opened_from=args.du, opened_to=args.au)
    database = open_db()
    actor = command_actor(database, args)
    with progress_line() as progress:
        ok, report = write_with_messages(target, lambda: export_cases(database, actor, target, args.format, columns,
                                                                      filters, progress))
    if not ok:
        return 1
    print(f"{fr_count(report.rows, 'dossier exporté', 'dossiers exportés')} dans {report.path} "
          f"({fr_seconds(report.seconds)}).")
    return 0
