"""Fichier › Importer… : the check's summary before anything is written, then the new cases listed."""
from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from db import models as m
from gui.import_dialog import ImportDialog
from gui.progress_dialog import ProgressDialog
from gui.main_window import MainWindow
from tests.core.signal_files import report, write_export


def count_cases(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count(m.Case.id)))


def test_check_shows_the_summary_then_import_lists_the_new_cases(qtbot, db, tmp_path):
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert "Importer…" in [a.text().replace("&", "") for a in window.file_menu.actions()]
    rows = [report("2024-901"), report("2024-902", **{"Nom occupant": "Essai"}),
            report("2024-903", **{"Déposé le": "30/02/2024"})]
    source = write_export(tmp_path / "export.csv", rows)
    dialog = ImportDialog(window)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(source))
    dialog.run_check()
    qtbot.waitUntil(lambda: dialog.checked is not None, timeout=30000)
    text = dialog.summary.document().toRawText()  # toPlainText() would turn the no-break spaces into spaces
    assert "Export Signal Logement reconnu : 70\u00a0colonnes, 3\u00a0signalements." in text
    assert "2\u00a0nouveaux dossiers à créer." in text
    assert "Ligne 4, colonne « Déposé le » : la date « 30/02/2024 » n'existe pas." in text
    assert count_cases(db) == 0 and not dialog.import_button.isEnabled()  # all or nothing unless asked
    dialog.skip_check.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.grab().save(str(tmp_path / "verification.png"))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=30000)
    assert count_cases(db) == 2 and dialog.pages.currentIndex() == 1
    assert [dialog.created_model.row(i)["external"] for i in range(2)] == ["2024-901", "2024-902"]
    assert dialog.created_model.row(1)["household"] == "ESSAI Océane"
    dialog.grab().save(str(tmp_path / "dossiers-importes.png"))
    opened = []
    window.open_case = opened.append  # the case file itself is tested elsewhere; here: which case is asked for
    dialog.open_case(1)
    assert opened == [dialog.result.new_case_ids[1]]


def test_an_agent_is_told_the_import_is_for_managers(qtbot, db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from core.actor import Actor
    from gui.import_dialog import open_import_dialog

    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: told.append(args[2]) or QMessageBox.Ok)
    window = MainWindow(db, Actor(user_id=None, login="agent", role="agent", full_name="Agent Fictif"))
    qtbot.addWidget(window)
    assert open_import_dialog(window) is None
    assert told == ["L'import de dossiers est réservé aux responsables et aux administrateurs."]


def test_annuler_during_an_import_keeps_nothing(qtbot, db, tmp_path):
    from tests.core.test_progress import many_rows

    window = MainWindow(db)
    qtbot.addWidget(window)
    dialog = ImportDialog(window)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(many_rows(tmp_path, 3000)))
    dialog.run_check()
    qtbot.waitUntil(lambda: dialog.checked is not None, timeout=60000)
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    progress = dialog.running
    qtbot.waitUntil(lambda: "Vérification des lignes" in progress.label.text() and progress.bar.value() > 0,
                    timeout=60000)
    assert "/ 3\u00a0000" in progress.label.text()  # « Vérification des lignes : 450 / 3 000 »
    progress.grab().save(str(tmp_path / "progression.png"))
    qtbot.mouseClick(progress.cancel_button, Qt.LeftButton)
    assert progress.cancel_button.text() == "Annulation…"
    qtbot.waitUntil(lambda: "Import annulé" in dialog.summary.toPlainText(), timeout=60000)
    assert "Import annulé : aucun dossier n'a été enregistré." in dialog.summary.toPlainText()
    assert dialog.findChild(ProgressDialog) is None or not dialog.findChild(ProgressDialog).isVisible()
    assert count_cases(db) == 0 and dialog.result is None
