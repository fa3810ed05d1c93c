"""Issue 19: counts said the French way, « 1 nouveau dossier créé », « 2 nouveaux dossiers créés », never « (s) »."""
from __future__ import annotations

import pytest

from core.actor import SYSTEM
from core.errors import ValidationError
from core.imports import import_cases
from core.signal_logement import HEADERS
from tests.core.signal_files import report, write_export
from tests.core.test_import import BAD, GOOD_1, GOOD_2, write_csv
from tests.core.trade_helpers import make_user, new_case

NBSP = "\u00a0"


def test_one_of_each_is_said_in_the_singular(db, tmp_path):
    source = write_export(tmp_path / "un.csv", [report("2024-901")], headers=[*HEADERS, "Note interne"])
    heading = [f"Export Signal Logement reconnu : 70{NBSP}colonnes, 1{NBSP}signalement.",
               f"1{NBSP}colonne sans équivalent ici, ignorée : « Note interne »."]
    assert import_cases(db, SYSTEM, source, dry_run=True).summary() == [
        *heading, f"1{NBSP}nouveau dossier à créer."]
    assert import_cases(db, SYSTEM, source).summary() == [*heading, f"1{NBSP}nouveau dossier créé."]
    assert import_cases(db, SYSTEM, source).summary() == [
        *heading, f"0{NBSP}nouveau dossier créé.",
        f"1{NBSP}signalement déjà connu : 0{NBSP}mis à jour (données plus récentes sur la plateforme), "
        f"1{NBSP}inchangé, ignoré."]


def test_several_of_each_are_said_in_the_plural(db, tmp_path):
    extra = [f"Colonne {n}" for n in range(1, 10)]
    rows = [report("2024-911"), report("2024-912"), report("2024-913", **{"Déposé le": "30/02/2024"})]
    source = write_export(tmp_path / "trois.csv", rows, headers=[*HEADERS, *extra])
    shown = ", ".join(f"« Colonne {n} »" for n in range(1, 9))
    heading = [f"Export Signal Logement reconnu : 70{NBSP}colonnes, 3{NBSP}signalements.",
               f"9{NBSP}colonnes sans équivalent ici, ignorées : {shown} et 1{NBSP}autre."]
    invalid = f"1{NBSP}ligne invalide sur 3 (détail ci-dessous)."
    assert import_cases(db, SYSTEM, source, dry_run=True).summary() == [
        *heading, f"2{NBSP}nouveaux dossiers à créer.", invalid]
    assert import_cases(db, SYSTEM, source, skip_invalid=True).summary() == [
        *heading, f"2{NBSP}nouveaux dossiers créés.", invalid]
    assert import_cases(db, SYSTEM, source, skip_invalid=True).summary() == [  # nothing was written this time
        *heading, f"0{NBSP}nouveau dossier à créer.",
        f"2{NBSP}signalements déjà connus : 0{NBSP}à mettre à jour (données plus récentes sur la plateforme), "
        f"2{NBSP}inchangés, ignorés.", invalid]


def test_a_household_count_agrees_with_its_number(db, tmp_path):
    rows = [report("2024-921", **{"Nb personnes": "1", "Nb enfants": "2"}),
            report("2024-922", **{"Nb personnes": "2", "Nb enfants": "3"})]
    result = import_cases(db, SYSTEM, write_export(tmp_path / "menages.csv", rows), dry_run=True)
    assert [str(e) for e in result.errors] == [
        f"Ligne 2, colonne « Nb enfants » : 2{NBSP}enfants pour un ménage de 1{NBSP}personne",
        f"Ligne 3, colonne « Nb enfants » : 3{NBSP}enfants pour un ménage de 2{NBSP}personnes"]
    with pytest.raises(ValidationError) as refused:
        new_case(db, make_user(db), children=20)
    assert str(refused.value) == f"Composition du ménage : 21{NBSP}personnes ; il en faut de 1 à 20."


def test_the_import_command_counts_lines_and_cases_the_french_way(db, db_path, tmp_path, capsys):
    from main import main

    db.dispose()

    def run(*args):
        code = main(["--db", str(db_path), "import", *map(str, args)])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    one = write_csv(tmp_path / "un.csv", [GOOD_1])
    assert f"Vérification seule : 1{NBSP}ligne valide sur 1, rien n'a été enregistré." in run(one, "--dry-run")[1]
    assert run(one) == (0, f"1{NBSP}dossier importé sur 1{NBSP}ligne.\n")
    several = write_csv(tmp_path / "plusieurs.csv", [GOOD_2, BAD, BAD, GOOD_1])
    assert f"Vérification seule : 2{NBSP}lignes valides sur 4, rien n'a été enregistré." in run(several, "--dry-run")[1]
    assert f"Import refusé : 2{NBSP}lignes invalides sur 4. Rien n'a été enregistré" in run(several)[1]
    code, said = run(several, "--skip-invalid")
    assert code == 0 and f"2{NBSP}dossiers importés sur 4{NBSP}lignes.\n2{NBSP}lignes rejetées, avec le motif, dans " in said
