"""A copy of the program missing a part (what a badly built bundle is) says so in French and stops:
it never hangs, also when it was asked for a screenshot."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INCOMPLETE_INSTALLATION = 3


@pytest.fixture
def program_copy(tmp_path):
    """The program's files alone (no tests, no virtual environment) in a fresh folder."""
    copy = tmp_path / "programme"
    for part in ("core", "db", "gui", "resources"):
        shutil.copytree(ROOT / part, copy / part)  # with the compiled files: the copy starts as fast
    shutil.copy2(ROOT / "main.py", copy / "main.py")
    return copy


def run_copy(copy: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("XDG_")}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", PYTHONPATH="")
    return subprocess.run([sys.executable, str(copy / "main.py"), *args], cwd=home, capture_output=True,
                          text=True, env=env, timeout=150)


def test_a_missing_page_fails_the_screenshot_in_french_instead_of_hanging(program_copy, tmp_path, demo_db):
    (program_copy / "gui" / "dashboard.py").unlink()

    result = run_copy(program_copy, tmp_path, "--db", str(demo_db.path), "--screenshot", str(tmp_path / "x.png"),
                      "--view", "tableau-de-bord")

    assert result.returncode != 0
    assert "le module « gui.dashboard » est introuvable" in result.stderr


def test_missing_data_files_are_named_before_anything_starts(program_copy, tmp_path):
    (program_copy / "resources" / "fonts" / "DejaVuSans-Bold.ttf").unlink()
    shutil.rmtree(program_copy / "db" / "migrations")

    result = run_copy(program_copy, tmp_path, "demo", "--cases", "5", "--no-gui")

    assert result.returncode == INCOMPLETE_INSTALLATION
    assert ("ne peut pas démarrer : fichiers absents : « resources/fonts/DejaVuSans-Bold.ttf », "
            "« db/migrations/env.py », « db/migrations/versions »") in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / ".local" / "share" / "mediation-habitat").exists(), "nothing may be created"


def test_commands_left_out_of_a_bundle_are_reported_not_refused_as_unknown(program_copy, tmp_path):
    for command in (program_copy / "core" / "commands").glob("*.py"):
        if command.name not in ("__init__.py", "cli.py"):  # what a bundle holds without collect_submodules
            command.unlink()

    result = run_copy(program_copy, tmp_path, "demo", "--cases", "5", "--no-gui")

    assert result.returncode == INCOMPLETE_INSTALLATION
    assert "aucune commande trouvée" in result.stderr
    assert "choix invalide" not in result.stderr


def test_a_missing_library_is_named_in_french(program_copy, tmp_path):
    (program_copy / "db" / "open.py").unlink()

    result = run_copy(program_copy, tmp_path, "check")

    assert result.returncode == INCOMPLETE_INSTALLATION
    assert "le module « db.open » est introuvable" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unattended_run_stuck_on_a_dialog_is_ended_with_a_french_message(tmp_path):
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QMessageBox\n"
        "from gui.app import UnattendedRun\n"
        "from gui.qt_app import ensure_app\n"
        "ensure_app()\n"
        "with UnattendedRun(limit_s=2):\n"
        "    QMessageBox(QMessageBox.Warning, 'Titre', 'Une question que personne ne lit').exec()\n"
        "sys.exit(0)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))

    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            env=env, timeout=60)

    assert result.returncode == 1
    assert "la capture n'est pas terminée après 2 s : abandon" in result.stderr
