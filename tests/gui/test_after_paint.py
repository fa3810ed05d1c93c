"""Work started once a widget has painted (gui.widgets.after_next_paint)."""
from __future__ import annotations

import gc

from PySide6.QtWidgets import QLabel

from gui.widgets import after_next_paint


def test_work_after_a_paint_runs_once_and_survives_the_garbage_collector(qtbot):
    """Each callback runs once, after the paint or after its delay when nothing paints; the helper objects
    go away cleanly, with the garbage collector running in between."""
    label = QLabel("Dossiers")
    qtbot.addWidget(label)
    label.show()
    calls = []
    hidden = QLabel("caché")
    qtbot.addWidget(hidden)
    for round_ in range(40):
        after_next_paint(label, lambda r=round_: calls.append(("painted", r)))
        after_next_paint(hidden, lambda r=round_: calls.append(("never painted", r)), at_most_ms=20)
        label.update()
        gc.collect()
        qtbot.wait(5)
        gc.collect()
    qtbot.waitUntil(lambda: len(calls) == 80, timeout=5000)
    qtbot.wait(200)
    gc.collect()
    assert sorted(calls) == sorted([("painted", r) for r in range(40)] + [("never painted", r) for r in range(40)])
