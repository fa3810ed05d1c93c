"""Typing into widgets as a person would, safely on the offscreen platform.

qtbot.keyClicks aborts the process on lowercase accented letters offscreen,
so those characters are sent as key events with the text attached.
"""
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def type_text(qtbot, widget, text: str) -> None:
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key_unknown, ch, Qt.NoModifier)
