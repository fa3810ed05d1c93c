"""Import of the national platform's « Signal Logement » export, with files written in its format."""
from __future__ import annotations

import csv
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.actor import SYSTEM
from core.case_list import CaseQuery, case_ids
from core.exports import export_cases
from core.imports import import_cases
from core.rules import DONNEES_MANQUANTES, assess_case
from core.services.cases import update_household
from core.signal_logement import HEADERS
from db import models as m
from tests.core.signal_files import report, write_export

ROOT = Path(__file__).resolve().parents[2]


def count_cases(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count(m.Case.id)))


def case_of(session, external_reference: str) -> m.Case:
    return session.scalars(select(m.Case).where(m.Case.external_reference == external_reference)).one()


def test_full_export_is_recognised_and_mapped_to_our_model(db, tmp_path):
    closed = report("2024-102", **{
        "Nom occupant": "Imaginaire", "Prénom occupant": "Léon", "Tél. occupant": "'+33 6 98 76 54 32'",
        "Adresse": "3 bis avenue du Test", "Commune": "Villeneuve d'Ascq", "Code INSEE": "", "Code postal": "59650",
        "Statut": "fermé", "Fermé le": "20/05/2024", "Motif de clôture": "Relogement occupant",
        "Logement social": "Oui", "Dénomination bailleur": "", "Nom bailleur": "Habitat Fictif Métropole",
        "Superficie": "48.5", "Désordres": "-", "Date de la dernière visite": "Non renseigné"})
    source = write_export(tmp_path / "export-signal-logement.csv", [report(), closed])
    result = import_cases(db, SYSTEM, source)
    assert result.summary()[0] == "Export Signal Logement reconnu : 70\u00a0colonnes, 2\u00a0signalements."
    assert len(HEADERS) == 70 and result.imported == 2 and not result.errors
    with db.session() as session:
        case = case_of(session, "2024-101")
        household, dwelling = case.household, case.dwelling
        assert (household.last_name, household.first_name, household.phone) == ("Fictif-Delaunay", "Océane",
                                                                                "06 12 34 56 78")
        assert (household.adults, household.children, household.has_child_under_6) == (2, 2, True)
        assert household.caf_allocataire
        assert (dwelling.street_number, dwelling.street, dwelling.floor, dwelling.door) == ("12", "rue des Essais",
                                                                                          "2", "21")
        assert dwelling.building == "Résidence des Tilleuls, esc. B" and dwelling.commune.name == "Roubaix"
        assert dwelling.living_area_m2 == 35.2 and dwelling.tenure == "locataire_prive"
        assert dwelling.landlord.name == "SCI Imaginaire du Nord"
        assert case.opened_on == date(2024, 3, 14) and case.status == "en_cours"
        assert case.summary == "Moisissures dans la chambre des enfants."
        assert sorted(d.item.code for d in case.disorders) == ["L-HUM-01", "L-NUI-01"]
        record = session.get(m.ExternalRecord, case.id)
        assert record.unmatched_disorders == "Odeur de cave persistante" and record.platform_status == "en cours"
        visit = session.scalars(select(m.Visit).join(m.VisitCase).where(m.VisitCase.case_id == case.id)).one()
        assert visit.status == "realisee" and visit.done_at.date() == date(2024, 4, 2) and visit.occupant_present
        assert sorted(p.procedure_code for p in visit.procedures) == ["infraction_rsd", "non_decence"]
        note = session.scalars(select(m.JournalEntry.text).where(m.JournalEntry.case_id == case.id)).one()
        assert "référence 2024-101" in note and "Téléphone sec. : 0320000001" in note

        other = case_of(session, "2024-102")
        assert other.household.phone == "06 98 76 54 32" and other.dwelling.commune.name == "Villeneuve-d'Ascq"
        assert (other.dwelling.street_number, other.dwelling.street) == ("3 bis", "avenue du Test")
        assert other.dwelling.tenure == "locataire_social" and other.dwelling.living_area_m2 == 48.5
        assert other.dwelling.landlord.name == "Habitat Fictif Métropole"
        assert (other.status, other.closed_on, other.closure_reason) == ("clos", date(2024, 5, 20), "relogement")
        assert session.get(m.ExternalRecord, other.id).platform_closure_reason == "Relogement occupant"
        assert other.disorders == []


def test_partial_export_in_another_order_with_unknowns_imports_and_legal_checks_say_missing(db, tmp_path):
    chosen = ["Commune", "Superficie", "Nom occupant", "Référence", "Adresse", "Déposé le", "Nb personnes",
              "Tél. occupant", "Statut"]
    random.Random(4).shuffle(chosen)
    rows = [report("2024-201", **{"Superficie": "Non renseigné", "Nb personnes": "-", "Tél. occupant": "",
                                  "Adresse": "7 rue Sans-Nom"}),
            report("2024-202", **{"Superficie": "15,9", "Nb personnes": "3", "Nom occupant": "Essai"})]
    source = write_export(tmp_path / "partiel.csv", rows, headers=chosen)
    result = import_cases(db, SYSTEM, source)
    assert result.summary()[0] == "Export Signal Logement reconnu : 9\u00a0colonnes, 2\u00a0signalements."
    assert result.imported == 2 and not result.errors
    with db.session() as session:
        unknown = case_of(session, "2024-201")
        assert unknown.dwelling.living_area_m2 is None and unknown.household.phone == ""
        checks = {c.code: c.verdict for c in assess_case(session, unknown.id).checks}
        assert checks["suroccupation"] == DONNEES_MANQUANTES
        crowded = case_of(session, "2024-202")
        assert crowded.dwelling.living_area_m2 == 15.9 and crowded.household.persons == 3
        assert {c.code: c.verdict for c in assess_case(session, crowded.id).checks}["suroccupation"] == "non_conforme"
        # Search finds an imported case by name, by address and by the platform's reference.
        for text in ("essai", "sans nom", "2024-201"):
            assert case_ids(session, CaseQuery(text=text)), text


def test_multiline_text_with_semicolons_quotes_and_formulas_is_kept_as_text(db, tmp_path):
    description = 'Fuite au plafond ; « urgent »\nle bailleur dit "pas avant l\'été"\n=HYPERLINK("http://x")'
    row = report("2024-301", **{"Description": description, "Prénom occupant": "@Ève",
                                "Commentaire de clôture": "+33 fin", "Superficie": "27.0"})
    source = write_export(tmp_path / "texte.csv", [row])
    assert '"' in source.read_text(encoding="utf-8-sig")  # the CSV quotes what needs it
    assert import_cases(db, SYSTEM, source).imported == 1
    with db.session() as session:
        case = case_of(session, "2024-301")
        assert case.summary == description and case.household.first_name == "@Ève"
    exported = tmp_path / "export.csv"
    export_cases(db, SYSTEM, exported, "csv")
    line = next(csv.DictReader(exported.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert line["Prénom"] == "'@Ève"  # and our own export keeps a spreadsheet from running it


def test_an_impossible_date_is_refused_with_its_row_and_column_and_nothing_is_written(db, tmp_path):
    rows = [report("2024-401"), report("2024-402", **{"Déposé le": "31/02/2024"}),
            report("2024-403", **{"Superficie": "trente"})]
    source = write_export(tmp_path / "dates.csv", rows)
    result = import_cases(db, SYSTEM, source)
    assert result.imported == 0 and result.rejected == 2 and count_cases(db) == 0
    messages = [str(e) for e in result.errors]
    assert "Ligne 3, colonne « Déposé le » : la date « 31/02/2024 » n'existe pas." in messages
    assert any(m.startswith("Ligne 4, colonne « Superficie »") for m in messages)
    assert "2\u00a0lignes invalides sur 3 (détail ci-dessous)." in result.summary()
    dry = import_cases(db, SYSTEM, source, dry_run=True)
    assert dry.new == 1 and dry.rejected == 2 and count_cases(db) == 0
    kept = import_cases(db, SYSTEM, source, skip_invalid=True)
    assert kept.imported == 1 and count_cases(db) == 1
    rejects = list(csv.reader(kept.rejected_path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rejects[0][:3] == ["Ligne", "Motif du rejet", "Référence"] and [r[0] for r in rejects[1:]] == ["3", "4"]


def test_importing_twice_creates_no_duplicates_and_newer_data_updates_only_what_agents_left(db, tmp_path):
    first = write_export(tmp_path / "v1.csv", [report("2024-501"), report("2024-502", **{"Nom occupant": "Autre"})])
    assert import_cases(db, SYSTEM, first).imported == 2
    again = import_cases(db, SYSTEM, first)
    assert (again.imported, again.unchanged, again.updated) == (0, 2, 0) and count_cases(db) == 2
    with db.session() as session:
        case_id = case_of(session, "2024-501").id
    update_household(db, SYSTEM, case_id, {"phone": "03 20 99 99 99"})  # an agent corrects the phone here
    newer = report("2024-501", **{"Dernière MAJ le": "01/06/2024", "Tél. occupant": "'0611111111'",
                                  "E-mail occupant": "nouvelle.adresse@example.org", "Statut": "fermé",
                                  "Fermé le": "01/06/2024", "Motif de clôture": "Travaux faits ou en cours",
                                  "Désordres": "Présence de nuisibles|Absence de chauffage"})
    stale = report("2024-502", **{"Nom occupant": "Autre", "Dernière MAJ le": "10/04/2024", "Superficie": "99"})
    dry = import_cases(db, SYSTEM, write_export(tmp_path / "v2.csv", [newer, stale]), dry_run=True)
    assert ("2\u00a0signalements déjà connus : 1\u00a0à mettre à jour (données plus récentes sur la plateforme), "
            "1\u00a0inchangé, ignoré.") in dry.summary()
    result = import_cases(db, SYSTEM, write_export(tmp_path / "v2.csv", [newer, stale]))
    assert (result.imported, result.updated, result.unchanged) == (0, 1, 1) and count_cases(db) == 2
    assert any("Tél. occupant" in line for line in result.kept)
    with db.session() as session:
        case = session.get(m.Case, case_id)
        assert case.household.phone == "03 20 99 99 99"  # the agent's value stays
        assert case.household.email == "nouvelle.adresse@example.org"
        assert (case.status, case.closure_reason) == ("clos", "mise_en_conformite")
        assert "L-CHA-01" in {d.item.code for d in case.disorders}
        assert case_of(session, "2024-502").dwelling.living_area_m2 == 35.2  # not newer: skipped
        notes = session.scalars(select(m.JournalEntry.text).where(m.JournalEntry.case_id == case_id)).all()
        assert any("Conservé car modifié ici : Tél. occupant" in n for n in notes)


def test_the_same_export_as_xlsx_is_imported(db, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS))
    values = report("2024-601", **{"Tél. occupant": 612345678, "Superficie": 41.5, "Nb personnes": 2})
    values["Déposé le"] = date(2024, 2, 1)
    sheet.append([values[h] for h in HEADERS])
    workbook.save(tmp_path / "export.xlsx")
    result = import_cases(db, SYSTEM, tmp_path / "export.xlsx")
    assert result.imported == 1 and result.format == "Signal Logement"
    with db.session() as session:
        case = case_of(session, "2024-601")
        assert case.opened_on == date(2024, 2, 1) and case.household.phone == "06 12 34 56 78"
        assert case.dwelling.living_area_m2 == 41.5


def test_a_header_only_file_has_nothing_to_import(db, tmp_path):
    from core.errors import ValidationError

    with pytest.raises(ValidationError, match="« vide.csv » : aucune ligne à importer"):
        import_cases(db, SYSTEM, write_export(tmp_path / "vide.csv", []))


def test_excel_unicode_text_utf16_with_tabs_is_read(db, tmp_path):
    source = write_export(tmp_path / "texte-unicode.txt", [report("2024-701", **{"Prénom occupant": "Zoé"})],
                          encoding="utf-16", delimiter="\t")
    assert source.read_bytes()[:2] == b"\xff\xfe"
    assert import_cases(db, SYSTEM, source).imported == 1
    with db.session() as session:
        assert case_of(session, "2024-701").household.first_name == "Zoé"


def test_csv_and_zip_library_errors_reach_the_user_in_french_naming_the_file(db, tmp_path):
    from core.errors import ValidationError

    broken = tmp_path / "guillemet.csv"
    broken.write_text("Référence;Nom occupant;Adresse;Commune\n2024-1;\"Jamais fermé;x;Lille\n" + "a" * 140_000,
                      encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        import_cases(db, SYSTEM, broken)
    assert "« guillemet.csv »" in error.value.message and "guillemet n'est sans doute pas refermé" in error.value.message
    assert "field limit" not in error.value.message
    not_zip = tmp_path / "classeur.xlsx"
    not_zip.write_bytes(b"ceci n'est pas un classeur")
    with pytest.raises(ValidationError) as error:
        import_cases(db, SYSTEM, not_zip)
    assert "« classeur.xlsx »" in error.value.message and "BadZipFile" not in error.value.message


def test_missing_required_platform_column_is_named(db, tmp_path):
    source = write_export(tmp_path / "sans-adresse.csv", [report()], headers=["Référence", "Nom occupant", "Commune"])
    result = import_cases(db, SYSTEM, source)
    assert result.rows == 0 and [str(e) for e in result.errors] == [
        "Ligne 1, colonne « Adresse » : colonne obligatoire de l'export Signal Logement absente"]


def test_command_line_says_the_platform_export_was_recognised(db, db_path, tmp_path):
    db.dispose()
    source = write_export(tmp_path / "export.csv", [report("2024-801"), report("2024-802")])
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "import", str(source),
                             "--dry-run"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Export Signal Logement reconnu : 70\u00a0colonnes, 2\u00a0signalements." in result.stdout
    assert "2\u00a0nouveaux dossiers à créer." in result.stdout and "rien n'a été enregistré" in result.stdout


def test_the_fiche_shows_the_platform_reference_and_its_words(db, tmp_path):
    from pypdf import PdfReader

    from core.pdf.fiche import build_fiche

    row = report("2024-999", **{"Statut": "fermé", "Fermé le": "20/05/2024", "Motif de clôture": "Doublon",
                                "Commentaire de clôture": "Déjà suivi sous une autre référence <b>&</b>"})
    result = import_cases(db, SYSTEM, write_export(tmp_path / "fiche.csv", [row]))
    target = tmp_path / "fiche.pdf"
    build_fiche(db, SYSTEM, result.new_case_ids[0], target)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(target).pages).split())
    assert "Réf. plateforme" in text and "2024-999" in text
    assert "Plateforme Signal Logement" in text and "Doublon — Déjà suivi sous une autre référence <b>&</b>" in text
    assert "Odeur de cave persistante" in text  # the disorder outside our grid, kept as text


def test_import_and_update_on_postgresql(postgres_url, tmp_path):
    """The shared-office base: ids come back from the server (RETURNING), the merge works the same."""
    from db.open import open_database

    database = open_database(postgres_url)
    try:
        first = write_export(tmp_path / "v1.csv", [report("2024-1001"), report("2024-1002", **{"Nom occupant": "B"})])
        assert import_cases(database, SYSTEM, first).imported == 2
        newer = report("2024-1002", **{"Nom occupant": "B", "Dernière MAJ le": "01/07/2024", "Superficie": "40"})
        result = import_cases(database, SYSTEM, write_export(tmp_path / "v2.csv", [newer, report("2024-1003")]))
        assert (result.imported, result.updated) == (1, 1) and count_cases(database) == 3
        with database.session() as session:
            assert case_of(session, "2024-1002").dwelling.living_area_m2 == 40
            assert case_ids(session, CaseQuery(text="2024-1003"))
    finally:
        database.dispose()


def test_a_case_created_after_an_import_takes_the_next_reference(db, tmp_path):
    from core.services.cases import create_case

    result = import_cases(db, SYSTEM, write_export(tmp_path / "a.csv", [report("2024-1101"), report("2024-1102")]))
    assert result.references == ["2024-00001", "2024-00002"]
    with db.session() as session:
        roubaix = session.scalar(select(m.Commune.id).where(m.Commune.name == "Roubaix"))
    changes = create_case(db, SYSTEM, household={"last_name": "Suivant"}, source="habitant",
                          dwelling={"street": "rue des Essais", "postcode": "59100", "commune_id": roubaix,
                                    "tenure": "heberge"}, opened_on=date(2024, 6, 1))
    assert changes.fields == ["2024-00003"]


def test_a_report_without_occupant_name_or_known_commune_is_refused_by_column(db, tmp_path):
    row = report("2024-1201", **{"Nom occupant": "Non renseigné", "Commune": "Paris", "Code INSEE": "75056"})
    result = import_cases(db, SYSTEM, write_export(tmp_path / "sans-nom.csv", [row]))
    assert result.imported == 0 and count_cases(db) == 0
    assert {str(e) for e in result.errors} == {
        "Ligne 2, colonne « Nom occupant » : Nom du ménage : ce champ est obligatoire.",
        "Ligne 2, colonne « Commune » : Commune « Paris » inconnue."}
