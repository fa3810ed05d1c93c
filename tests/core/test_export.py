"""Exports: French Excel CSV, XLSX, computed columns, formula escaping, audit."""
from __future__ import annotations

import csv
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select, update

from core.actor import SYSTEM, Actor
from core.errors import PermissionDenied
from core.exports import ExportFilter, export_cases
from db import models as m


def read_csv(path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM expected for Excel"
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))


def add_hostile_case(database) -> str:
    with database.write() as session:
        commune = session.scalar(select(m.Commune).where(m.Commune.name == "Roubaix"))
        household = m.Household(last_name='=HYPERLINK("http://x","clic")', first_name="@SUM(A1)",
                                phone="+33 6 12 34 56 78", adults=2, children=3)
        dwelling = m.Dwelling(street="-rue piégée", postcode="59100", commune_id=commune.id, tenure="locataire_prive",
                              living_area_m2=30.0, energy_kwh_m2_year=480.0, dpe_class="G")
        session.add_all([household, dwelling])
        session.flush()
        session.add(m.Case(reference="2026-09999", household_id=household.id, dwelling_id=dwelling.id,
                           source="habitant", opened_on=date(2026, 1, 5), summary="=1+1"))
    return "2026-09999"


def test_csv_is_french_excel_with_computed_columns(demo_db, tmp_path):
    target = tmp_path / "dossiers.csv"
    report = export_cases(demo_db, SYSTEM, target, "csv")
    rows = read_csv(target)
    with demo_db.session() as session:
        total = session.scalar(select(func.count(m.Case.id)))
        first = session.scalars(select(m.Case).order_by(m.Case.reference)).first()
        objectives = ", ".join(o.code for o in first.objectives)
        name = first.household.last_name
    assert report.rows == len(rows) == total
    row = rows[0]
    assert row["Référence"] == first.reference and row["Nom"] == name
    assert row["Ouvert le"] == first.opened_on.strftime("%d/%m/%Y")
    assert row["Objectifs"] == objectives
    for header in ("Criticité", "Suroccupation", "Décence énergétique", "Jours depuis la dernière activité"):
        assert header in row
    assert {r["Suroccupation"] for r in rows} <= {"Suroccupé", "Non suroccupé", "Données manquantes"}
    assert all(r["Jours depuis la dernière activité"].isdigit() for r in rows)


def test_formula_cells_are_escaped_in_csv_and_xlsx(demo_db, tmp_path):
    reference = add_hostile_case(demo_db)
    csv_path, xlsx_path = tmp_path / "x.csv", tmp_path / "x.xlsx"
    export_cases(demo_db, SYSTEM, csv_path, "csv", filters=ExportFilter(statuses=("nouveau",)))
    row = next(r for r in read_csv(csv_path) if r["Référence"] == reference)
    assert row["Nom"] == "'=HYPERLINK(\"http://x\",\"clic\")"
    assert row["Prénom"] == "'@SUM(A1)" and row["Téléphone"] == "'+33 6 12 34 56 78"
    assert row["Voie"] == "'-rue piégée" and row["Résumé"] == "'=1+1"
    assert row["Suroccupation"] == "Suroccupé"  # 30 m² for 5 persons, 43 m² needed
    assert row["Décence énergétique"] == "Non conforme"
    export_cases(demo_db, SYSTEM, xlsx_path, "xlsx", columns=["reference", "last_name", "summary", "opened_on"],
                 filters=ExportFilter(statuses=("nouveau",)))
    sheet = openpyxl.load_workbook(xlsx_path).active
    values = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    # In XLSX, text cells are never evaluated: the text is kept as typed, with no visible apostrophe.
    assert values[reference][1] == "=HYPERLINK(\"http://x\",\"clic\")" and values[reference][2] == "=1+1"
    cells = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == reference)
    assert [c.data_type for c in cells][:3] == ["s"] * 3
    # Excel's « quotePrefix »: the cell stays text when a user edits it, still with no apostrophe shown.
    assert [c.quotePrefix for c in cells][:3] == [False, True, True]
    assert values[reference][3].date() == date(2026, 1, 5)


def test_xlsx_header_is_bold_filterable_and_columns_fit_their_text(demo_db, tmp_path):
    target = tmp_path / "liste.xlsx"
    report = export_cases(demo_db, SYSTEM, target, "xlsx", columns=["reference", "last_name", "commune", "opened_on"])
    sheet = openpyxl.load_workbook(target).active
    assert sheet.auto_filter.ref == f"A1:D{report.rows + 1}"
    assert sheet.freeze_panes == "B2"
    assert all(cell.font.b for cell in sheet[1])
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] >= len("2026-00001") and widths["D"] >= len("Ouvert le")
    longest_commune = max(len(row[2] or "") for row in sheet.iter_rows(min_row=2, max_row=201, values_only=True))
    assert widths["C"] >= longest_commune


def test_xlsx_export_reimports_formula_like_text_as_typed(demo_db, tmp_path):
    from core.imports import read_table

    reference = add_hostile_case(demo_db)
    target = tmp_path / "x.xlsx"
    export_cases(demo_db, SYSTEM, target, "xlsx", columns=["reference", "summary"])
    header, rows = read_table(target)
    assert [r for r in rows if r[0] == reference][0][1] == "=1+1"


def test_filters_and_chosen_columns(demo_db, tmp_path):
    target = tmp_path / "clos.csv"
    report = export_cases(demo_db, SYSTEM, target, "csv", columns=["reference", "status", "commune"],
                          filters=ExportFilter(statuses=("clos",), commune="Roubaix"))
    rows = read_csv(target)
    with demo_db.session() as session:
        expected = session.scalar(select(func.count(m.Case.id)).join(m.Dwelling).join(m.Commune)
                                  .where(m.Case.status == "clos", m.Commune.name == "Roubaix"))
    assert report.rows == len(rows) == expected
    assert list(rows[0]) == ["Référence", "Statut", "Commune"] if rows else True
    assert all(r["Statut"] == "Clos" and r["Commune"] == "Roubaix" for r in rows)


def test_export_needs_permission_and_is_audited(demo_db, tmp_path):
    with pytest.raises(PermissionDenied):
        export_cases(demo_db, Actor(user_id=1, login="a", role="agent"), tmp_path / "x.csv", "csv")
    assert not (tmp_path / "x.csv").exists()
    export_cases(demo_db, SYSTEM, tmp_path / "y.xlsx", "xlsx", filters=ExportFilter(objective="O4"))
    with demo_db.session() as session:
        event = session.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export")).one()
    assert '"format": "xlsx"' in event.details and '"objectif": "O4"' in event.details


def test_xlsx_keeps_spaces_and_drops_characters_xml_forbids(db, tmp_path):
    reference = add_hostile_case(db)
    with db.write() as session:  # a base written before control characters were refused (bulk: no form check)
        session.execute(update(m.Case).where(m.Case.reference == reference).values(summary="  bip\x07 <fin> & «suite» "))
    export_cases(db, SYSTEM, tmp_path / "t.xlsx", "xlsx", columns=["reference", "summary", "adults", "opened_on"])
    rows = list(openpyxl.load_workbook(tmp_path / "t.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("Référence", "Résumé", "Adultes", "Ouvert le")
    assert rows[1][:3] == (reference, "  bip <fin> & «suite» ", 2)
    assert rows[1][3].date() == date(2026, 1, 5)


def test_export_verdicts_agree_with_the_legal_checks():
    from core.pdf.checks import energy_verdict, suroccupation_verdict
    from core.rules import check_dpe_class, check_energy_consumption, check_suroccupation

    for persons in range(1, 11):
        for area in (None, 8.9, 9.0, 15.9, 16.0, 42.9, 43.0, 69.9, 70.0, 120.0):
            check = check_suroccupation(area, persons)
            expected = {"non_conforme": "Suroccupé", "conforme": "Non suroccupé"}.get(check.verdict, check.verdict_label)
            assert suroccupation_verdict(area, persons) == expected, (area, persons)
    day = date(2026, 11, 25)
    for kwh in (None, 120.0, 449.9, 450.0, 600.0):
        for dpe in (None, "B", "E", "F", "G"):
            verdicts = {check_energy_consumption(kwh, day).verdict, check_dpe_class(dpe, day).verdict}
            verdict = energy_verdict(kwh, dpe, day)
            assert (verdict == "Non conforme") == ("non_conforme" in verdicts), (kwh, dpe)
