"""No silent edits by the mouse wheel: a drop-down, spin box or date field changes on wheel only when it
has the keyboard focus (the user clicked or tabbed into it). Otherwise the wheel scrolls what holds it,
as the user meant: scrolling a long form must never change Quartier or Typologie under the pointer.

One filter on the whole application, so every form, dialog and tab gets it without a line of its own.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget


class WheelGuard(QObject):
    def eventFilter(self, watched, event):  # noqa: N802 - Qt API
        if event.type() == QEvent.Wheel and isinstance(watched, (QComboBox, QAbstractSpinBox)) \
                and not watched.hasFocus():
            _scroll_container(watched, event)
            return True  # the field never sees it (nor takes the focus from it)
        return False


def _scroll_container(field: QWidget, event) -> None:
    """Hand the wheel to the nearest scrolling ancestor (a scroll area or a list)."""
    parent = field.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        bar = parent.verticalScrollBar() if event.angleDelta().y() else parent.horizontalScrollBar()
        QApplication.sendEvent(bar, event)


_guard: WheelGuard | None = None


def install_wheel_guard() -> None:
    """Install the filter on the running application (once)."""
    global _guard
    app = QApplication.instance()
    if app is None or _guard is not None and _guard.parent() is app:
        return
    _guard = WheelGuard(app)
    app.installEventFilter(_guard)
