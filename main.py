"""Médiation Habitat: command line and wiring.

Without a subcommand the application window opens on the embedded database
(or on --db). Subcommands are discovered in core/commands/.
"""
from __future__ import annotations

import gc

# Run as the program: no garbage collection while it loads. Its modules and the window's start-up build
# ~150,000 long-lived objects, and each full collection walking them held the start 60-110 ms (twice before
# the first rows on a busy laptop). The window freezes them out of the collector's reach once shown, then
# enables it (gui.main_window); a command enables it as soon as it is known. Imported (tests), nothing changes.
if __name__ == "__main__":
    gc.disable()

import importlib  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import pkgutil  # noqa: E402
import sys  # noqa: E402

INCOMPLETE_INSTALLATION = 3  # exit code: a module or a data file of the program is missing


def cannot_start(problem: str) -> int:
    """Say in French why the program cannot start (a box for the windowed program, which has no console)."""
    message = (f"Médiation Habitat ne peut pas démarrer : {problem}. L'installation est incomplète : "
               "réinstallez le programme ou prévenez le service informatique.")
    if sys.stderr is not None:
        print(f"Erreur : {message}", file=sys.stderr)
    elif os.name == "nt":  # the windowed Windows program: stderr is None
        import ctypes

        ctypes.windll.user32.MessageBoxW(None, message, "Médiation Habitat", 0x10)
    return INCOMPLETE_INSTALLATION


try:
    from sqlalchemy.exc import SQLAlchemyError

    import core.commands
    from core.commands.cli import FrenchArgumentParser
    from core.errors import DomainError
    from core.installation import missing_parts
    from core.logfile import configure_log_file
    from db.backup import backup_folders, connector, damaged_message
    from db.errors import DatabaseError, describe_error, is_corruption
    from db.open import open_database
except ImportError as missing_module:
    if __name__ != "__main__":
        raise
    sys.exit(cannot_start(f"le module « {missing_module.name} » est introuvable"))

log = logging.getLogger("mediation_habitat.main")
# Where nothing is at the path, only these create a new base (the window's first start has no command).
CREATING_COMMANDS = {None, "demo", "import"}
# They check the base themselves (check), or verify what they copy (backup), or replace it (restore).
UNCHECKED_COMMANDS = {None, "check", "backup", "restore"}


def build_parser() -> FrenchArgumentParser:
    parser = FrenchArgumentParser(
        prog=os.path.basename(sys.executable) if getattr(sys, "frozen", False) else "main.py",
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
    parser.commands = sorted(subparsers.choices)  # none when a bundle left out the modules loaded by name
    return parser


def main(argv: list[str] | None = None) -> int:
    missing = missing_parts()
    if missing:
        return cannot_start("fichiers absents : " + ", ".join(f"« {name} »" for name in missing))
    try:
        parser = build_parser()
    except ImportError as error:
        return cannot_start(f"le module « {error.name} » est introuvable")
    if not parser.commands:
        return cannot_start("aucune commande trouvée dans core.commands")
    args = parser.parse_args(argv)
    if args.command is not None:  # a command's work (an import, a demo base) makes its garbage as it goes
        gc.enable()
    configure_log_file()
    opened = {}

    def open_db():
        if "db" not in opened:
            opened["db"] = open_database(args.db, create=args.command in CREATING_COMMANDS,
                                         quick_check=args.command not in UNCHECKED_COMMANDS)
        return opened["db"]

    try:
        code = args.func(args, open_db) if args.command else 0
        if code == 0 and (args.command is None or getattr(args, "wants_gui", False)):
            from gui.app import run_gui

            code = run_gui(open_db, screenshot=args.screenshot, view=args.view, target=args.db)
        return code
    except (DatabaseError, DomainError) as error:
        return _fail(args, error.message)
    except (SQLAlchemyError, OSError) as error:  # full disk, locked or read-only base: French, no traceback
        if is_corruption(error) and opened.get("db") is not None and opened["db"].path is not None:
            return _fail(args, _damaged(opened["db"], error))
        return _fail(args, describe_error(error))
    except ImportError as error:  # a part of a bundle left out: French, and never a dialog nobody answers
        return cannot_start(f"le module « {error.name} » est introuvable")
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
    finally:
        if "db" in opened:
            if opened["db"].write_count:
                from core.audit_anchor import anchor_at_close

                anchor_at_close(opened["db"])  # a clean close anchors the audit trail's tail
            opened["db"].dispose()


def _fail(args, message: str) -> int:
    log.error("%s : %s", args.command or "fenêtre", message)
    print(f"Erreur : {message}", file=sys.stderr)
    return 1


def _damaged(database, error) -> str:
    """A corruption met halfway through a command: it stopped there (nothing is written after it)."""
    connect = connector(database)
    return damaged_message(database.path, [describe_error(error)], connect, backup_folders(database.path, connect))


if __name__ == "__main__":
    sys.exit(main())
