"""The application's one event filter: no silent edits by the mouse wheel, and who listens for user activity.

No silent edits: a drop-down, spin box or date field changes on wheel only when it has the keyboard focus
(the user clicked or tabbed into it). Otherwise the wheel scrolls what holds it, as the user meant:
scrolling a long form must never change Quartier or Typologie under the pointer. One filter on the whole
application, so every form, dialog and tab gets it without a line of its own.

User activity (the session lock's idle timer, the window's wait for a quiet moment after start-up) is told
by the same filter (`on_activity`): every event of the application passes through an application filter,
and each pass is a call from Qt into Python that waits for the interpreter lock while a background read
holds it. One filter rather than three; with a Python-busy pool thread, a case opening still took 200-220 ms
with this one filter against 130-150 ms with none (per-widget filters would avoid it: not done yet).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

_ACTIVITY = frozenset({QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.Wheel, QEvent.TouchBegin})


class ApplicationEvents(QObject):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.listeners: list[Callable[[QEvent.Type], None]] = []

    def eventFilter(self, watched, event):  # noqa: N802 - Qt API
        kind = event.type()
        if kind not in _ACTIVITY:
            return False
        for listener in list(self.listeners):
            listener(kind)
        if kind == QEvent.Wheel and isinstance(watched, (QComboBox, QAbstractSpinBox)) and not watched.hasFocus():
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


_filter: ApplicationEvents | None = None


def install_wheel_guard() -> ApplicationEvents | None:
    """Install the filter on the running application (once)."""
    global _filter
    app = QApplication.instance()
    if app is None:
        return None
    if _filter is None or _filter.parent() is not app:
        _filter = ApplicationEvents(app)
        app.installEventFilter(_filter)
    return _filter


def on_activity(listener: Callable[[QEvent.Type], None]) -> Callable[[], None]:
    """Call listener(event type) on every key press, click, mouse move, wheel or touch; returns the function
    that stops it."""
    events = install_wheel_guard()
    events.listeners.append(listener)
    return lambda: listener in events.listeners and events.listeners.remove(listener)
