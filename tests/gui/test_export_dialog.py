"""Export of the current case list with a column chooser."""
from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gui.export_dialog import ExportDialog
from gui.main_window import MainWindow


def test_exports_the_listed_cases_with_the_chosen_columns(qtbot, demo_db, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "information", lambda *args, **kwargs: QMessageBox.Ok)
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    ids = list(range(1, 31))  # the first thirty demo cases
    dialog = ExportDialog(window, ids)
    qtbot.addWidget(dialog)
    dialog._check_all(False)
    wanted = {"reference", "last_name", "criticality", "suroccupation"}
    for index in range(dialog.columns.count()):
        item = dialog.columns.item(index)
        if item.data(Qt.UserRole) in wanted:
            item.setCheckState(Qt.Checked)
    target = tmp_path / "liste.csv"
    dialog.export_to(target)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["Référence", "Nom", "Criticité", "Suroccupation"]
    assert len(rows) - 1 == len(ids) == dialog.report.rows


def test_an_empty_list_is_not_offered_for_export(qtbot, db, monkeypatch):
    from gui.export_dialog import export_current_list

    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text, *a, **k: told.append(text))
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show_view("dossiers")
    window.case_list.load_now()
    assert export_current_list(window) is None
    assert told and "aucun dossier" in told[0]
