"""`checkout`, `checkin` and `conflits` from the command line: French messages, a PDF report, no traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.commands.laptop import checkout_line
from core.services import attachments, cases
from db import crypto
from db.open import open_database
from tests.core.laptop.helpers import PHRASE, office_with_cases, png, references, take_out

ROOT = Path(__file__).resolve().parents[3]


def run_main(*args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MEDIATION_HABITAT_PHRASE=PHRASE)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=120)


def test_checkout_edit_checkin_and_settle_from_the_command_line(db, tmp_path):
    agent, manager, ids = office_with_cases(db, 2)
    db.dispose()
    office, laptop_path = str(db.path), str(tmp_path / "portable.sqlite3")
    refs = ",".join(references(db, ids))
    taken = run_main("--db", office, "checkout", "-o", laptop_path, "--references", refs)
    assert taken.returncode == 0, taken.stderr
    assert "2\u00a0dossiers emportés (0\u00a0pièce jointe)" in taken.stdout and "sabrina" in taken.stdout
    crypto.use_default_derivation()  # the command derived the key with the application's real costs
    laptop = open_database(laptop_path, create=False, passphrase=PHRASE)
    cases.update_case(laptop, agent, ids[0], {"summary": "sur le terrain"})
    laptop.dispose()
    cases.update_case(db, manager, ids[0], {"summary": "au bureau"})
    db.dispose()
    back = run_main("--db", office, "checkin", laptop_path, "--pdf", str(tmp_path / "retour.pdf"))
    assert back.returncode == 0, back.stderr
    assert "1\u00a0conflit à arbitrer (la valeur du bureau est gardée d'ici là) :" in back.stdout
    assert "« sur le terrain »" in back.stdout
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "retour.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "Retour d'un portable de terrain" in text and "sur le terrain" in text and "au bureau" in text
    listed = run_main("--db", office, "conflits")
    assert listed.returncode == 0 and "n° 1 · " in listed.stdout
    refused = run_main("--db", office, "conflits", "--regler", "1")
    assert refused.returncode != 0 and "--choix" in refused.stderr and "Traceback" not in refused.stderr
    settled = run_main("--db", office, "conflits", "--regler", "1", "--choix", "portable")
    assert settled.returncode == 0 and "Conflit n° 1 réglé." in settled.stdout
    assert "Aucun conflit à arbitrer." in run_main("--db", office, "conflits").stdout
    again = run_main("--db", office, "checkin", laptop_path)
    assert again.returncode == 0 and "Rien de nouveau" in again.stdout


def test_bad_checkout_input_gets_a_french_message(db, tmp_path):
    office_with_cases(db, 1)
    db.dispose()
    office = str(db.path)
    both = run_main("--db", office, "checkout", "-o", str(tmp_path / "p.sqlite3"), "--mes-dossiers", "--secteur", "X")
    assert both.returncode != 0 and "incompatible" in both.stderr
    unknown = run_main("--db", office, "checkout", "-o", str(tmp_path / "p.sqlite3"), "--references", "1999-00001")
    assert unknown.returncode != 0 and "1999-00001" in unknown.stderr and "Traceback" not in unknown.stderr
    missing = run_main("--db", office, "checkin", str(tmp_path / "absent.sqlite3"))
    assert missing.returncode != 0 and "n'existe pas" in missing.stderr


def test_the_checkout_line_counts_cases_and_attachments_the_french_way(db, tmp_path):
    agent, manager, ids = office_with_cases(db, 3)
    attachments.add_attachment(db, manager, ids[0], "facade.png", png())
    result, laptop = take_out(db, agent, tmp_path / "un.sqlite3", ids[:1])
    laptop.dispose()
    assert checkout_line(result) == f"1\u00a0dossier emporté (1\u00a0pièce jointe) dans {tmp_path / 'un.sqlite3'} " \
                                    "(NON chiffrée)."
    for name in ("cour.png", "cave.png"):
        attachments.add_attachment(db, manager, ids[1], name, png())
    result, laptop = take_out(db, agent, tmp_path / "deux.sqlite3", ids[1:])
    laptop.dispose()
    assert checkout_line(result) == f"2\u00a0dossiers emportés (2\u00a0pièces jointes) dans " \
                                    f"{tmp_path / 'deux.sqlite3'} (NON chiffrée)."
