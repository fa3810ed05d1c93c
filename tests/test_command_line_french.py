"""The command line speaks French (issue 19): numbers through Babel, JJ/MM/AAAA dates, no English line at `user add`."""
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from core.formatting import fr_count, fr_plural, fr_seconds, fr_size, parse_date

ROOT = Path(__file__).resolve().parents[1]
NBSP = "\u00a0"


def run_main(*args, stdin=subprocess.DEVNULL, input_text=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=180, input=input_text, stdin=None if input_text is not None else stdin)


def test_french_numbers():
    assert fr_count(1895, "dossier") == f"1{NBSP}895{NBSP}dossiers"
    assert fr_count(1, "dossier") == f"1{NBSP}dossier" and fr_count(0, "dossier") == f"0{NBSP}dossier"
    assert fr_count(1200, "ligne invalide", "lignes invalides") == f"1{NBSP}200{NBSP}lignes invalides"
    assert fr_plural(1, "Référence inconnue", "Références inconnues") == "Référence inconnue"
    assert fr_plural(2, "Référence inconnue", "Références inconnues") == "Références inconnues"
    assert fr_seconds(3.94) == f"3,9{NBSP}s"
    assert fr_size(17 * 1024 * 1024) == f"17,0{NBSP}Mo"


@pytest.mark.parametrize("typed, expected", [("25/11/2026", date(2026, 11, 25)), ("2026-11-25", date(2026, 11, 25)),
                                             ("1/2/2026", date(2026, 2, 1))])
def test_dates_in_both_forms(typed, expected):
    assert parse_date(typed) == expected


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    target = tmp_path_factory.mktemp("cli") / "demo.sqlite3"
    result = run_main("--db", str(target), "demo", "--cases", "30", "--seed", "3", "--no-gui")
    assert result.returncode == 0, result.stderr
    assert re.search(r"30 dossiers de démonstration créés en \d+,\d s", result.stdout.replace(NBSP, " ")), result.stdout
    return target


def test_bilan_accepts_french_dates_and_reports_in_french(demo_file, tmp_path):
    target = tmp_path / "bilan.pdf"
    result = run_main("--db", str(demo_file), "pdf", "bilan", "--du", "01/01/2026", "--au", "31/12/2026",
                      "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert re.search(r"PDF écrit : .* \(\d+,\d (Ko|Mo), \d+,\d s\)\.", result.stdout.replace(NBSP, " ")), result.stdout


def test_a_bad_date_says_which_forms_are_accepted(demo_file, tmp_path):
    result = run_main("--db", str(demo_file), "pdf", "bilan", "--du", "31/02/2026", "--au", "2026-12-31",
                      "-o", str(tmp_path / "b.pdf"))
    assert result.returncode == 2
    assert "argument --du : date invalide « 31/02/2026 » (formats acceptés : JJ/MM/AAAA ou AAAA-MM-JJ)" in result.stderr


def test_user_add_without_a_terminal_says_so_in_french(demo_file):
    result = run_main("--db", str(demo_file), "user", "add", "nadia")
    assert result.returncode == 1
    assert "Pas de terminal pour saisir le mot de passe" in result.stderr
    for english in ("Warning", "EOFError", "Traceback", "echo"):
        assert english not in result.stderr + result.stdout


def test_user_add_from_standard_input_with_civility(demo_file):
    result = run_main("--db", str(demo_file), "user", "add", "nadia", "--nom", "Nadia Lemoine", "--civilite", "Mme",
                      "--fonction", "Agente de proximité", "--mot-de-passe-stdin", input_text="Jardin-Potager-2026!\n")
    assert result.returncode == 0, result.stderr
    empty = run_main("--db", str(demo_file), "user", "add", "karim", "--mot-de-passe-stdin", input_text="")
    assert empty.returncode == 1 and "Aucun mot de passe reçu" in empty.stderr
    import sqlite3

    row = sqlite3.connect(demo_file).execute("SELECT civility, job_title FROM users WHERE login = 'nadia'").fetchone()
    assert row == ("Mme", "Agente de proximité")


def test_export_refuses_an_extension_that_contradicts_the_format(demo_file, tmp_path):
    wrong = tmp_path / "x.xlsx"
    result = run_main("--db", str(demo_file), "export", "-o", str(wrong), "--format", "csv")
    assert result.returncode == 1 and not wrong.exists()
    assert "« x.xlsx » porte l'extension .xlsx mais le format demandé est CSV" in result.stderr
    result = run_main("--db", str(demo_file), "export", "-o", str(wrong))  # the format follows the extension
    assert result.returncode == 0, result.stderr
    assert wrong.read_bytes()[:2] == b"PK"
    result = run_main("--db", str(demo_file), "export", "-o", str(tmp_path / "liste.txt"))
    assert result.returncode == 1 and "indiquez --format csv ou --format xlsx" in result.stderr


def test_a_pdf_is_not_written_to_a_txt_file(demo_file, tmp_path):
    import sqlite3

    reference = sqlite3.connect(demo_file).execute("SELECT reference FROM cases LIMIT 1").fetchone()[0]
    result = run_main("--db", str(demo_file), "pdf", "fiche", reference, "-o", str(tmp_path / "fiche.txt"))
    assert result.returncode == 1 and "n'est pas un nom de fichier PDF" in result.stderr
    assert not (tmp_path / "fiche.txt").exists()
    result = run_main("--db", str(demo_file), "pdf", "fiche", reference, "-o", str(tmp_path / "fiche"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fiche.pdf").read_bytes().startswith(b"%PDF")
