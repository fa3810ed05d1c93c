"""The input of every window, seen where it enters: no silent edits by the mouse wheel, and who listens for
user activity.

No silent edits: a drop-down, spin box or date field changes on wheel only when it has the keyboard focus
(the user clicked or tabbed into it). Otherwise the wheel scrolls what holds it, as the user meant:
scrolling a long form must never change Quartier or Typologie under the pointer.

User activity (the session lock's idle timer, the window's wait for a quiet moment after start-up) is told
by the same filter (`on_activity`).

Where: one filter on each window's QWindow, which receives the keyboard, mouse and wheel input before Qt
hands it to a widget, and little else. A filter on the whole application saw every event of every object
(paints, layouts, timers, queued calls), each a call from Qt into Python that waits for the interpreter
lock while a background read holds it: with a Python-busy pool thread, a case opening took 200-220 ms with
it against 130-150 ms without. Every form, dialog and tab still gets the guard without a line of its own:
a window is watched from the moment one of its widgets takes the focus (or it is shown, for the main
window).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

_ACTIVITY = frozenset({QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.Wheel, QEvent.TouchBegin})
_FIELDS = (QComboBox, QAbstractSpinBox)
_listeners: list[Callable[[QEvent.Type], None]] = []


class WindowInput(QObject):
    """The filter of one window (a child of its top-level widget, so it goes with it)."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.top = window
        self.handle = None

    def eventFilter(self, watched, event):  # noqa: N802 - Qt API
        kind = event.type()
        if kind not in _ACTIVITY:
            return False
        for listener in list(_listeners):
            listener(kind)
        if kind == QEvent.Wheel:
            field = _field_under(self.top, event)
            if field is not None and not field.hasFocus():
                _scroll_container(field, event)
                return True  # the field never sees it (nor takes the focus from it)
        return False


def _field_under(window: QWidget, event) -> QWidget | None:
    """The drop-down or spin box under the pointer (its inner line edit counts as itself), in this window."""
    widget = window.childAt(event.position().toPoint())
    while widget is not None and not widget.isWindow():
        if isinstance(widget, _FIELDS):
            return widget
        widget = widget.parentWidget()
    return None


def _scroll_container(field: QWidget, event) -> None:
    """Hand the wheel to the nearest scrolling ancestor (a scroll area or a list)."""
    parent = field.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        bar = parent.verticalScrollBar() if event.angleDelta().y() else parent.horizontalScrollBar()
        QApplication.sendEvent(bar, event)


def watch_window(widget: QWidget | None) -> None:
    """Filter the input of the window that holds widget (once per window)."""
    if widget is None:
        return
    window = QWidget.window(widget)  # unbound: some widgets name an attribute « window »
    handle = QWidget.windowHandle(window)
    if handle is None:
        return
    watcher = window.findChild(WindowInput, options=Qt.FindDirectChildrenOnly)
    if watcher is not None and watcher.handle is handle:
        return
    watcher = watcher or WindowInput(window)
    watcher.handle = handle  # a window whose native window was made again is watched again
    handle.installEventFilter(watcher)


_followed_apps: list[QApplication] = []  # the application whose focus changes are followed (one)


def watch_windows() -> None:
    """Watch every window of the running application: those open now, and each one whose widgets take the
    focus from now on."""
    app = QApplication.instance()
    if app is None:
        return
    if app not in _followed_apps:
        _followed_apps[:] = [app]
        app.focusChanged.connect(lambda _old, now: watch_window(now))
        app.focusWindowChanged.connect(_watch_activated)  # a window with nothing to focus
    for window in app.topLevelWidgets():
        if window.isVisible():
            watch_window(window)


def _watch_activated(handle) -> None:
    for window in QApplication.topLevelWidgets():
        if handle is not None and QWidget.windowHandle(window) is handle:
            watch_window(window)


def on_activity(listener: Callable[[QEvent.Type], None]) -> Callable[[], None]:
    """Call listener(event type) on every key press, click, mouse move, wheel or touch in a watched window;
    returns the function that stops it."""
    watch_windows()
    _listeners.append(listener)
    return lambda: listener in _listeners and _listeners.remove(listener)
