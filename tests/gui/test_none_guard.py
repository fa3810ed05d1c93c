"""PySide6 void calls take a reference from None on Python 3.11; the guard keeps None alive."""
import sys

import pytest
from PySide6.QtWidgets import QLabel

from gui import none_guard


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_many_void_calls_do_not_bring_none_near_zero(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    none_guard.top_up()
    for _ in range(50_000):
        label.setText("a")
    assert sys.getrefcount(None) > 1_000_000
    none_guard.top_up(minimum=sys.getrefcount(None) + 1)  # forced: adds a reserve
    assert sys.getrefcount(None) > none_guard.RESERVE
