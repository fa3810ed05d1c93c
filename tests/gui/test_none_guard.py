"""PySide6 6.12.0 took a reference from None on every void call (setText…): on Python 3.11
the count reached zero and the interpreter aborted ("none_dealloc"), losing the user's typing.
pyproject.toml keeps PySide6 below 6.12; this test fails if an upgrade brings the leak back."""
import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_leave_none_alone(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        label.setText("a")
        label.setMinimumWidth(10)
    assert abs(sys.getrefcount(None) - before) < 100
