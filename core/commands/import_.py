"""`main.py import FICHIER [--dry-run] [--skip-invalid]`: cases from a CSV or XLSX with the export's columns,
or from the national platform's « Signal Logement » export (recognised by its headers)."""
from __future__ import annotations

import sys
from pathlib import Path

from core.commands.actor import command_actor
from core.commands.progress_line import progress_line
from core.errors import DomainError
from core.formatting import fr_count, fr_number
from core.imports import import_cases

MAX_LISTED = 200


def register(subparsers) -> None:
    parser = subparsers.add_parser("import", help="importer des dossiers depuis un CSV ou un XLSX (colonnes de "
                                   "l'export, ou export Signal Logement)")
    parser.add_argument("fichier", metavar="FICHIER", help="fichier .csv, .txt (Texte Unicode) ou .xlsx")
    parser.add_argument("--dry-run", action="store_true", help="tout vérifier sans rien enregistrer")
    parser.add_argument("--skip-invalid", action="store_true",
                        help="importer les lignes valides et écrire les rejets dans FICHIER.rejets.csv")
    parser.set_defaults(func=run)


def run(args, open_db) -> int:
    try:
        with progress_line() as progress:
            report = import_cases(open_db(), command_actor(open_db(), args), Path(args.fichier),
                                  dry_run=args.dry_run, skip_invalid=args.skip_invalid, progress=progress)
    except DomainError as error:
        print(f"Erreur : {error.message}", file=sys.stderr)
        return 1
    platform = report.format != "tableur"
    if platform:
        for line in report.summary():
            print(line)
    for error in report.errors[:MAX_LISTED]:
        print(error, file=sys.stderr)
    if len(report.errors) > MAX_LISTED:
        print(f"… et {len(report.errors) - MAX_LISTED} autres erreurs.", file=sys.stderr)
    for line in report.duplicates[:MAX_LISTED] + report.kept[:MAX_LISTED]:
        print(f"Attention — {line}")
    if report.created_landlords:
        names = sorted(set(report.created_landlords))
        more = f" et {fr_count(len(names) - 10, 'autre')}" if len(names) > 10 else ""
        print(fr_count(len(names), "bailleur inconnu créé", "bailleurs inconnus créés")
              + f" : {', '.join(names[:10])}{more}.")
    if report.errors and not report.rows:
        print("Import refusé : l'en-tête du fichier ne convient pas.", file=sys.stderr)
        return 1
    if report.dry_run:
        valid = report.rows - report.rejected
        print(f"Vérification seule : {fr_count(valid, 'ligne valide', 'lignes valides')} sur "
              f"{fr_number(report.rows)}, rien n'a été enregistré.")
        return 1 if report.rejected else 0
    if report.rejected and not args.skip_invalid:
        print(f"Import refusé : {fr_count(report.rejected, 'ligne invalide', 'lignes invalides')} sur "
              f"{fr_number(report.rows)}. Rien n'a été enregistré "
              "(corrigez le fichier, ou relancez avec --skip-invalid pour importer les lignes valides).",
              file=sys.stderr)
        return 1
    if not platform:
        print(f"{fr_count(report.imported, 'dossier importé', 'dossiers importés')} sur "
              f"{fr_count(report.rows, 'ligne')}.")
    if report.rejected_path:
        print(f"{fr_count(report.rejected, 'ligne rejetée', 'lignes rejetées')}, avec le motif, "
              f"dans {report.rejected_path}")
    return 0
