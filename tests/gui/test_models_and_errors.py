"""Every table model passes Qt's model tester; an exception in a slot shows a dialog, not a crash."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton

from gui.main_window import NAVIGATION, MainWindow
from gui.rows_model import RowsModel


def all_row_models(window: MainWindow) -> list[RowsModel]:
    models = []
    for page in [*window.pages.values(), window.case_page]:
        models.extend(page.findChildren(RowsModel))
    return models


def wait_loaded(qtbot, page) -> None:
    """Table pages load in the background: wait for their rows (or their empty state)."""
    qtbot.waitUntil(lambda: not getattr(page, "loading", False) and not getattr(page, "_stale", False), timeout=5000)


def test_every_table_model_passes_the_qt_model_tester(qtbot, qtmodeltester, demo_db):
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    for key, _label in NAVIGATION:
        window.show_view(key)
        wait_loaded(qtbot, window.current_page())
    window.pages["echeances"].all_check.setChecked(True)
    from sqlalchemy import select

    from db import models as m

    with demo_db.session() as session:
        case_id = session.scalar(select(m.Relocation.case_id))
    window.open_case(case_id)
    models = all_row_models(window)
    assert len(models) >= 10
    assert sum(model.rowCount() for model in models) > 0
    for model in models:
        qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(window.case_list.model, force_py=True)


def test_every_view_has_words_when_empty(qtbot, db):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    for key, label in NAVIGATION:
        assert window.show_view(key)
        page = window.current_page()
        wait_loaded(qtbot, page)  # the empty state, not the loading sentence
        texts = [w.text() for w in page.findChildren(type(window.count_label)) if w.isVisible() and w.text()]
        assert any(len(t.split()) >= 3 for t in texts), (label, texts)


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_shows_a_french_dialog_and_the_window_survives(qtbot, db, monkeypatch):
    from gui import errors

    monkeypatch.setattr(sys, "excepthook", errors.report_exception)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    button = QPushButton("boum", window)

    def broken_slot():
        raise RuntimeError("panne simulée")

    button.clicked.connect(broken_slot)
    seen = {}

    def close_dialog():  # as a user would, once it shows; whatever else the window does meanwhile
        dialog = errors._state["last_dialog"]
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, close_dialog)
            return
        seen["text"], seen["info"] = dialog.text(), dialog.informativeText()
        dialog.done(0)

    errors._state["last_dialog"] = None
    QTimer.singleShot(0, close_dialog)
    button.click()
    qtbot.waitUntil(lambda: "text" in seen, timeout=3000)
    assert "erreur inattendue" in seen["text"].lower()
    assert str(errors.log_path()) in seen["info"]
    assert "panne simulée" in errors.log_path().read_text(encoding="utf-8")
    assert window.isVisible()
    assert window.show_view("dossiers")  # still usable


def test_screenshot_option_writes_a_png_and_exits_0(tmp_path, demo_db):
    import subprocess
    from pathlib import Path

    from sqlalchemy import select

    from db import models as m

    with demo_db.session() as session:
        reference = session.scalar(select(m.Case.reference))
    root = Path(__file__).resolve().parents[2]
    for view in ("agenda", f"case:{reference}"):
        target = tmp_path / f"{view.replace(':', '-')}.png"
        result = subprocess.run([sys.executable, str(root / "main.py"), "--db", str(demo_db.path), "--screenshot",
                                 str(target), "--view", view], capture_output=True, text=True, timeout=60,
                                cwd=root)
        assert result.returncode == 0, result.stderr
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_cell_is_painted_from_one_call_with_every_role(qtbot, demo_db, monkeypatch):
    """The delegate reads a cell's text, font and mark through multiData: the same values as data(), in one
    call from Qt into Python per cell (through Qt's own delegate, so the override is the one Qt uses)."""
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    from gui.case_table_model import CaseTableModel

    callers = []
    original = CaseTableModel.data

    def watched(self, index, role=0):
        callers.append(sys._getframe(1).f_code.co_name)  # multiData, or the test itself when Qt calls directly
        return original(self, index, role)
    monkeypatch.setattr(CaseTableModel, "data", watched)  # before the model exists: Qt caches overrides
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    window.show_view("dossiers")
    model = window.case_list.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=5000)
    marked = next(row for row in range(model.rowCount()) if model.data(model.index(row, 0), 1) is not None)
    for column in range(model.columnCount()):
        index = model.index(marked, column)
        model.cells.clear()  # as at the cell's first paint
        option = QStyleOptionViewItem()
        callers.clear()
        QStyledItemDelegate().initStyleOption(option, index)
        assert len(callers) > 3 and set(callers) == {"multiData"}  # every role, from one call into Python
        assert option.text == (model.data(index) or "")
        font = model.data(index, 6)
        assert option.font.bold() == bool(font is not None and font.bold())
        assert option.icon.isNull() == (model.data(index, 1) is None)  # the priority or overdue mark
        again = QStyleOptionViewItem()
        callers.clear()
        QStyledItemDelegate().initStyleOption(again, index)
        assert callers == [] and again.text == option.text  # a repaint: the kept values, nothing worked out


def test_kept_cells_follow_the_late_markers_and_a_new_list(qtbot):
    """The values kept for repaints never outlive what they show: the late ring appears when the whole list's
    late cases arrive, and a new list shows its own rows."""
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    from core.case_list import CaseRow
    from gui.case_table_model import CaseTableModel

    def row(case_id, name):
        return CaseRow(id=case_id, reference=f"2026-{case_id:05d}", household=name, address="1 rue de Lille",
                       neighbourhood="Lille-Sud", is_qpv=True, kinds="", status="en_cours", priority="normale",
                       agent="", last_activity=None, opened_on=None)

    def painted(model, column=0, at=0):
        option = QStyleOptionViewItem()
        QStyledItemDelegate().initStyleOption(option, model.index(at, column))
        return option

    model = CaseTableModel(None)
    model.set_ids([1, 2], rows={1: row(1, "AMRANI Cécile"), 2: row(2, "DUPONT Léa")}, overdue=set(), complete=False)
    household = [c for c in range(model.columnCount()) if model.headerData(c, Qt.Horizontal) == "Ménage"][0]
    assert painted(model).icon.isNull() and painted(model, household).text == "AMRANI Cécile"
    assert painted(model, household, at=1).text == "DUPONT Léa"
    model.complete_ids([1, 2], overdue={1})
    assert not painted(model).icon.isNull()  # the ring of a late case
    assert (2, household) in model.cells  # a row whose marker did not change keeps its worked-out cells
    model.set_ids([2], rows={2: row(2, "DUPONT Léa")}, overdue=set())
    assert painted(model, household).text == "DUPONT Léa"
