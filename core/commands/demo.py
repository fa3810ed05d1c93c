"""`main.py demo`: fill a database with the demo dataset."""
from __future__ import annotations

import time

from core.commands.cli import positive_int
from core.commands.progress_line import progress_line
from core.formatting import fr_count, fr_seconds
from core.demo import build_demo, default_demo_path, refuse_real_database


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="remplir une base avec des données de démonstration fictives")
    parser.add_argument("--cases", type=positive_int, default=2000, help="nombre de dossiers (2000 par défaut)")
    parser.add_argument("--seed", type=int, default=1, help="graine du générateur (résultat reproductible)")
    parser.add_argument("--no-gui", action="store_true", help="ne pas ouvrir la fenêtre après la génération")
    parser.set_defaults(func=run, wants_gui=True)


def run(args, open_db) -> int:
    if args.db is None:
        args.db = str(default_demo_path())
    database = open_db()
    refuse_real_database(database)
    started = time.perf_counter()

    with progress_line() as progress:
        report = build_demo(database, cases=args.cases, seed=args.seed, progress=progress)
    elapsed = time.perf_counter() - started
    created = fr_count(report.cases, "dossier de démonstration créé", "dossiers de démonstration créés")
    print(f"{created} en {fr_seconds(elapsed)} dans {database.describe()}.")
    from core.users import DEMO_PASSWORD, set_demo_passwords

    if set_demo_passwords(database):
        print(f"Connexion : « admin », « responsable » ou un agent (« sabrina »…), mot de passe « {DEMO_PASSWORD} ».")
    args.wants_gui = not args.no_gui
    return 0
