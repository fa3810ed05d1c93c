"""`main.py rgpd export --menage ID -o FICHIER.zip`: right of access for one household."""
from __future__ import annotations

import sys

from core.commands.actor import command_actor
from core.commands.cli import identifier
from core.errors import DomainError
from core.rgpd_export import household_of_case, write_archive


def register(subparsers) -> None:
    parser = subparsers.add_parser("rgpd", help="droit d'accès : exporter tout ce qui est détenu sur un ménage")
    actions = parser.add_subparsers(dest="rgpd_command", metavar="ACTION", required=True, parser_class=type(parser))
    export = actions.add_parser("export", help="archive zip : PDF lisible, JSON et pièces jointes")
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--menage", type=identifier, help="numéro du ménage")
    which.add_argument("--dossier", help="référence d'un dossier du ménage")
    export.add_argument("-o", "--sortie", required=True, metavar="FICHIER", help="archive .zip à écrire")
    parser.set_defaults(func=run)


def run(args, open_db) -> int:
    database = open_db()
    try:
        household_id = args.menage if args.menage is not None else household_of_case(database, args.dossier)
        target = write_archive(database, command_actor(database, args), household_id, args.sortie)
    except DomainError as error:
        print(f"Erreur : {error.message}", file=sys.stderr)
        return 1
    print(f"Archive du droit d'accès écrite : {target}")
    return 0
