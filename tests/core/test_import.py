"""Imports: every row checked first, all or nothing, rejects file, duplicates, safe XLSX, round trip."""
from __future__ import annotations

import csv
import zipfile

import pytest
from sqlalchemy import func, select

from core.actor import SYSTEM, Actor
from core.errors import PermissionDenied, ValidationError
from core.exports import export_cases
from core.imports import import_cases
from db import models as m

HEADER = ["Référence", "Nom", "Prénom", "Adultes", "Enfants", "N°", "Voie", "Code postal", "Commune", "Quartier",
          "Statut d'occupation", "Surface habitable (m²)", "Origine", "Statut", "Ouvert le", "Objectifs", "Types"]
GOOD_1 = ["", "Lefèvre", "Anaïs", "2", "1", "12", "rue de l'Épeule", "59100", "Roubaix", "Épeule",
          "Locataire parc privé", "48,5", "Habitant", "Nouveau", "03/02/2026", "O3, O4", "Précarité énergétique"]
BAD = ["", "Dupont", "Jean", "2", "0", "5", "rue Nationale", "5910", "Atlantis", "", "Locataire parc social",
       "abc", "Habitant", "Nouveau", "31/02/2026", "O9", ""]
GOOD_2 = ["", "Ngô", "Thị", "1", "0", "3", "rue Jean-Jaurès", "59000", "Lille", "", "hébergé", "", "Permanence",
          "En cours", "2026-03-10", "O2", ""]


def write_csv(path, rows, header=HEADER):
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def count_cases(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count(m.Case.id)))


def test_a_bad_row_in_the_middle_imports_nothing(db, tmp_path):
    source = write_csv(tmp_path / "tableur.csv", [GOOD_1, BAD, GOOD_2])
    report = import_cases(db, SYSTEM, source)
    assert report.imported == 0 and report.rejected == 1 and count_cases(db) == 0
    messages = [str(e) for e in report.errors]
    assert all(message.startswith("Ligne 3, colonne") for message in messages)
    columns = {e.column for e in report.errors}
    assert {"Code postal", "Commune", "Surface habitable (m²)", "Ouvert le", "Objectifs"} <= columns
    assert any("Atlantis" in message for message in messages)


def test_skip_invalid_imports_the_valid_rows_and_writes_the_rejects(db, tmp_path):
    source = write_csv(tmp_path / "tableur.csv", [GOOD_1, BAD, GOOD_2])
    report = import_cases(db, SYSTEM, source, skip_invalid=True)
    assert report.imported == 2 and count_cases(db) == 2
    rejects = list(csv.reader(report.rejected_path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rejects[0][:2] == ["Ligne", "Motif du rejet"] and len(rejects) == 2
    assert rejects[1][0] == "3" and "Code postal" in rejects[1][1] and rejects[1][3] == "Dupont"
    with db.session() as session:
        case = session.scalars(select(m.Case).join(m.Household).where(m.Household.last_name == "Lefèvre")).one()
        assert [o.code for o in case.objectives] == ["O3", "O4"]
        assert case.dwelling.neighbourhood.name == "Épeule" and case.dwelling.living_area_m2 == 48.5
        assert case.reference.startswith("2026-") and case.status == "nouveau"
        event = session.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "import")).one()
        assert '"importees": 2' in event.details


def test_dry_run_writes_nothing_and_duplicates_are_reported(db, tmp_path):
    import_cases(db, SYSTEM, write_csv(tmp_path / "a.csv", [GOOD_1]))
    twin = list(GOOD_1)
    twin[1], twin[2] = "LEFEVRE", "anais"  # same household, other case and accents
    other_address = ["", "Martin", "Paul", "1", "0", "12", "Rue de l'Epeule", "59100", "Roubaix", "", "hébergé", "",
                     "Habitant", "Nouveau", "01/03/2026", "", ""]
    report = import_cases(db, SYSTEM, write_csv(tmp_path / "b.csv", [twin, other_address]), dry_run=True)
    assert report.imported == 0 and count_cases(db) == 1 and not report.errors
    assert any("Ligne 2" in d and "même nom" in d for d in report.duplicates)
    assert any("Ligne 3" in d and "même adresse" in d for d in report.duplicates)


def test_missing_required_column_and_permission(db, tmp_path):
    source = write_csv(tmp_path / "c.csv", [["Dupont"]], header=["Nom"])
    report = import_cases(db, SYSTEM, source)
    assert any(e.column == "Commune" and "obligatoire" in e.message for e in report.errors)
    with pytest.raises(PermissionDenied):
        import_cases(db, Actor(user_id=1, login="a", role="agent"), write_csv(tmp_path / "d.csv", [GOOD_1]))


def test_malformed_oversized_and_hostile_xlsx_are_refused(db, tmp_path, monkeypatch):
    broken = tmp_path / "casse.xlsx"
    broken.write_bytes(b"PK\x03\x04 ceci n'est pas un classeur")
    with pytest.raises(ValidationError, match="illisible ou mal formé"):
        import_cases(db, SYSTEM, broken)
    bomb = tmp_path / "entites.xlsx"
    source = tmp_path / "ok.xlsx"
    export_cases(db, SYSTEM, source, "xlsx")
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(bomb, "w") as hostile:
        for item in original.infolist():
            data = original.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                                                   b"<worksheet", 1)
            hostile.writestr(item, data)
    with pytest.raises(ValidationError, match="déclaration DTD interdite"):
        import_cases(db, SYSTEM, bomb)
    monkeypatch.setattr("core.imports.MAX_FILE_BYTES", 10)
    with pytest.raises(ValidationError, match="trop volumineux"):
        import_cases(db, SYSTEM, write_csv(tmp_path / "e.csv", [GOOD_1]))


# The export -> import round trip over every declared field: tests/core/test_fields.py.


def test_command_line_export_and_import(demo_db, db_path, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    demo_db.dispose()

    def run(*args):
        return subprocess.run([sys.executable, str(root / "main.py"), "--db", str(db_path), *args], cwd=root,
                              capture_output=True, text=True, timeout=120)

    target = tmp_path / "clos.csv"
    result = run("export", "--format", "csv", "-o", str(target), "--statut", "clos")
    assert result.returncode == 0, result.stderr
    assert "dossiers exportés" in result.stdout and target.read_bytes().startswith(b"\xef\xbb\xbf")
    result = run("import", str(target), "--dry-run")
    assert result.returncode == 1 and "existe déjà" in result.stderr and "Traceback" not in result.stderr
    assert "rien n'a été enregistré" in result.stdout
    result = run("import", str(tmp_path / "absent.xlsx"))
    assert result.returncode == 1 and "Fichier introuvable" in result.stderr


def test_unknown_vocabulary_words_are_named_with_their_column_in_french(db, tmp_path):
    row = list(GOOD_1)
    row[HEADER.index("Statut d'occupation")] = "Squatteur"
    row[HEADER.index("Origine")] = "Pigeon voyageur"
    row[HEADER.index("Statut")] = "Perdu"
    source = write_csv(tmp_path / "tableur.csv", [row])
    report = import_cases(db, SYSTEM, source)
    assert report.imported == 0 and count_cases(db) == 0
    messages = {e.column: str(e) for e in report.errors}
    assert "Statut d'occupation « Squatteur » inconnu." in messages["Statut d'occupation"]
    assert "Origine « Pigeon voyageur » inconnue." in messages["Origine"]
    assert "Statut « Perdu » inconnu." in messages["Statut"]
