"""The installable bundle (packaging/mediation_habitat.spec): built with PyInstaller, moved to another folder
(with a space and an accent in its path), and run there with an empty home folder, as a field office's computer
would run it after the installer. Each command must succeed, and the folder must stay within its size budget.

Building takes minutes: this module runs only with MH_BUILD_BUNDLE=1, as its own step of .ci/run:
    MH_BUILD_BUNDLE=1 uv run --group packaging pytest -n 0 tests/packaging
Figures (build time, size, start time) are printed: run with -s to see them.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "mediation_habitat.spec"
SIZE_BUDGET = 280 * 1024 * 1024  # on disk, as `du` counts it
BUILD_TIMEOUT_S = 45 * 60
RUN_TIMEOUT_S = 180
PASSPHRASE = "une phrase de passe assez longue"
PROGRAM = "mediation-habitat" + (".exe" if sys.platform == "win32" else "")

if os.environ.get("MH_BUILD_BUNDLE") != "1":
    pytest.skip("construction du paquet PyInstaller : MH_BUILD_BUNDLE=1 (étape à part de .ci/run)",
                allow_module_level=True)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(BUILD_TIMEOUT_S + 15 * 60)]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bundle, built from the spec, then moved where the installer would put it: the program's path."""
    work = tmp_path_factory.mktemp("construction")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(SPEC)],
        cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    print(f"\nbundle built in {time.monotonic() - started:.0f} s")
    target = tmp_path_factory.mktemp("installation") / "Programmes" / "Médiation Habitat"
    target.parent.mkdir()
    shutil.move(work / "dist" / "mediation-habitat", target)
    shutil.rmtree(work, ignore_errors=True)
    return target / PROGRAM


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("maison")


def run(program: Path, home: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess:
    """The installed program, from the user's home folder, with nothing of the project around it."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("XDG_", "PYTHON", "QT_", "VIRTUAL_ENV", "UV_"))
           and key not in ("DISPLAY", "WAYLAND_DISPLAY", "MEDIATION_HABITAT_PHRASE")}
    env.update(HOME=str(home), USERPROFILE=str(home), LOCALAPPDATA=str(home / "AppData" / "Local"), **extra_env)
    started = time.monotonic()
    result = subprocess.run([str(program), *args], cwd=home, capture_output=True, text=True, env=env,
                            timeout=RUN_TIMEOUT_S)
    print(f"{program.name} {' '.join(args)}: exit {result.returncode} in {time.monotonic() - started:.1f} s")
    return result


@pytest.fixture(scope="module")
def demo_base(installed, home) -> Path:
    result = run(installed, home, "demo", "--cases", "5", "--no-gui")
    assert result.returncode == 0, result.stderr
    assert "5 dossiers de démonstration créés" in result.stdout.replace("\xa0", " ")  # Babel: no-break spaces
    base = Path(result.stdout.split(" dans ", 1)[1].split(".sqlite3", 1)[0] + ".sqlite3")
    assert base.is_file() and home in base.parents, "the demo base goes to the user's data folder"
    return base


def size_on_disk(folder: Path) -> tuple[int, int]:
    total, files = 0, 0
    for directory, _subfolders, names in os.walk(folder):
        for name in names:
            info = os.lstat(os.path.join(directory, name))
            total += info.st_blocks * 512 if hasattr(info, "st_blocks") else info.st_size
            files += 1
    return total, files


def test_the_bundle_stays_within_its_size_budget(installed):
    size, files = size_on_disk(installed.parent)
    print(f"\nbundle: {size / 1024**2:.0f} MiB on disk, {files} files (budget {SIZE_BUDGET / 1024**2:.0f} MiB)")
    assert size <= SIZE_BUDGET
    left_out = [name for name in ("Qt6Quick", "Qt6Qml", "Qt6WebEngine", "Qt6VirtualKeyboard", "Qt6Wayland")
                if any(name in path.name for path in installed.parent.rglob("*"))]
    assert left_out == [], "trimmed libraries came back"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd : Linux")
def test_the_x11_window_finds_all_its_libraries_in_the_bundle(installed):
    libraries = installed.parent / "_internal"
    plugin = next(libraries.rglob("plugins/platforms/libqxcb.so"))
    env = dict(os.environ, LD_LIBRARY_PATH=str(libraries))

    result = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, env=env, check=True)

    assert "not found" not in result.stdout, result.stdout


def test_help_starts_in_french(installed, home):
    timings = []
    for _ in range(3):
        started = time.monotonic()
        result = run(installed, home, "--help")
        timings.append(time.monotonic() - started)
        assert result.returncode == 0, result.stderr
    print(f"--help: {min(timings):.2f}–{max(timings):.2f} s")
    assert f"utilisation : {PROGRAM}" in result.stdout
    for command in ("demo", "pdf", "export", "check", "encrypt", "backup", "restore"):
        assert command in result.stdout, f"command {command} was not collected"


def test_demo_goes_to_the_users_data_folder(demo_base):
    with sqlite3.connect(demo_base) as connection:
        assert connection.execute("SELECT count(*) FROM cases").fetchone() == (5,)


def test_screenshot_of_the_dashboard(installed, home, demo_base):
    picture = home / "tableau de bord.png"

    result = run(installed, home, "--db", str(demo_base), "--screenshot", str(picture), "--view", "tableau-de-bord")

    assert result.returncode == 0, result.stderr
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_size > 10_000, "a blank window: the charts or the fonts did not load"


def test_pdf_case_sheet_with_its_fonts(installed, home, demo_base):
    from pypdf import PdfReader

    with sqlite3.connect(demo_base) as connection:
        (reference,) = connection.execute("SELECT reference FROM cases ORDER BY reference").fetchone()
    sheet = home / "fiche.pdf"

    result = run(installed, home, "--db", str(demo_base), "pdf", "fiche", "-o", str(sheet), reference)

    assert result.returncode == 0, result.stderr
    reader = PdfReader(sheet)
    assert reference in reader.pages[0].extract_text()
    fonts = {str(font["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in font for font in fonts), fonts


def test_xlsx_export(installed, home, demo_base):
    from openpyxl import load_workbook

    table = home / "dossiers.xlsx"

    result = run(installed, home, "--db", str(demo_base), "export", "--format", "xlsx", "-o", str(table))

    assert result.returncode == 0, result.stderr
    sheet = load_workbook(table, read_only=True).active
    assert sum(1 for _row in sheet.iter_rows()) == 1 + 5  # the header and the five cases


def test_check_and_backup(installed, home, demo_base):
    result = run(installed, home, "--db", str(demo_base), "check")
    assert result.returncode == 0, result.stderr
    assert "aucun problème" in result.stdout

    result = run(installed, home, "--db", str(demo_base), "backup")
    assert result.returncode == 0, result.stderr
    assert "Sauvegarde vérifiée" in result.stdout


def test_postgresql_driver_is_in_the_bundle(installed, home):
    # Nothing listens on port 1: the driver loads, tries, and the program says so in French.
    result = run(installed, home, "--db", "postgresql://mh@127.0.0.1:1/mh", "demo", "--cases", "1", "--no-gui")

    assert result.returncode == 1
    assert "ne répond pas (connexion refusée)" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_encrypt_then_open_with_the_passphrase(installed, home, demo_base):
    base = home / "chiffree.sqlite3"
    shutil.copyfile(demo_base, base)

    result = run(installed, home, "--db", str(base), "encrypt", MEDIATION_HABITAT_PHRASE=PASSPHRASE)
    assert result.returncode == 0, result.stderr
    assert not base.read_bytes().startswith(b"SQLite format 3"), "the file is still readable without a key"

    result = run(installed, home, "--db", str(base), "check", MEDIATION_HABITAT_PHRASE=PASSPHRASE)
    assert result.returncode == 0, result.stderr
