"""Long jobs report how far they are and stop cleanly on « Annuler »: nothing half-done is left behind."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from core.actor import SYSTEM
from core.backups import make_backup
from core.commands.progress_line import progress_line
from core.demo import DEMO_MARKER, build_demo
from core.exports import export_cases
from core.imports import import_cases
from core.progress import Cancelled, Progress
from db import backup as db_backup
from db import models as m
from db.backup import backup_dir_for
from tests.core.test_import import GOOD_1, GOOD_2, write_csv

DEMO_DAY = __import__("datetime").date(2026, 11, 25)


class Recorder(Progress):
    """Keeps every report; cancels itself once `cancel_at` (label, fraction) is reached."""

    def __init__(self, cancel_at: tuple[str, float] | None = None):
        super().__init__()
        self.seen: list[tuple[int, int, str]] = []
        self.cancel_at = cancel_at

    def show(self, done: int, total: int, label: str) -> None:
        self.seen.append((done, total, label))
        if self.cancel_at and label == self.cancel_at[0] and done >= total * self.cancel_at[1]:
            self.cancel()

    def last(self, label: str) -> tuple[int, int]:
        return [(d, t) for d, t, name in self.seen if name == label][-1]


def count(database, model) -> int:
    with database.session() as session:
        return session.scalar(select(func.count(model.id)))


def many_rows(tmp_path, n=400):
    rows = [list(GOOD_1 if i % 2 else GOOD_2) for i in range(n)]
    for i, row in enumerate(rows):
        row[1] = f"Famille{i:04d}"
    return write_csv(tmp_path / "gros.csv", rows)


def test_import_reports_every_row_up_to_the_total(db, tmp_path):
    progress = Recorder()
    report = import_cases(db, SYSTEM, many_rows(tmp_path), progress=progress)
    assert report.imported == 400
    assert progress.last("Vérification des lignes") == (400, 400)
    assert progress.last("Enregistrement des dossiers") == (400, 400)
    assert len({d for d, _t, label in progress.seen if label == "Enregistrement des dossiers"}) > 10  # it moves


def test_import_cancelled_half_way_through_writing_adds_nothing(db, tmp_path):
    before = count(db, m.Case), count(db, m.Household), count(db, m.JournalEntry)
    progress = Recorder(cancel_at=("Enregistrement des dossiers", 0.5))
    with pytest.raises(Cancelled, match="annulée"):
        import_cases(db, SYSTEM, many_rows(tmp_path), progress=progress)
    assert 0 < progress.last("Enregistrement des dossiers")[0] < 400  # it had really started writing
    assert (count(db, m.Case), count(db, m.Household), count(db, m.JournalEntry)) == before


def test_export_cancelled_half_way_leaves_no_file(demo_db, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    progress = Recorder(cancel_at=("Écriture des dossiers", 0.5))
    with pytest.raises(Cancelled):
        export_cases(demo_db, SYSTEM, folder / "dossiers.csv", "csv", progress=progress)
    assert 0 < progress.last("Écriture des dossiers")[0] < 200
    assert list(folder.iterdir()) == []


def test_export_progress_reaches_the_number_of_rows(demo_db, tmp_path):
    progress = Recorder()
    report = export_cases(demo_db, SYSTEM, tmp_path / "dossiers.xlsx", "xlsx", progress=progress)
    assert progress.last("Écriture des dossiers") == (report.rows, report.rows) and report.rows == 200


def test_backup_cancelled_during_the_copy_leaves_no_partial_file(demo_db, monkeypatch):
    monkeypatch.setattr(db_backup, "STEP_PAGES", 8)  # the demo base is small: many steps all the same
    folder = backup_dir_for(demo_db)
    before = sorted(folder.iterdir()) if folder.exists() else []
    progress = Recorder(cancel_at=("Copie de la base", 0.5))
    with pytest.raises(Cancelled):
        make_backup(demo_db, SYSTEM, progress)
    assert (sorted(folder.iterdir()) if folder.exists() else []) == before


def test_backup_progress_reaches_every_page(demo_db, monkeypatch):
    monkeypatch.setattr(db_backup, "STEP_PAGES", 8)
    progress = Recorder()
    made = make_backup(demo_db, SYSTEM, progress)
    done, total = progress.last("Copie de la base")
    assert done == total > 8 and made.path.is_file()


def test_demo_cancelled_adds_no_case_and_no_marker(db):
    progress = Recorder(cancel_at=("Dossiers de démonstration", 0.5))
    with pytest.raises(Cancelled):
        build_demo(db, cases=1000, seed=2, today=DEMO_DAY, progress=progress)
    assert 0 < progress.last("Dossiers de démonstration")[0] < 1000
    with db.session() as session:
        assert session.scalar(select(func.count(m.Case.id))) == 0
        assert session.get(m.Setting, DEMO_MARKER) is None


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_line_a_pipe_gets_none(db, tmp_path):
    terminal, pipe = FakeTerminal(), io.StringIO()
    with progress_line(terminal) as progress:
        import_cases(db, SYSTEM, many_rows(tmp_path, 50), progress=progress)
    with progress_line(pipe) as progress:
        import_cases(db, SYSTEM, many_rows(tmp_path, 50), progress=progress)
    assert "Enregistrement des dossiers" in terminal.getvalue() and "50 / 50" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_the_command_line_into_a_pipe_prints_no_progress_line(db, db_path, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    source = many_rows(tmp_path, 300)
    db.dispose()
    result = subprocess.run([sys.executable, str(root / "main.py"), "--db", str(db_path), "import", str(source)],
                            cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "300\u00a0dossiers importés sur 300\u00a0lignes."
    assert result.stderr == ""  # no bar, no carriage returns, no escape codes
    export = tmp_path / "tout.csv"
    result = subprocess.run([sys.executable, str(root / "main.py"), "--db", str(db_path), "export", "-o", str(export)],
                            cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stderr == "" and "\r" not in result.stdout


def test_bilan_cancelled_before_the_end_writes_no_pdf(demo_db, tmp_path):
    from core.pdf.bilan import STEP, build_bilan

    target = tmp_path / "bilan.pdf"
    progress = Recorder(cancel_at=(STEP, 0.3))  # clicked during the layout: seen at the next step
    with pytest.raises(Cancelled):
        build_bilan(demo_db, SYSTEM, DEMO_DAY.replace(month=1, day=1), DEMO_DAY, target=target, progress=progress)
    assert not target.exists() and [p for p in tmp_path.iterdir() if "bilan" in p.name] == []
    progress = Recorder()
    build_bilan(demo_db, SYSTEM, DEMO_DAY.replace(month=1, day=1), DEMO_DAY, target=target, progress=progress)
    assert target.is_file() and progress.last(STEP) == (3, 3)


def test_a_full_check_counts_rows_table_by_table_and_stops_when_asked(demo_db):
    from db.integrity import STRUCTURE_STEP, TABLES_STEP, check_file

    demo_db.dispose()
    progress = Recorder()
    report = check_file(demo_db.path, True, tick=progress.update)
    rows = [(done, total) for done, total, label in progress.seen if label == TABLES_STEP]
    assert report.ok and report.full
    total = rows[-1][1]
    assert total > 2000 and rows[0] == (0, total) and rows[-1] == (total, total)  # the demo's 2,000 cases, and more
    assert [done for done, _ in rows] == sorted(done for done, _ in rows) and len(set(rows)) > 10
    assert progress.seen[-1][2] == STRUCTURE_STEP  # the whole file's page accounting comes last

    progress = Recorder(cancel_at=(TABLES_STEP, 0.3))
    with pytest.raises(Cancelled):
        check_file(demo_db.path, True, tick=progress.update)
    assert max(done for done, total, label in progress.seen if label == TABLES_STEP) < total


def test_a_full_check_stopped_inside_a_statement_reports_no_false_damage(demo_db, monkeypatch):
    from db import integrity
    from db.integrity import check_file

    monkeypatch.setattr(integrity, "TICK_STEPS", 100)  # SQLite's progress handler calls in the middle of a table
    demo_db.dispose()
    calls = []

    def stop(done, total, label):
        calls.append(done)
        if len(calls) == 3:  # the first two are the start and the first table: then SQLite's handler
            raise Cancelled()
    with pytest.raises(Cancelled):
        check_file(demo_db.path, True, tick=stop)
    assert len(calls) == 3
