"""Scrolling a case file with the mouse wheel changes no field: drop-downs, spin boxes and dates change on
wheel only once they have the focus, and the wheel scrolls the form instead."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QScrollArea
from sqlalchemy import select

from core.auth import actor_for
from db import models as m
from gui.main_window import MainWindow


def _wheel(widget, steps: int = -3) -> None:
    """The wheel over widget's centre, arriving as the system's does: at its window, which hands it on."""
    window = widget.window()
    centre = widget.mapTo(window, widget.rect().center())
    under = window.childAt(centre)
    assert under is widget or widget.isAncestorOf(under), f"{type(widget).__name__} is not under the pointer"
    for _ in range(abs(steps)):
        event = QWheelEvent(QPointF(centre), QPointF(window.mapToGlobal(centre)), QPoint(0, 0),
                            QPoint(0, 120 if steps > 0 else -120), Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase,
                            False)
        QApplication.sendEvent(window.windowHandle(), event)


def _bring_into_view(widget) -> None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        parent.ensureWidgetVisible(widget)


def _value(widget):
    return widget.currentIndex() if isinstance(widget, QComboBox) else widget.text()


def _window_on_a_case(qtbot, database):
    with database.session() as session:
        manager = actor_for(session.scalars(select(m.User).where(m.User.role == "manager")).first())
        case_id = session.scalar(select(m.Case.id).where(m.Case.status == "en_cours").order_by(m.Case.id))
    window = MainWindow(database, manager)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    window.open_case(case_id)
    return window, window.case_page


def test_the_wheel_over_an_unfocused_field_of_any_tab_changes_nothing(qtbot, demo_db):
    window, page = _window_on_a_case(qtbot, demo_db)
    wheeled = 0
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        tab = page.tabs.widget(index)
        fields = [w for w in tab.findChildren(QComboBox) + tab.findChildren(QAbstractSpinBox)
                  if w.isVisibleTo(window) and w.isEnabled()]
        for field in fields:
            page.tabs.tabBar().setFocus()
            _bring_into_view(field)
            before = _value(field)
            _wheel(field, -3)
            _wheel(field, 2)
            assert _value(field) == before, f"{type(field).__name__} {field.objectName()} changed on the tab " \
                                            f"{page.tabs.tabText(index)}"
            wheeled += 1
    assert wheeled >= 10  # the summary tab alone has more drop-downs than that
    assert not page.has_unsaved_changes()


def test_the_wheel_scrolls_the_form_and_still_works_in_a_focused_field(qtbot, demo_db):
    window, page = _window_on_a_case(qtbot, demo_db)
    window.resize(900, 420)  # small enough for the summary to scroll
    page.tabs.setCurrentWidget(page.summary)
    qtbot.wait(10)
    area = page.summary.findChild(QScrollArea)
    combos = [c for c in page.summary.findChildren(QComboBox) if c.isVisibleTo(window) and c.count() > 2]
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(0)
    field = combos[0]
    _bring_into_view(field)
    shown_from, before = bar.value(), field.currentIndex()
    assert shown_from < bar.maximum()
    _wheel(field, -2)
    assert bar.value() > shown_from and field.currentIndex() == before
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    _wheel(field, -1)
    assert field.currentIndex() != before  # a field the user chose still answers the wheel
    assert page.has_unsaved_changes()
    page.summary.discard()  # leave the window closable without the "unsaved changes" question


def test_a_dialog_opened_later_is_guarded_too(qtbot, demo_db):
    """The guard follows each window from the moment it is shown and focused: the new-case form's fields."""
    from gui.new_case_dialog import NewCaseDialog

    window, _page = _window_on_a_case(qtbot, demo_db)
    dialog = NewCaseDialog(demo_db, window.actor, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    fields = [w for w in dialog.findChildren(QComboBox) + dialog.findChildren(QAbstractSpinBox)
              if w.isVisibleTo(dialog) and w.isEnabled() and not w.hasFocus()]
    assert len(fields) >= 3
    for field in fields:
        _bring_into_view(field)
        before = _value(field)
        _wheel(field, -2)
        assert _value(field) == before, f"{type(field).__name__} {field.objectName()} changed in the dialog"
