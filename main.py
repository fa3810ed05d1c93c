"""Médiation Habitat: command line and wiring.

Without a subcommand the application window opens on the embedded database
(or on --db). Subcommands are discovered in core/commands/.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys

from sqlalchemy.exc import SQLAlchemyError

import core.commands
from core.commands.cli import FrenchArgumentParser
from core.errors import DomainError
from db.errors import DatabaseError, describe_error
from db.open import open_database


def build_parser() -> FrenchArgumentParser:
    parser = FrenchArgumentParser(
        prog="main.py",
        description="Médiation Habitat : suivi de la médiation habitat du Contrat de Ville 2024-2030 (MEL).",
    )
    parser.add_argument("--db", metavar="CHEMIN_OU_URL",
                        help="fichier SQLite ou adresse SQLAlchemy (postgresql://…) ; par défaut, la base locale")
    parser.add_argument("--utilisateur", metavar="IDENTIFIANT",
                        help="compte de l'application pour la ligne de commande (obligatoire sur un serveur ; "
                             "mot de passe demandé ou lu sur l'entrée standard)")
    parser.add_argument("--screenshot", metavar="FICHIER", help="enregistrer une capture PNG de la fenêtre et quitter")
    parser.add_argument("--view", metavar="VUE", help="vue à afficher (avec --screenshot), ou case:REF pour un dossier")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchArgumentParser)
    for module in sorted(pkgutil.iter_modules(core.commands.__path__), key=lambda mod: mod.name):
        command = importlib.import_module(f"core.commands.{module.name}")
        if hasattr(command, "register"):
            command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    opened = {}

    def open_db():
        if "db" not in opened:
            opened["db"] = open_database(args.db)
        return opened["db"]

    try:
        code = args.func(args, open_db) if args.command else 0
        if code == 0 and (args.command is None or getattr(args, "wants_gui", False)):
            from gui.app import run_gui

            code = run_gui(open_db, screenshot=args.screenshot, view=args.view, target=args.db)
        return code
    except (DatabaseError, DomainError) as error:
        print(f"Erreur : {error.message}", file=sys.stderr)
        return 1
    except (SQLAlchemyError, OSError) as error:  # full disk, locked or read-only base: French, no traceback
        print(f"Erreur : {describe_error(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
    finally:
        if "db" in opened:
            opened["db"].dispose()


if __name__ == "__main__":
    sys.exit(main())
