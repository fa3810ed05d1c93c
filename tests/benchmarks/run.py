"""Benchmark at metropolis scale (issue 8): every interaction against its target and its floor.

    uv run python tests/benchmarks/run.py [--cases N] [--seed S] [--json FILE] [--repeat R] [--charge]
    uv run python tests/benchmarks/run.py --db postgresql+psycopg://USER@HOST/BASE --cases N   (shared office)

Builds (or reuses, by cases and seed) a demo database, then measures the core
operations in this process and the GUI in fresh processes (tests/benchmarks/gui_probe.py).
With --charge, the GUI probes run a second time while two CPU-bound processes compete for the
cores (a field laptop running an antivirus and a mail client). Every run prints a calibration
figure (a fixed bare-sqlite3 workload) so that runs made on different days can be compared.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from measure import Figure, table, timed  # noqa: E402

TODAY = date(2026, 11, 25)
QUERIES = ["helene", "hélène", "lefevre", "lefèvre", "roubaix", "rue d", "2026-000", "noel", "noël", "bourgogne"]
MS = 0.001


def is_server(target) -> bool:
    return isinstance(target, str) and "://" in target


def server_dataset(cases: int, seed: int, url: str) -> str:
    """The same demo dataset in a PostgreSQL base (built once, marked like the SQLite files); the measures
    write to it directly (no copy of a server base)."""
    from sqlalchemy import func, select, text

    from core.demo import build_demo
    from db import models as m
    from db.open import open_database

    key = f"{cases}:{seed}:{TODAY.isoformat()}"
    database = open_database(url)
    with database.session() as session:
        marker = session.get(m.Setting, "bench_dataset")
        present = session.scalar(select(func.count(m.Case.id)))
    if marker is not None and marker.value == key:
        print(f"Jeu de données réutilisé : {database.describe()}")
    elif present:
        raise SystemExit(f"La base {database.describe()} contient déjà {present} dossiers d'un autre jeu : "
                         "donnez une base vide.")
    else:
        print(f"Construction du jeu de données ({cases} dossiers, graine {seed}) sur le serveur…", flush=True)
        started = time.perf_counter()
        build_demo(database, cases=cases, seed=seed, today=TODAY)
        with database.write() as session:
            session.merge(m.Setting(key="bench_dataset", value=key))
        with database.session() as session:
            size = session.scalar(text("SELECT pg_database_size(current_database())"))
        print(f"  construit en {time.perf_counter() - started:.1f} s, {size / 2**20:.0f} Mio", flush=True)
    database.dispose()
    return url


def dataset(cases: int, seed: int, path: Path | None) -> Path:
    from sqlalchemy import select

    from core.demo import build_demo
    from db import models as m
    from db.open import open_database

    path = path or HERE / "data" / f"bench-{cases}-{seed}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    key = f"{cases}:{seed}:{TODAY.isoformat()}"
    if path.exists():
        database = open_database(path)
        with database.session() as session:
            marker = session.get(m.Setting, "bench_dataset")
        if marker is not None and marker.value == key:
            database.dispose()
            print(f"Jeu de données réutilisé : {path}")
            return path
        database.dispose()
        path.unlink()
    print(f"Construction du jeu de données ({cases} dossiers, graine {seed})…", flush=True)
    started = time.perf_counter()
    database = open_database(path)
    build_demo(database, cases=cases, seed=seed, today=TODAY)
    with database.write() as session:
        session.merge(m.Setting(key="bench_dataset", value=key))
    with database.session() as session:
        counts = {t: session.execute(select(__import__("sqlalchemy").func.count()).select_from(getattr(m, t))).scalar()
                  for t in ("Case", "Visit", "JournalEntry")}
    database.dispose()
    print(f"  construit en {time.perf_counter() - started:.1f} s : {counts}, {path.stat().st_size / 2**20:.0f} Mio")
    return path


def manager(database):
    from sqlalchemy import select

    from core.actor import Actor
    from db import models as m

    with database.session() as session:
        user = session.scalars(select(m.User).where(m.User.role == "manager").order_by(m.User.id)).first()
        agent = session.scalars(select(m.User).where(m.User.role == "agent").order_by(m.User.id)).first()
    return Actor(user.id, user.login, user.role, user.full_name), agent.id


def raw(path):
    """A bare driver connection (sqlite3, or psycopg for a server): the floor of the measures."""
    if is_server(path):
        import psycopg

        return psycopg.connect(path.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA query_only = ON")
    return connection


def captured_sql(database, function) -> list[tuple[str, tuple]]:
    """The SQL statements (with parameters) that one call of `function` sends to SQLite."""
    from sqlalchemy import event

    statements = []

    def record(_conn, _cursor, statement, parameters, _context, executemany):
        if not executemany and statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters if isinstance(parameters, dict) else tuple(parameters)))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        function()
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    return statements


def floor_of(database, connection, function):
    """The floor of an operation: the very same SELECTs run through the bare driver, rows fetched."""
    statements = captured_sql(database, function)
    return lambda: [connection.execute(sql, params).fetchall() for sql, params in statements]


def bench_list(database, path: Path, repeat: int) -> list[Figure]:
    from core.case_list import CaseQuery, case_ids, case_page, case_rows

    connection = raw(path)
    session = database.session()

    def first_page(query):  # what the list shows first: the first page of ids and its rows
        return lambda: case_rows(session, case_page(session, CaseQuery(text=query), limit=200,
                                                    count_total=False).ids)

    operations = [first_page(q) for q in QUERIES]
    search = [s for op in operations for s in timed(op, repeat)]
    search_floor = [s for op in operations for s in timed(floor_of(database, connection, op), repeat)]
    figures = [Figure("Recherche (10 requêtes, avec et sans accents), 1re page", search, 50 * MS, search_floor,
                      note="p95")]
    ids = case_ids(session, CaseQuery())
    pages = [lambda p=ids[i:i + 200]: case_rows(session, p) for i in (0, len(ids) // 2, len(ids) - 200)]
    figures.append(Figure("Chargement d'une page de 200 lignes", [s for op in pages for s in timed(op, repeat)],
                          20 * MS, [s for op in pages for s in timed(floor_of(database, connection, op), repeat)]))
    keys = (("household", False), ("reference", True), ("priority", True), ("last_activity", True),
            ("neighbourhood", False))
    runs = max(2, repeat // 2)
    # What the user sees after a click: the first page in the new order (the full id list follows).
    sorted_pages = [lambda k=key, d=desc: case_rows(session, case_page(
        session, CaseQuery(sort=k, descending=d), limit=200, count_total=False).ids) for key, desc in keys]
    figures.append(Figure("Changement de tri : 1re page triée", [s for op in sorted_pages for s in timed(op, runs)],
                          100 * MS, [s for op in sorted_pages for s in timed(floor_of(database, connection, op), runs)]))
    sorts = [lambda k=key, d=desc: case_ids(session, CaseQuery(sort=k, descending=d)) for key, desc in keys]
    figures.append(Figure("Changement de tri : liste complète des identifiants",
                          [s for op in sorts for s in timed(op, runs)], None,
                          [s for op in sorts for s in timed(floor_of(database, connection, op), runs)]))
    session.close()
    connection.close()
    return figures


def bench_actions(database, repeat: int) -> list[Figure]:
    from sqlalchemy import select

    from core.auth import actor_for
    from core.queries.tasks import task_queue
    from core.services.visits import conclude_visit, schedule_visit
    from db import models as m

    actor, agent_id = manager(database)
    with database.session() as session:
        cases = session.scalars(select(m.Case.id).where(m.Case.status == "en_cours").order_by(m.Case.id).limit(40)).all()
    visits = []
    for case_id in cases[: repeat + 1]:
        changes = schedule_visit(database, actor, [case_id], "constat", datetime.combine(TODAY, datetime.min.time())
                                 - timedelta(days=1) + timedelta(hours=10))
        visits.append(changes.entity_id)
    pending = list(visits)

    def save():
        visit_id = pending.pop()
        conclude_visit(database, actor, visit_id, done_at=datetime.combine(TODAY, datetime.min.time()) - timedelta(hours=12),
                       next_steps="Courrier au bailleur sous huit jours.", occupant_present=True)

    figures = [Figure("Enregistrement d'une conclusion de visite (journal et audit compris)",
                      timed(save, repeat, warmup=1), 30 * MS)]
    session = database.session()
    agent = actor_for(session.get(m.User, agent_id))
    figures.append(Figure("Moteur d'échéances, file d'un agent",
                          timed(lambda: task_queue(session, agent, TODAY, 7), repeat), None))
    session.close()
    return figures


def bench_pages(database, repeat: int) -> list[Figure]:
    """The table pages' and the dashboard's reads (core.queries), as a manager and as the first agent."""
    from sqlalchemy import select

    from core.auth import actor_for
    from core.queries.agenda import agenda_visits
    from core.queries.dashboard import dashboard_cases, dashboard_figures
    from core.queries.relocation import OPEN, relocation_board
    from core.queries.tasks import task_queue
    from db import models as m

    with database.session() as session:
        people = [("responsable", actor_for(session.scalars(select(m.User).where(m.User.role == "manager")
                                                            .order_by(m.User.id)).first())),
                  ("agent", actor_for(session.scalars(select(m.User).where(m.User.role == "agent")
                                                      .order_by(m.User.id)).first()))]
    year = TODAY - timedelta(days=364)
    reads = [("Relogement, en cours", lambda a: relocation_board(database, a, OPEN, TODAY)),
             ("Échéances, toute l'équipe, 30 j", lambda a: task_queue(database, a, TODAY, 30, True)),
             ("Agenda, une semaine, tous agents", lambda a: agenda_visits(database, a, TODAY - timedelta(days=2))),
             ("Tableau de bord, une année", lambda a: dashboard_figures(database, a, year, TODAY)),
             ("Tableau de bord, clic sur les dossiers suivis", lambda a: dashboard_cases(database, a, year, TODAY, None,
                                                                                        "suivis"))]
    return [Figure(f"{name} ({who})", timed(lambda read=read, actor=actor: read(actor), repeat), None)
            for name, read in reads for who, actor in people]


def bench_documents(database, repeat: int) -> list[Figure]:
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from sqlalchemy import func, select

    from core.exports import export_cases
    from core.pdf.bilan import build_bilan
    from core.pdf.fiche import build_fiche
    from db import models as m

    actor, _ = manager(database)
    with database.session() as session:
        busiest = session.execute(
            select(m.Case.reference).join(m.JournalEntry, m.JournalEntry.case_id == m.Case.id)
            .group_by(m.Case.id).order_by(func.count(m.JournalEntry.id).desc()).limit(1)).scalar()

    def bare(pdf: bytes):
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        styles = getSampleStyleSheet()
        lines = [line.replace("&", "&amp;").replace("<", "&lt;") for line in text.splitlines()]
        return lambda: SimpleDocTemplate(io.BytesIO(), pagesize=A4).build(
            [Paragraph(line, styles["Normal"]) for line in lines])

    figures = []
    from core.pdf.documents import case_id_for_reference

    busiest_id = case_id_for_reference(database, busiest)
    fiche = build_fiche(database, actor, busiest_id)
    figures.append(Figure(f"Fiche de suivi PDF ({busiest})", timed(lambda: build_fiche(database, actor, busiest_id), repeat),
                          0.5, timed(bare(fiche), repeat)))
    start, end = TODAY - timedelta(days=365), TODAY
    bilan = build_bilan(database, actor, start, end)
    figures.append(Figure("Bilan par objectif PDF, une année", timed(lambda: build_bilan(database, actor, start, end),
                                                                      max(2, repeat // 3), warmup=0), 5.0,
                          timed(bare(bilan), 1, warmup=0)))
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder)
        export = lambda: export_cases(database, actor, target / "tous.csv", "csv")  # noqa: E731
        floor = csv_floor(database, connection_for(database), export, target / "plancher.csv")
        figures.append(Figure("Export CSV de tous les dossiers", timed(export, 3, warmup=0), 5.0,
                              timed(floor, 3, warmup=0), ratio_target=3.0))
        figures.append(Figure("Export XLSX de tous les dossiers", timed(
            lambda: export_cases(database, actor, target / "tous.xlsx", "xlsx"), 1, warmup=0), 30.0))
    return figures


def connection_for(database):
    return raw(database.path if database.path is not None
               else database.url.render_as_string(hide_password=False))


def csv_floor(database, connection: sqlite3.Connection, export, target: Path):
    """The export's floor: its very SELECTs replayed through bare sqlite3, every row written by csv.writer
    as it comes (what any export of those columns must do at least)."""
    statements = captured_sql(database, export)

    def run() -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            for sql, params in statements:
                writer.writerows(connection.execute(sql, params))

    return run


def calibration() -> Figure:
    """A fixed bare-sqlite3 workload (in memory, the same on every run): how fast the machine is today."""
    def workload() -> None:
        connection = sqlite3.connect(":memory:")
        connection.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        connection.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) "
                           "INSERT INTO t SELECT i * 7919 % 100003, printf('%08d', i * 31 % 99991) FROM n")
        connection.execute("SELECT b, count(*), sum(a) FROM t GROUP BY b ORDER BY 2 DESC, 1").fetchall()
        connection.close()

    return Figure("Étalonnage : charge fixe en sqlite3 nu (compare les jours et les machines)",
                  timed(workload, 5))


def _probe(path: Path, env: dict) -> dict:
    launched = time.time()
    output = subprocess.run([sys.executable, str(HERE / "gui_probe.py"), str(path), repr(launched)],
                            capture_output=True, text=True, cwd=ROOT, env=env)
    if output.returncode != 0:
        raise RuntimeError(output.stderr[-2000:])
    return json.loads(output.stdout.strip().splitlines()[-1])


@contextmanager
def competing_load(processes: int):
    """`processes` CPU-bound Python processes, ended when the block ends."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


# GUI targets (seconds) in normal and in busy mode: (figure, normal, busy); None where there is none.
GUI_TARGETS = {"cold_start": (1.5, 2.0), "recherche": (0.1, 0.1), "tri": (0.1, 0.1),
               "ouverture dossier": (0.1, 0.15), "gap": (0.1, 0.1), "memory": (300, 300)}
P95_TARGETS = {"recherche", "ouverture dossier"}  # these targets hold for the p95, the others for the median


def bench_gui(path: Path, runs: int, busy: bool = False) -> list[Figure]:
    """Fresh GUI processes. The first one is the very first start: no compiled bytecode
    (an empty PYTHONPYCACHEPREFIX) and a database never opened by the application, so
    the integrity check runs before the window. Then one start that lets Python keep its
    bytecode cache, as on any workstation (this machine sets PYTHONDONTWRITEBYTECODE=1,
    which would make every start compile SQLAlchemy again), and the measured starts.
    busy: the measured starts run while two CPU-bound processes take the cores."""
    # The window's saved state (sort, column widths) in a folder of this run's own: a sort or a column left
    # by an older probe made every search of the next runs slower (120-220 ms instead of 60-160).
    settings = tempfile.mkdtemp(prefix="mh-bench-settings-")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=settings)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    figures = []
    if not busy:
        with tempfile.TemporaryDirectory() as empty_cache:
            first = _probe(path, dict(env, PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=empty_cache))
        figures.append(Figure("Tout premier démarrage (bytecode à compiler, base vérifiée)", [first["cold_start"]]))
    _probe(path, env)
    if busy:
        with competing_load(2):
            results = [_probe(path, env) for _ in range(runs)]
    else:
        results = [_probe(path, env) for _ in range(runs)]
    mode, column = (BUSY, 1) if busy else ("", 0)
    figures.insert(0, Figure(f"Démarrage à froid jusqu'aux premières lignes affichées{mode}",
                             [r["cold_start"] for r in results], GUI_TARGETS["cold_start"][column]))
    for name in results[0]["ops"]:
        target = GUI_TARGETS.get(name, (None, None))[column]
        figures.append(Figure(f"Interface : {name}{mode}", [s for r in results for s in r["ops"][name]], target,
                              note="p95" if name in P95_TARGETS else ""))
    figures.append(Figure(f"Plus long blocage du fil de l'interface{mode}", [max(r["gaps"].values()) for r in results],
                          GUI_TARGETS["gap"][column],
                          note="; ".join(f"{k} {max(r['gaps'][k] for r in results) * 1000:.0f} ms"
                                         for k in results[0]["gaps"])))
    figures.append(Figure(f"Mémoire maximale (RSS) du processus graphique{mode}", [r["peak_rss_mb"] for r in results],
                          GUI_TARGETS["memory"][column], unit="MB"))
    shutil.rmtree(settings, ignore_errors=True)
    return figures


BUSY = " (machine chargée)"


def readme_table(figures: list[Figure]) -> str:
    """The README's table: one line per measure, the busy run's median and p95 beside the normal ones."""
    from measure import fmt

    busy = {f.name[: -len(BUSY)]: f for f in figures if f.name.endswith(BUSY)}
    lines = ["| Mesure | médiane | p95 | plancher | ratio | machine chargée : médiane | p95 | cible |",
             "|---|---|---|---|---|---|---|---|"]
    for f in figures:
        if f.name.endswith(BUSY):
            continue
        other = busy.get(f.name)
        verdict = {True: " ✔", False: " MANQUÉ", None: ""}

        def target(figure):
            parts = [f"{'p95' if 'p95' in figure.note else ''} ≤ {fmt(figure.target, figure.unit)}".strip()
                     if figure.target is not None else "",
                     f"≤ {figure.ratio_target:g}× plancher" if figure.ratio_target else ""]
            return " et ".join(p for p in parts if p)

        wanted = target(f) + verdict[f.ok] if target(f) else "—"
        if other is not None and other.target is not None:
            wanted += f" ; chargée : {target(other)}{verdict[other.ok]}"
        ratio = f"{f.ratio:.2f}×" if f.ratio else "—"
        cells = [f.name, fmt(f.median, f.unit), fmt(f.p95, f.unit), fmt(f.floor_median, f.unit), ratio,
                 fmt(other.median, other.unit) if other else "—", fmt(other.p95, other.unit) if other else "—",
                 wanted]
        lines.append(re.sub(r"(\d)\.(\d)", r"\1,\2", "| " + " | ".join(cells) + " |"))  # French decimals
    return "\n".join(lines)


def postgres_version(url: str) -> str:
    with raw(url) as connection:
        return "PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0]


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            memory = f", {int(handle.readline().split()[1]) / 2**20:.0f} Gio de RAM"
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cœurs{memory}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="fichier SQLite du jeu de données, ou adresse d'un serveur PostgreSQL")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--gui-runs", type=int, default=3)
    parser.add_argument("--only", choices=["list", "actions", "pages", "documents", "gui"], action="append")
    parser.add_argument("--charge", action="store_true",
                        help="mesurer aussi l'interface pendant que deux processus occupent les cœurs")
    args = parser.parse_args(argv)
    from db.open import open_database

    server = is_server(args.db)
    if server:
        work = server_dataset(args.cases, args.seed, args.db)
    else:
        path = dataset(args.cases, args.seed, Path(args.db) if args.db else None)
        work = Path(tempfile.mkdtemp(prefix="mh-bench-")) / path.name
        # Writes (visit conclusions, audit) go to a copy, so the dataset stays reusable.
        _copy(path, work)
    database = open_database(work)
    figures = [calibration()]
    # The window's probes open a local file (on a server the window first asks for an application login).
    wanted = set(args.only or ["list", "actions", "pages", "documents"] + ([] if server else ["gui"]))
    if "list" in wanted:
        figures += bench_list(database, work, args.repeat)
    if "actions" in wanted:
        figures += bench_actions(database, args.repeat)
    if "pages" in wanted:
        figures += bench_pages(database, args.repeat)
    if "documents" in wanted:
        figures += bench_documents(database, args.repeat)
    database.dispose()
    if "gui" in wanted:
        figures += bench_gui(work, args.gui_runs)
        if args.charge:
            figures += bench_gui(work, args.gui_runs, busy=True)
    if not server:
        shutil.rmtree(work.parent, ignore_errors=True)  # an 850 MB copy per run otherwise stays in the temp folder
    print()
    print(f"Machine : {machine()} ; {args.cases} dossiers" + (f" ; {postgres_version(work)}" if server else ""))
    print(table(figures))
    for figure in figures:
        if figure.note and figure.note != "p95":
            print(f"  {figure.name} : {figure.note}")
    if args.charge:
        print("\nPour le README (colonnes « machine chargée » : deux processus occupent les cœurs) :\n")
        print(readme_table(figures))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "cases": args.cases, "seed": args.seed,
                                         "figures": [f.as_dict() for f in figures]}, ensure_ascii=False, indent=2))
    return 0


def _copy(source: Path, target: Path) -> None:
    from db.backup import copy_database

    copy_database(source, target)


if __name__ == "__main__":
    sys.exit(main())
