"""Référentiels page: an administrator edits through small forms, others only read."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from core.actor import Actor
from db import models as m
from gui import reference_dialogs as dialogs
from tests.core.trade_helpers import make_user


def _page(qtbot, db, actor):
    from gui.reference_page import ReferencePage

    page = ReferencePage(SimpleNamespace(database=db, actor=actor))
    qtbot.addWidget(page)
    page.refresh()
    _settled(qtbot, page)
    return page


def _settled(qtbot, page):
    """The page reads its lists in the pool: wait until the last reading is shown."""
    qtbot.waitUntil(lambda: not page.loading)


def _answer_with(monkeypatch, dialog_class, fill):
    """The dialog 'opens', the user fills it and presses Enregistrer; returns what the dialog showed."""
    shown = []

    def run(dialog):
        fill(dialog)
        dialog.submit()
        shown.append(dialog)
        return dialog.result()

    monkeypatch.setattr(dialog_class, "exec", run)
    return shown


def _objective_item(page, code):
    tree = page.objectives
    return next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(0) == code)


def test_admin_edits_an_objective_label_and_the_table_shows_it(qtbot, db, monkeypatch):
    admin = make_user(db, login="adm", role="admin")
    page = _page(qtbot, db, admin)
    assert "réservée aux administrateurs" not in page.note.text()
    page.objectives.setCurrentItem(_objective_item(page, "O2"))
    _answer_with(monkeypatch, dialogs.ObjectiveDialog,
                 lambda d: d.form.fields["label"].setText("Accompagner l'accès au logement des ménages"))
    page.buttons["objectives:Modifier…"].click()
    _settled(qtbot, page)
    assert _objective_item(page, "O2").text(1) == "Accompagner l'accès au logement des ménages"


def test_an_empty_label_is_shown_next_to_the_field_and_nothing_is_saved(qtbot, db, monkeypatch):
    admin = make_user(db, login="adm", role="admin")
    page = _page(qtbot, db, admin)
    page.objectives.setCurrentItem(_objective_item(page, "O1"))
    shown = _answer_with(monkeypatch, dialogs.ObjectiveDialog, lambda d: d.form.fields["label"].setText("  "))
    page.edit_objective_or_line()
    _settled(qtbot, page)
    dialog = shown[0]
    assert dialog.result() != QDialog.Accepted
    assert not dialog.form.errors["label"].isHidden()
    assert "obligatoire" in dialog.form.errors["label"].text()
    assert _objective_item(page, "O1").text(1).startswith("Renforcer la mixité")


def test_admin_sets_the_qpv_flag_of_a_neighbourhood(qtbot, db, monkeypatch):
    admin = make_user(db, login="adm", role="admin")
    page = _page(qtbot, db, admin)
    model, table = page.models["neighbourhoods"], page.tables["neighbourhoods"]
    index = next(i for i in range(model.rowCount()) if not model.row(i)["qpv"])
    neighbourhood_id = model.row(index)["_id"]
    table.selectRow(index)
    _answer_with(monkeypatch, dialogs.NeighbourhoodDialog, lambda d: d.form.fields["is_qpv"].setChecked(True))
    page.buttons["neighbourhoods:Modifier…"].click()
    _settled(qtbot, page)
    row = next(model.row(i) for i in range(model.rowCount()) if model.row(i)["_id"] == neighbourhood_id)
    assert row["qpv"] is True
    with db.session() as session:
        assert session.get(m.Neighbourhood, neighbourhood_id).is_qpv


def test_admin_changes_a_disorder_weight_with_a_bad_then_good_theme(qtbot, db, monkeypatch):
    admin = make_user(db, login="adm", role="admin")
    page = _page(qtbot, db, admin)
    page.tables["grid"].selectRow(0)
    item_id = page.models["grid"].row(0)["_id"]

    def fill(dialog):
        dialog.form.fields["weight"].setValue(77)
        dialog.form.fields["theme"].setText("")
        dialog.submit()
        assert "obligatoire" in dialog.form.errors["theme"].text()
        dialog.form.fields["theme"].setText("Structure")

    _answer_with(monkeypatch, dialogs.DisorderItemDialog, fill)
    page.buttons["grid:Modifier…"].click()
    _settled(qtbot, page)
    with db.session() as session:
        item = session.get(m.DisorderItem, item_id)
        assert (item.weight, item.theme) == (77, "Structure")


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_others_see_the_lists_read_only(qtbot, db, role):
    actor = make_user(db, login=role, role=role)
    page = _page(qtbot, db, actor)
    assert "réservée aux administrateurs" in page.note.text()
    assert page.buttons == {}
    assert page.objectives.topLevelItemCount() > 0 and page.models["grid"].rowCount() > 0
    page.objectives.setCurrentItem(page.objectives.topLevelItem(0))
    page.edit_objective_or_line()  # a double-click does nothing
    _settled(qtbot, page)
    with db.session() as session:
        assert session.scalar(select(m.AuditEvent.id).where(m.AuditEvent.action.like("referentiel.%"))) is None
    assert isinstance(actor, Actor)


def test_admin_sets_the_sectors_of_an_agent(qtbot, db, monkeypatch):
    admin = make_user(db, login="adm", role="admin")
    agent = make_user(db, login="agt", role="agent")
    page = _page(qtbot, db, admin)
    model, table = page.models["agents"], page.tables["agents"]
    table.selectRow(next(i for i in range(model.rowCount()) if model.row(i)["_id"] == agent.user_id))

    def tick_first_two(dialog):
        for i in range(2):
            dialog.sectors.item(i).setCheckState(Qt.Checked)

    shown = _answer_with(monkeypatch, dialogs.AgentSectorsDialog, tick_first_two)
    page.buttons["agents:Modifier les secteurs…"].click()
    _settled(qtbot, page)
    names = [shown[0].sectors.item(i).text().split(" – ", 1)[1] for i in range(2)]
    row = next(model.row(i) for i in range(model.rowCount()) if model.row(i)["_id"] == agent.user_id)
    assert sorted(row["sectors"].split(", ")) == sorted(names)
    with db.session() as session:
        assert len(session.get(m.User, agent.user_id).sectors) == 2


def test_admin_adds_a_vocabulary_entry_then_withdraws_it(qtbot, db, monkeypatch):
    admin = make_user(db, login="adm", role="admin")
    page = _page(qtbot, db, admin)
    model = page.models["vocabularies"]
    before = model.rowCount()
    assert {"Types de dossier", "Motifs de clôture", "Types de visite"} <= {model.row(i)["vocabulary"]
                                                                            for i in range(before)}

    def fill_new(dialog):
        dialog.submit()  # no list chosen: said next to the field, nothing saved
        assert "Choisissez la liste" in dialog.form.errors["vocabulary"].text()
        combo = dialog.form.fields["vocabulary"]
        combo.setCurrentIndex(combo.findData("closure_reasons"))
        dialog.form.fields["label"].setText("Déménagement hors métropole")

    _answer_with(monkeypatch, dialogs.VocabularyEntryDialog, fill_new)
    page.buttons["vocabularies:Ajouter…"].click()
    _settled(qtbot, page)
    assert model.rowCount() == before + 1
    row_index = next(i for i in range(model.rowCount()) if model.row(i)["label"] == "Déménagement hors métropole")
    assert model.row(row_index)["vocabulary"] == "Motifs de clôture" and model.row(row_index)["active"] is True

    page.tables["vocabularies"].selectRow(row_index)
    shown = _answer_with(monkeypatch, dialogs.VocabularyEntryDialog,
                         lambda d: d.form.fields["active"].setChecked(False))
    page.buttons["vocabularies:Modifier…"].click()
    _settled(qtbot, page)
    assert not shown[0].form.fields["vocabulary"].isEnabled()  # an entry stays in its list
    with db.session() as session:
        entry = session.get(m.ClosureReason, "demenagement_hors_metropole")
        assert (entry.label, entry.active) == ("Déménagement hors métropole", False)


def test_admin_adds_a_commune_and_a_wrong_postcode_is_explained(qtbot, db, monkeypatch):
    admin = make_user(db, login="adm", role="admin")
    page = _page(qtbot, db, admin)

    def fill(dialog):
        dialog.form.fields["name"].setText("Villeneuve-des-Essais")
        dialog.form.fields["insee_code"].setText("59999")
        dialog.form.fields["postcode"].setText("596")
        dialog.submit()
        assert "5 chiffres" in dialog.form.errors["postcode"].text()
        dialog.form.fields["postcode"].setText("59650")

    _answer_with(monkeypatch, dialogs.CommuneDialog, fill)
    page.buttons["communes:Ajouter…"].click()
    _settled(qtbot, page)
    model = page.models["communes"]
    assert any(model.row(i)["name"] == "Villeneuve-des-Essais" and model.row(i)["postcode"] == "59650"
               for i in range(model.rowCount()))
