"""Duplicate detection has one rule (core.duplicates) for the new-case form and the import."""
from __future__ import annotations

import csv

from core.actor import SYSTEM
from core.duplicates import SAME_ADDRESS, SAME_NAME, address_key, name_key
from core.imports import import_cases
from core.queries.case_list import duplicate_candidates
from tests.core.trade_helpers import make_user, new_case, place

HEADER = ["Nom", "Prénom", "Adultes", "Enfants", "N°", "Voie", "Code postal", "Commune", "Statut d'occupation",
          "Origine", "Statut", "Ouvert le"]


def test_an_address_is_compared_without_accents_case_hyphens_apostrophes_or_extra_spaces():
    assert address_key("12", "rue de l'Église-Neuve", "59000") == address_key("12", "RUE  DE L EGLISE NEUVE ", "59000")
    assert address_key("12", "rue de l’Église", "59000") == address_key("12", "rue de l'eglise", "59000")
    assert address_key("12", "rue Nationale", "59000") != address_key("14", "rue Nationale", "59000")
    assert address_key("12", "", "59000") == ""  # no street, nothing to compare
    assert name_key("Aït-Ahmed", "Zoé") == name_key("AIT AHMED", "zoe")


def test_the_form_and_the_import_find_the_same_duplicates(db, tmp_path):
    manager = make_user(db)
    commune_id, postcode, _qpv, _ = place(db)
    existing = new_case(db, manager, last_name="Aït-Ahmed", first_name="Zoé", street="rue de l'Église-Neuve",
                        street_number="12")
    # The new-case form (as a manager) …
    same_address = duplicate_candidates(db, manager, "Durand", "", "12", "RUE DE L EGLISE NEUVE", postcode)
    assert [(c.case_id, c.why) for c in same_address] == [(existing, SAME_ADDRESS)]
    same_name = duplicate_candidates(db, manager, "AIT AHMED", "", "", "", "")
    assert [(c.case_id, c.why) for c in same_name] == [(existing, SAME_NAME)]
    assert duplicate_candidates(db, manager, "Ait Ahmed", "Karim", "", "", "") == ()  # another first name
    # … and the import say the same of the same rows.
    with db.session() as session:
        from db import models as m

        commune = session.get(m.Commune, commune_id).name
        reference = session.get(m.Case, existing).reference
    source = tmp_path / "rows.csv"
    with open(source, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerow(["Durand", "", "1", "0", "12", "RUE DE L EGLISE NEUVE", postcode, commune,
                         "Locataire parc privé", "Habitant", "Nouveau", "03/02/2026"])
        writer.writerow(["AIT AHMED", "", "1", "0", "3", "rue Nationale", postcode, commune,
                         "Locataire parc privé", "Habitant", "Nouveau", "03/02/2026"])
    report = import_cases(db, SYSTEM, source, dry_run=True)
    assert not report.errors
    assert report.duplicates == [f"Ligne 2 : doublon probable du dossier {reference} (même adresse)",
                                 f"Ligne 3 : doublon probable du dossier {reference} (même nom de ménage)"]


def test_an_agent_is_shown_only_the_duplicates_she_may_open(db):
    manager = make_user(db)
    new_case(db, manager, last_name="Vasseur", first_name="Lina")  # no agent, outside any sector
    agent = make_user(db, login="agent", role="agent")
    assert duplicate_candidates(db, manager, "Vasseur", "Lina", "", "", "")
    assert duplicate_candidates(db, agent, "Vasseur", "Lina", "", "", "") == ()
