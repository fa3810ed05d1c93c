"""One declaration per field (core.fields): the export, the import, the fiche and the right-of-access PDF read it."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core import exports
from core import fields as declared
from core.actor import SYSTEM
from core.exports import export_cases
from core.fields import FICHE, RGPD
from core.formatting import fr_date
from core.imports import import_cases
from core.pdf.fiche import build_fiche
from core.rgpd_export import write_archive
from db import models as m
from db.open import open_database
from tests.field_samples import fill_every_field

# The headers users' spreadsheets have; « Isolement » became « Personne isolée », the label the form, the
# fiche and the right-of-access PDF used (the import still reads « Isolement »).
HEADERS = [
    "Référence", "Nom", "Prénom", "Téléphone", "Courriel", "Adultes", "Enfants", "Enfant de moins de 6 ans",
    "Personne de plus de 75 ans", "Handicap ou mobilité réduite", "Personne isolée", "Grossesse",
    "Allocataire CAF/MSA", "Langue", "N°", "Voie", "Bâtiment", "Étage", "Porte", "Code postal", "Commune", "Quartier",
    "Statut d'occupation", "Bailleur", "Financement", "Typologie", "Surface habitable (m²)", "Pièces principales",
    "Pièce principale (m²)", "Hauteur sous plafond (m)", "Classe DPE", "Date du DPE", "Consommation (kWh/m²/an)",
    "Types", "Origine", "Agent", "Statut", "Priorité", "Ouvert le", "Clos le", "Motif de clôture", "Résumé",
    "Objectifs", "En QPV", "Criticité", "Suroccupation", "Décence énergétique", "Jours depuis la dernière activité",
]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).casefold()


def test_export_headers_are_those_users_know():
    assert [c.header for c in exports.COLUMNS] == HEADERS


def test_the_export_query_reads_every_declared_field_once():
    read = exports._FIELDS
    for field in declared.ALL:
        assert read.count(field.export_key) == 1, field.key
        assert exports.BY_KEY[field.export_key].header == field.export_header
    assert len(exports._SQL.split("FROM")[0].split(",")) == len(read)  # one expression per record key


def test_the_old_isolement_header_is_still_imported(db, tmp_path):
    path = tmp_path / "ancien.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Nom", "Voie", "Code postal", "Commune", "Statut d'occupation", "Isolement"])
        writer.writerow(["Vasseur", "rue de Lannoy", "59100", "Roubaix", "Locataire parc privé", "oui"])
    report = import_cases(db, SYSTEM, path)
    assert report.imported == 1, report.errors
    with db.session() as session:
        assert session.scalar(select(m.Household.is_isolated).where(m.Household.last_name == "Vasseur")) is True


def rows_by_reference(path) -> dict[str, dict]:
    reader = csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
    return {row["Référence"]: row for row in reader}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_declared_field_survives_export_then_import(demo_db, tmp_path, fmt):
    case_id, values = fill_every_field(demo_db)
    with demo_db.session() as session:
        reference = session.get(m.Case, case_id).reference
        users = [(u.login, u.full_name, u.role) for u in session.scalars(select(m.User))]
    first = tmp_path / f"premier.{fmt}"
    export_cases(demo_db, SYSTEM, first, fmt)
    target = open_database(tmp_path / "autre.sqlite3")
    with target.write() as session:
        session.add_all([m.User(login=login, full_name=name, role=role) for login, name, role in users])
    report = import_cases(target, SYSTEM, first)
    assert report.imported == report.rows, report.errors[:3]
    before, after = tmp_path / "avant.csv", tmp_path / "apres.csv"
    export_cases(demo_db, SYSTEM, before, "csv")
    export_cases(target, SYSTEM, after, "csv")
    target.dispose()
    old, new = rows_by_reference(before), rows_by_reference(after)
    assert set(old) == set(new)
    moving = {"Criticité", "Jours depuis la dernière activité"}  # disorders are not exported; the import is today
    for ref in old:
        assert {k: v for k, v in old[ref].items() if k not in moving} == \
               {k: v for k, v in new[ref].items() if k not in moving}, ref
    row = new[reference]
    for field in declared.ALL:  # the filled case kept every value, not just the defaults
        cell = row[field.export_header]
        assert cell and flat(cell) == flat(exported(field, values[field.key])), (field.key, cell)


def exported(field: declared.Field, value) -> str:
    if field.kind == "amount":
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    if field.kind in ("reference", "code"):
        return value  # the name or label the sample gave
    return declared.shown(field, value)


def pdf_text(data: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def printed(field: declared.Field, value) -> str:
    """What a document shows for a field: its value as read, or its label for a ticked vulnerability."""
    if field.kind == "flag" and field.fiche_group == "Vulnérabilités":
        return field.label[:1].lower() + field.label[1:]
    if field.kind == "date" and field.fiche_group == "Dossier":  # the fiche's header spells its dates out
        return fr_date(value, "long")
    if field.kind in ("reference", "code"):
        return value
    if field.kind == "amount":
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return declared.shown(field, value)


def test_every_declared_field_prints_on_the_fiche_unless_declared_not_to(demo_db):
    case_id, values = fill_every_field(demo_db)
    text = pdf_text(build_fiche(demo_db, SYSTEM, case_id))
    for field in declared.ALL:
        if FICHE in field.prints_on:
            assert flat(printed(field, values[field.key])) in text, field.key
            if not field.fiche_group:
                assert flat(field.label) in text, field.key


def test_every_declared_field_is_in_the_right_of_access_export(demo_db, tmp_path):
    case_id, values = fill_every_field(demo_db)
    with demo_db.session() as session:
        household_id = session.get(m.Case, case_id).household_id
    archive = zipfile.ZipFile(write_archive(demo_db, SYSTEM, household_id, tmp_path / "acces.zip"))
    document = json.loads(archive.read(f"menage-{household_id}.json"))
    dossier = next(d for d in document["dossiers"] if d["dossier"]["id"] == case_id)
    parts = {"household": document["menage"], "dwelling": dossier["logement"], "case": dossier["dossier"]}
    text = pdf_text(archive.read(f"menage-{household_id}.pdf"))
    for field in declared.ALL:
        assert field.export_key in parts[field.part], field.key
        if RGPD in field.prints_on:
            assert flat(field.label) in text, field.key
            shown = {"date": lambda v: v.strftime("%d/%m/%Y"), "amount": str}.get(field.kind, lambda v: printed(
                field, v) if field.kind != "flag" else "oui")(values[field.key])
            assert flat(shown) in text, (field.key, shown)
