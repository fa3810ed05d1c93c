"""Benchmark row of issue 15: dry run and import of a « Signal Logement » export of 10,000 reports.

    uv run python tests/benchmarks/signal_import.py [--rows N] [--keep DIR]

Writes the platform's CSV (every column, fictional people), then times on a
fresh base with the 200 demo cases: the dry run, the import, and the same file
imported again (every report already known, nothing to change), and a later
export where every report is newer (each case merged field by field). Target ≤ 15 s
for the dry run and the import (issue 15); the other two are printed for information.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

TARGET_S = 15.0
STREETS = ["rue des Essais", "avenue du Modèle", "boulevard Fictif", "rue de l'Exemple", "place Imaginaire"]
NAMES = ["Fictif", "Exemple", "Essai", "Modèle", "Imaginaire", "Témoin", "Prototype", "Maquette"]
FIRST = ["Océane", "Léon", "Zoé", "Noé", "Inès", "Jules", "Maëlle", "Hugo"]
DISORDERS = ["Présence de nuisibles", "Moisissures", "Absence de chauffage", "Odeur de cave persistante",
             "Installation électrique dangereuse", "Fenêtre qui ferme mal"]


def platform_rows(count: int, seed: int, updated_later_by: int = 0) -> list[dict]:
    import json

    from tests.core.signal_files import report

    communes = json.loads((ROOT / "resources" / "reference" / "territoire.json").read_text("utf-8"))["communes"]
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        commune = rng.choice(communes)
        deposited = date(2024, 1, 1) + timedelta(days=rng.randrange(600))
        closed = rng.random() < 0.3
        values = report(f"2024-{number + 1}", **{
            "Déposé le": deposited.strftime("%d/%m/%Y"), "Nom occupant": f"{rng.choice(NAMES)}-{number}",
            "Prénom occupant": rng.choice(FIRST), "Tél. occupant": f"'06{rng.randrange(10**8):08d}'",
            "Adresse": f"{rng.randrange(1, 200)} {rng.choice(STREETS)}", "Commune": commune["name"],
            "Code INSEE": commune["insee"], "Code postal": commune["postcode"],
            "Superficie": f"{rng.randrange(12, 110)},{rng.randrange(10)}", "Nb personnes": str(rng.randrange(1, 7)),
            "Nb enfants": "0", "Désordres": "|".join(rng.sample(DISORDERS, rng.randrange(0, 4))),
            "Statut": "fermé" if closed else rng.choice(["nouveau", "en cours"]),
            "Fermé le": (deposited + timedelta(days=90)).strftime("%d/%m/%Y") if closed else "",
            "Motif de clôture": "Relogement occupant" if closed else "",
            "Dernière MAJ le": (deposited + timedelta(days=100 + updated_later_by)).strftime("%d/%m/%Y"),
            "E-mail occupant": f"occupant{number}.{updated_later_by}@example.org",
            "Date de la dernière visite": (deposited + timedelta(days=20)).strftime("%d/%m/%Y")
            if rng.random() < 0.5 else "Non renseigné",
            "Dénomination bailleur": f"SCI Fictive {rng.randrange(40)}",
            "Description": "Signalement fictif ; ligne 1\nligne 2 « citée »",
        })
        rows.append(values)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="dossier où garder la base et le fichier")
    args = parser.parse_args()
    from core.actor import SYSTEM
    from core.demo import build_demo
    from core.imports import import_cases
    from db.open import open_database
    from tests.core.signal_files import write_export

    directory = args.keep or Path(tempfile.mkdtemp(prefix="bench-signal-"))
    directory.mkdir(parents=True, exist_ok=True)
    source = write_export(directory / "export-signal-logement.csv", platform_rows(args.rows, args.seed))
    database = open_database(directory / "base.sqlite3")
    build_demo(database, cases=200, seed=7, today=date(2026, 11, 25))
    print(f"Fichier : {source} ({source.stat().st_size / 1e6:.1f} Mo, {args.rows} signalements)")
    later = write_export(directory / "export-plus-recent.csv", platform_rows(args.rows, args.seed, 30))
    figures = []
    for label, path, kwargs in (("vérification (--dry-run)", source, {"dry_run": True}), ("import", source, {}),
                                ("ré-import du même fichier", source, {}),
                                ("mise à jour (export plus récent)", later, {})):
        started, cpu = time.perf_counter(), time.process_time()
        report = import_cases(database, SYSTEM, path, **kwargs)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert not report.errors, report.errors[:3]
        figures.append((label, elapsed, cpu, f"{report.new} nouveaux, {report.imported} créés, "
                                        f"{report.updated} mis à jour, {report.unchanged} inchangés"))
    database.dispose()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Charge de la machine (moyenne 1 min) : {load:.1f} pour {os.cpu_count()} cœur(s) ; le temps CPU du "
          "processus est le chiffre à comparer quand la machine est partagée.")
    print(f"{'Opération':34} {'durée':>8} {'CPU':>8} {'cible':>7}  résultat")
    for label, elapsed, cpu, detail in figures:
        verdict = "ok" if elapsed <= TARGET_S else "au-delà de la cible"
        print(f"{label:34} {elapsed:7.1f} s {cpu:6.1f} s {TARGET_S:5.0f} s  {verdict} ({detail})")
    return 0 if all(elapsed <= TARGET_S for _, elapsed, _, _ in figures[:2]) else 1


if __name__ == "__main__":
    sys.exit(main())
