"""`main.py captures-guide`: render the user guide's screenshots with the application itself.

A fresh demo base is built in a temporary folder, then each view is captured by the application's own
`--screenshot` mode (a separate process each), so the pictures of resources/guide/images always show the
current screens.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "resources" / "guide" / "images"
VIEWS = ("echeances", "dossiers", "agenda", "relogement", "commissions", "tableau-de-bord", "referentiels")
CASE_IMAGE = "dossier"


def register(subparsers) -> None:
    parser = subparsers.add_parser("captures-guide",
                                   help="refaire les captures d'écran du guide de l'utilisateur (base de démonstration)")
    parser.add_argument("--dossier", default="2026-00042", help="référence du dossier montré (base de démonstration)")
    parser.set_defaults(func=run)


def run(args, open_db) -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mh-guide-") as folder:
        base = str(Path(folder) / "demo.sqlite3")
        built = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", base, "demo", "--cases", "300",
                                "--no-gui"], capture_output=True, text=True)
        if built.returncode != 0:
            print(f"Erreur : la base de démonstration n'a pas pu être construite.\n{built.stderr}", file=sys.stderr)
            return 1
        shots = [(view, view) for view in VIEWS] + [(CASE_IMAGE, f"case:{args.dossier}")]
        failed = 0
        for name, view in shots:
            target = IMAGES / f"{name}.png"
            done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", base, "--screenshot", str(target),
                                   "--view", view], capture_output=True, text=True)
            if done.returncode != 0:
                failed += 1
                print(f"Capture « {name} » impossible : {done.stderr.strip()[-300:]}", file=sys.stderr)
            else:
                print(f"{target.relative_to(ROOT)}")
    return 1 if failed else 0
