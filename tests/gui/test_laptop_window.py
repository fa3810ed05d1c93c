"""Field laptops from the window (issue 16): an agent takes cases out, works offline, comes back; a field
changed on both sides is shown as a conflict and settled; the office base shows the chosen value."""
from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from core.laptop import laptop_origin
from core.services import cases, notes
from db import crypto, models as m
from db.open import open_database
from gui.main_window import MainWindow
from tests.core.laptop.helpers import PHRASE, office_with_cases, references

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "laptop"


def shot(widget, name: str) -> None:
    """Screenshots of the new screens (looked at by the developer; build/ is not committed)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


def summary(database, case_id) -> str:
    with database.session() as session:
        return session.get(m.Case, case_id).summary


def open_window(qtbot, database, actor) -> MainWindow:
    window = MainWindow(database, actor)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: hasattr(window, "conflict_count"), timeout=10_000)
    return window


def test_an_agent_takes_cases_out_works_offline_and_a_conflict_is_settled_with_the_laptop_value(
        qtbot, db, tmp_path):
    agent, manager, ids = office_with_cases(db)
    window = open_window(qtbot, db, agent)

    # Check-out from the window: « mes dossiers », an encrypted laptop base
    window.checkout_action.trigger()
    dialog = window.laptop_dialog
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    assert dialog.mine_radio.isChecked() and Path(dialog.file_edit.text()).name.startswith("portable-")
    target = tmp_path / "portable.sqlite3"
    dialog.file_edit.setText(str(target))
    dialog.passphrase.phrase_edit.setText(PHRASE)
    dialog.passphrase.confirm_edit.setText(PHRASE)
    shot(dialog, "emporter")
    dialog.go_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    assert "3 dossiers et 0 pièce jointe emportés" in dialog.outcome.text()
    assert "sabrina" in dialog.outcome.text() and "chiffrée" in dialog.outcome.text()
    shot(dialog, "emporter-fait")
    assert crypto.is_encrypted(target)
    dialog.close()

    # The case list says who took the cases, in words
    window.show_view("dossiers")
    page = window.case_list
    page.refresh_now() if hasattr(page, "refresh_now") else page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    model = page.model
    column = model.columnCount() - 1
    assert model.headerData(column, Qt.Horizontal) == "Portable"
    note = model.index(0, column).data()
    assert note.startswith("emporté par Utilisatrice S. le ")
    assert "portable de terrain" in model.index(0, column).data(Qt.ToolTipRole)
    shot(window, "liste-emportes")

    # Offline on the laptop base; the same field at the office
    laptop = open_database(target, create=False, passphrase=PHRASE)
    assert laptop_origin(laptop) is not None
    cases.update_case(laptop, agent, ids[0], {"summary": "vu sur place, fuite réparée"})
    notes.add_note(laptop, agent, ids[1], "Note prise hors ligne")
    with laptop.session() as session:
        commune = session.scalar(select(m.Commune).where(m.Commune.name == "Lille"))
        commune_id, postcode = commune.id, commune.postcode
    new = cases.create_case(laptop, agent, household={"last_name": "Nouvelle"}, source="habitant",
                            dwelling={"street": "rue du Terrain", "postcode": postcode, "commune_id": commune_id,
                                      "tenure": "locataire_prive"}, agent_id=agent.user_id)
    with laptop.session() as session:
        provisional = session.get(m.Case, new.result).reference
    laptop_window = open_window(qtbot, laptop, agent)
    qtbot.waitUntil(lambda: laptop_window.laptop_label.isVisible(), timeout=10_000)
    assert laptop_window.laptop_label.text().startswith("Portable — dossiers emportés le ")
    assert "Portable — dossiers emportés le" in laptop_window.windowTitle()
    shot(laptop_window, "fenetre-portable")
    laptop_window.close()
    QThreadPool.globalInstance().waitForDone()  # as the application does before closing its base
    laptop.dispose()
    cases.update_case(db, manager, ids[0], {"summary": "appel du bailleur"})

    # Check-in from the window
    window.checkin_action.trigger()
    back = window.laptop_dialog
    back.file_edit.setText(str(target))
    back.passphrase.phrase_edit.setText(PHRASE)
    back.go_button.click()
    back.reject()  # Échap while the merge runs: the dialog stays, its report must be seen
    assert back.isVisible()
    qtbot.waitUntil(lambda: back.report is not None, timeout=20_000)
    text = back.report_view.toPlainText()
    assert "Ce qui est revenu" in text and "À décider : 1 conflit" in text
    assert "bureau « appel du bailleur »" in text and "portable « vu sur place, fuite réparée »" in text
    assert back.conflicts_button.isVisible() and back.pdf_button.isVisible()
    [(old_reference, office_reference)] = back.report.references
    assert old_reference == provisional and f"{provisional} devient {office_reference}" in text
    qtbot.waitUntil(lambda: window.conflict_count == 1, timeout=10_000)
    assert window.conflicts_action.text() == "&Conflits à arbitrer (1)…"
    shot(back, "rapporter-rapport")
    back.write_pdf(tmp_path / "retour.pdf")
    qtbot.waitUntil(lambda: getattr(back, "written_pdf", None) is not None, timeout=20_000)
    pdf_text = "".join(page.extract_text() for page in PdfReader(tmp_path / "retour.pdf").pages)
    assert "Conflits à arbitrer (1)" in pdf_text

    # The conflict, shown with both values and who made them, settled with the laptop value
    conflicts = back.show_conflicts()
    qtbot.waitUntil(lambda: not conflicts.loading, timeout=10_000)
    cells = [conflicts.table.item(0, c).text() for c in range(conflicts.table.columnCount())]
    assert cells[0] == references(db, [ids[0]])[0] and cells[1] == "Dossier · Résumé"
    assert cells[2].startswith("appel du bailleur\n— resp-sabrina le ")
    assert cells[3].startswith("vu sur place, fuite réparée\n— sabrina le ")
    shot(conflicts, "conflits")
    assert summary(db, ids[0]) == "appel du bailleur"  # the office value until someone chooses
    conflicts.laptop_button.click()
    qtbot.waitUntil(lambda: not conflicts.loading and not conflicts.conflicts and not conflicts.busy, timeout=10_000)
    assert summary(db, ids[0]) == "vu sur place, fuite réparée"
    assert conflicts.empty.isVisible() and "valeur du portable prise" in conflicts.done_label.text()
    assert window.conflicts_action.text() == "&Conflits à arbitrer…"
    shot(conflicts, "conflits-regles")


def test_checkout_refuses_an_empty_file_name_and_passphrases_that_differ(qtbot, db, tmp_path):
    agent, _manager, _ids = office_with_cases(db)
    window = open_window(qtbot, db, agent)
    dialog = window.checkout_action.trigger() or window.laptop_dialog
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    dialog.file_edit.clear()
    dialog.go_button.click()
    assert dialog.error_label.text() == "Fichier du portable : indiquez où écrire la base à emporter."
    dialog.file_edit.setText(str(tmp_path / "p.sqlite3"))
    dialog.passphrase.phrase_edit.setText(PHRASE)
    dialog.passphrase.confirm_edit.setText(PHRASE + " !")
    dialog.go_button.click()
    assert dialog.error_label.text() == "Confirmation de la phrase de passe : les deux saisies diffèrent."
    dialog.passphrase.confirm_edit.setText("court")
    dialog.passphrase.phrase_edit.setText("court")
    dialog.go_button.click()
    assert dialog.error_label.text().startswith("Phrase de passe : trop courte")
    dialog.references_radio.setChecked(True)
    dialog.go_button.click()
    assert dialog.error_label.text() == "Références : saisissez au moins une référence de dossier."
    shot(dialog, "emporter-erreur")
    assert not (tmp_path / "p.sqlite3").exists()


def test_checkout_tells_a_refusal_of_the_core_in_french_and_writes_nothing(qtbot, db, tmp_path):
    agent, _manager, _ids = office_with_cases(db)
    window = open_window(qtbot, db, agent)
    window.checkout_action.trigger()
    dialog = window.laptop_dialog
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    dialog.references_radio.setChecked(True)
    dialog.references_edit.setText("2099-99999")
    dialog.file_edit.setText(str(tmp_path / "p.sqlite3"))
    dialog.encrypt_check.setChecked(False)
    dialog.go_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=10_000)
    assert "2099-99999" in dialog.error_label.text() and dialog.go_button.isEnabled()
    assert dialog.result is None and not (tmp_path / "p.sqlite3").exists()


def test_checkin_needs_an_existing_file_and_the_right_passphrase(qtbot, db, tmp_path):
    from tests.core.laptop.helpers import take_out

    agent, _manager, ids = office_with_cases(db)
    window = open_window(qtbot, db, agent)
    window.checkin_action.trigger()
    dialog = window.laptop_dialog
    dialog.go_button.click()
    assert dialog.error_label.text() == "Fichier du portable : choisissez la base rapportée du terrain."
    dialog.file_edit.setText(str(tmp_path / "absent.sqlite3"))
    dialog.go_button.click()
    assert "n'existe pas" in dialog.error_label.text()
    _result, laptop = take_out(db, agent, tmp_path / "p.sqlite3", ids, encrypt=True)
    laptop.dispose()
    dialog.file_edit.setText(str(tmp_path / "p.sqlite3"))
    dialog.passphrase.phrase_edit.setText("pas la bonne phrase")
    dialog.go_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible() and dialog.go_button.isEnabled(), timeout=20_000)
    assert "Rien n'a été modifié" in dialog.error_label.text() and dialog.report is None
    shot(dialog, "rapporter-erreur")


def test_a_second_checkin_from_the_window_says_nothing_changed(qtbot, db, tmp_path):
    from tests.core.laptop.helpers import take_out

    agent, _manager, ids = office_with_cases(db)
    _result, laptop = take_out(db, agent, tmp_path / "p.sqlite3", ids)
    notes.add_note(laptop, agent, ids[0], "Une seule fois")
    laptop.dispose()
    window = open_window(qtbot, db, agent)
    for run in range(2):
        window.checkin_action.trigger()
        dialog = window.laptop_dialog
        dialog.file_edit.setText(str(tmp_path / "p.sqlite3"))
        dialog.go_button.click()
        qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
        dialog.close()
    assert "rien n'a été modifié" in dialog.report_view.toPlainText()
    assert not dialog.conflicts_button.isVisible()


def conflict_on_the_summary(qtbot, db, tmp_path):
    """The first case's summary changed on a laptop and at the office, the laptop checked in: the manager's
    window, with one conflict to settle. Returns (window, manager, case ids)."""
    from core.laptop import checkin
    from tests.core.laptop.helpers import take_out

    agent, manager, ids = office_with_cases(db)
    _result, laptop = take_out(db, agent, tmp_path / "p.sqlite3", ids)
    cases.update_case(laptop, agent, ids[0], {"summary": "sur le portable"})
    laptop.dispose()
    cases.update_case(db, manager, ids[0], {"summary": "au bureau"})
    checkin(db, agent, tmp_path / "p.sqlite3")
    window = open_window(qtbot, db, manager)
    return window, manager, ids


def test_settling_a_conflict_changed_meanwhile_at_the_office_is_refused_in_french_and_reloads(
        qtbot, db, tmp_path):
    window, manager, ids = conflict_on_the_summary(qtbot, db, tmp_path)
    assert window.conflict_count == 1
    window.conflicts_action.trigger()
    dialog = window.conflicts_dialog
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    cases.update_case(db, manager, ids[0], {"summary": "changé entre-temps"})
    dialog.laptop_button.click()
    qtbot.waitUntil(lambda: dialog.message.isVisible() and not dialog.loading, timeout=10_000)
    assert "a changé au bureau" in dialog.message.text() and "relue" in dialog.message.text()
    assert len(dialog.conflicts) == 1 and summary(db, ids[0]) == "changé entre-temps"


@pytest.mark.parametrize(("office", "laptop", "typed", "expected"), [
    ("12/03/2026", "14/03/2026", "15/03/2026", "2026-03-15"),
    ("12/03/2026 09:30", "(vide)", "13/03/2026 10:00", "2026-03-13T10:00:00"),
    ("3", "4", "5", 5),
    ("oui", "non", "non", False),
    ("appel", "visite", " texte libre ", "texte libre"),
    ("appel", "visite", "", None),
])
def test_a_typed_value_reaches_the_core_in_the_shape_of_the_field(office, laptop, typed, expected):
    from core.laptop import ConflictView
    from gui.laptop_conflicts import typed_value

    conflict = ConflictView(1, "2026-00001", "Dossier", "Résumé", "summary", "", office, laptop, "a", None, "b", None)
    assert typed_value(conflict, typed) == expected


def test_an_edited_value_settles_the_conflict(qtbot, db, tmp_path):
    from gui.laptop_conflicts import EditValueDialog

    window, manager, ids = conflict_on_the_summary(qtbot, db, tmp_path)
    window.conflicts_action.trigger()
    dialog = window.conflicts_dialog
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    editor = EditValueDialog(dialog.selected(), dialog)
    qtbot.addWidget(editor)
    assert editor.editor.text() == "sur le portable"
    editor.editor.setText("les deux : appel puis visite")
    shot(editor, "conflit-modifier")
    dialog.settle(None, editor.value())
    qtbot.waitUntil(lambda: not dialog.busy and not dialog.loading and not dialog.conflicts, timeout=10_000)
    assert summary(db, ids[0]) == "les deux : appel puis visite"
    with db.session() as session:
        assert session.scalar(select(m.AuditEvent.action).order_by(m.AuditEvent.id.desc())) == "portable.arbitrage"


def test_on_a_laptop_base_the_window_sends_check_out_and_check_in_to_the_office(qtbot, db, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from tests.core.laptop.helpers import take_out

    agent, _manager, ids = office_with_cases(db)
    _result, laptop = take_out(db, agent, tmp_path / "p.sqlite3", ids)
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, title, text, *a: said.append(text))
    window = open_window(qtbot, laptop, agent)
    qtbot.waitUntil(lambda: window.laptop_info is not None, timeout=10_000)
    window.checkin_action.trigger()
    window.checkout_action.trigger()
    assert "Ouvrez la base du bureau" in said[0] and "depuis la base du bureau" in said[1]
    assert not hasattr(window, "laptop_dialog")
    window.close()
    laptop.dispose()


def test_a_coded_field_is_chosen_by_its_french_label(qtbot):
    from core.laptop import ConflictView
    from gui.laptop_conflicts import EditValueDialog, shown_value

    conflict = ConflictView(1, "2026-00001", "Dossier", "Statut", "status", "nouveau", "en_cours", "en_attente",
                            "a", None, "b", None)
    assert (shown_value(conflict, conflict.office), shown_value(conflict, conflict.laptop)) == ("En cours",
                                                                                                "En attente")
    editor = EditValueDialog(conflict)
    qtbot.addWidget(editor)
    assert editor.editor.currentText() == "En attente" and editor.value() == "en_attente"
    editor.editor.setCurrentIndex(editor.editor.findText("Clos"))
    assert editor.value() == "clos"


def test_a_conflict_on_the_agent_of_a_case_names_the_people(qtbot):
    from core.laptop import ConflictView
    from gui.laptop_conflicts import EditValueDialog, shown_value

    people = {3: "Sabrina Hamdi", 4: "Karim Benali"}
    conflict = ConflictView(1, "2026-00001", "Dossier", "Agent", "agent_id", "", "3", "4", "a", None, "b", None)
    assert shown_value(conflict, "3", people) == "Sabrina Hamdi" and shown_value(conflict, "9", people) == "compte n° 9"
    editor = EditValueDialog(conflict, people=people)
    qtbot.addWidget(editor)
    assert editor.editor.currentText() == "Karim Benali" and editor.value() == 4
