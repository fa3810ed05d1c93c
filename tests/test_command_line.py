"""main.py: French messages and non-zero exits on bad input, never a traceback."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_main(*args, env_home=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=120)


def test_demo_fills_the_given_database(tmp_path):
    target = tmp_path / "demo.sqlite3"
    result = run_main("--db", str(target), "demo", "--cases", "30", "--seed", "3", "--no-gui")
    assert result.returncode == 0, result.stderr
    assert "30 dossiers de démonstration créés" in result.stdout.replace("\xa0", " ")
    import sqlite3

    assert sqlite3.connect(target).execute("SELECT count(*) FROM cases").fetchone() == (30,)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--db", "/nonexistent-folder/x.sqlite3", "demo", "--no-gui"], "n'existe pas"),
        (["--db", "mysql://user@host/base", "demo", "--no-gui"], "Type de base de données inconnu"),
        (["--db", "/tmp", "demo", "--no-gui"], "est un dossier"),
        (["demo", "--cases", "beaucoup"], "n'est pas un nombre entier"),
        (["inconnue"], "choix invalide"),
    ],
    ids=["missing folder", "unknown scheme", "directory", "bad number", "unknown command"],
)
def test_bad_input_gets_a_french_message(args, expected):
    result = run_main(*args)
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_read_only_database_is_refused(tmp_path):
    target = tmp_path / "ro.sqlite3"
    assert run_main("--db", str(target), "demo", "--cases", "5", "--no-gui").returncode == 0
    target.chmod(0o444)
    immutable = False
    try:
        if os.access(target, os.W_OK):  # root ignores chmod: make the file immutable instead
            immutable = subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode == 0
            if not immutable or os.access(target, os.W_OK):
                pytest.skip("cannot make a file read-only for this user (root without chattr)")
        result = run_main("--db", str(target), "demo", "--cases", "5", "--no-gui")
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(target)], check=True)
        target.chmod(0o644)
    assert result.returncode == 1
    assert "lecture seule" in result.stderr
    assert "Traceback" not in result.stderr


def test_not_a_database_file_is_refused(tmp_path):
    target = tmp_path / "texte.sqlite3"
    target.write_text("ceci n'est pas une base\n" * 200)
    result = run_main("--db", str(target), "demo", "--no-gui")
    assert result.returncode == 1
    assert "n'est pas une base" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_refuses_a_database_with_real_cases(tmp_path, db_path, db):
    from datetime import date

    from sqlalchemy import select

    from db import models as m

    with db.write() as session:
        commune = session.scalar(select(m.Commune).where(m.Commune.name == "Roubaix"))
        household = m.Household(last_name="Réel", adults=1)
        dwelling = m.Dwelling(street="rue de l'Alma", postcode="59100", commune_id=commune.id, tenure="heberge")
        session.add_all([household, dwelling])
        session.flush()
        session.add(m.Case(reference="2026-00001", household_id=household.id, dwelling_id=dwelling.id,
                           source="habitant", opened_on=date(2026, 1, 2)))
    db.dispose()
    result = run_main("--db", str(db_path), "demo", "--cases", "5", "--no-gui")
    assert result.returncode == 1
    assert "dossiers réels" in result.stderr


def test_screenshot_renders_the_main_window(tmp_path):
    target = tmp_path / "demo.sqlite3"
    assert run_main("--db", str(target), "demo", "--cases", "20", "--no-gui").returncode == 0
    png = tmp_path / "fenetre.png"
    result = run_main("--db", str(target), "--screenshot", str(png))
    assert result.returncode == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    unknown = run_main("--db", str(target), "--screenshot", str(tmp_path / "x.png"), "--view", "case:2099-00001")
    assert unknown.returncode == 2 and "Dossier inconnu : « 2099-00001 »" in unknown.stderr
    assert not (tmp_path / "x.png").exists()
