"""Run in a fresh process by run.py: cold start, GUI interactions, event-loop gaps, peak memory.

Prints one JSON object on stdout. argv: DB_PATH LAUNCH_TIME (time.time() of the parent at spawn).
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time

LAUNCH = float(sys.argv[2])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import gc  # noqa: E402

gc.disable()  # as main.py does when run: no collection while the program loads
import main as program  # noqa: E402, F401 - the program's own start: its modules
from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from measure import wait_until  # noqa: E402 - the benchmark folder is on the path (script run)


class GapProbe(QObject):
    """A 5 ms timer; the longest interval between two ticks is the longest GUI-thread block."""

    def __init__(self):
        super().__init__()
        self.timer = QTimer(self, interval=5, timeout=self._tick)
        self.last = None
        self.longest = 0.0

    def start(self):
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer.start()

    def _tick(self):
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.longest


class PaintWatch(QObject):
    """Counts the paints of a list's viewport once it has rows (the empty list painted at show is not the
    first screen: counted, the cold start ended before the rows' paint, which fell into the first search)."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.painted = 0

    def eventFilter(self, obj, event):  # noqa: N802 - Qt API
        if event.type() == QEvent.Paint and self.model.rowCount() > 0:
            self.painted += 1
        return False


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and
    exec, so a child of a big benchmark process reported the parent's 320 MB as its own."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    app = QApplication(sys.argv[:1])
    from sqlalchemy import select

    from core.actor import Actor
    from db import models as m
    from db.open import open_database
    from gui.main_window import MainWindow

    from gui.app import ensure_app
    from gui.startup import open_for_window

    ensure_app()
    # The application's own start-up path (instance lock, check, migration, reference data); only the
    # login dialog is skipped, since its time is the user's typing.
    database, lock = open_for_window(lambda: open_database(sys.argv[1]), sys.argv[1], interactive=False)
    with database.session() as session:
        admin = session.scalars(select(m.User).where(m.User.role == "manager").order_by(m.User.id)).first()
    actor = Actor(admin.id, admin.login, admin.role, admin.full_name)
    window = MainWindow(database, actor, first_view="dossiers")  # as `main.py --view dossiers`
    window.resize(1280, 800)
    window.show_view("dossiers")
    page = window.case_list
    watch = PaintWatch(page.model)
    page.table.viewport().installEventFilter(watch)
    window.show()
    wait_until(app, lambda: watch.painted > 0)
    result = {"cold_start": time.time() - LAUNCH, "rows": page.model.rowCount()}

    probe = GapProbe()
    gaps = {}
    resets = [0]
    page.model.modelReset.connect(lambda: resets.__setitem__(0, resets[0] + 1))

    def measure(name, action, done, settled=lambda: True, settled_name=None):
        """Time action until done() (what the user sees); the gap probe runs until settled() too
        (the rest of a long list arriving in the background must not block the GUI thread either)."""
        probe.start()
        started = time.perf_counter()
        action()
        wait_until(app, done)
        elapsed = time.perf_counter() - started
        wait_until(app, settled)
        if settled_name:
            result.setdefault("ops", {}).setdefault(settled_name, []).append(time.perf_counter() - started)
        app.processEvents()
        gaps[name] = max(gaps.get(name, 0.0), probe.stop())
        result.setdefault("ops", {}).setdefault(name, []).append(elapsed)

    queries = ["helene", "hélène", "lefevre", "lefèvre", "roubaix", "rue d", "2026-000", "noel", "noël", "bourgogne"]
    for query in queries:
        before = resets[0]
        measure("recherche", lambda q=query: (page.search_edit.setText(q), page.apply_filters()),
                lambda b=before: resets[0] > b, lambda: page.model.complete)
        page.search_edit.blockSignals(True)
        page.search_edit.clear()
        page.search_edit.blockSignals(False)
    before = resets[0]
    page.apply_filters()
    wait_until(app, lambda: resets[0] > before and page.model.complete and page.model.rowCount() > 1000)
    from PySide6.QtCore import Qt

    for column, order in ((1, Qt.AscendingOrder), (2, Qt.AscendingOrder), (0, Qt.DescendingOrder),
                          (5, Qt.AscendingOrder), (8, Qt.DescendingOrder)):
        before = resets[0]
        # What the user sees: the first rows in the new order; the rest of the ids follow in the background.
        measure("tri", lambda c=column, o=order: page.table.sortByColumn(c, o), lambda b=before: resets[0] > b,
                lambda: page.model.complete, "tri, liste complète")
    for fraction in (0.5, 0.9, 0.1):
        bar = page.table.verticalScrollBar()
        measure("défilement", lambda f=fraction: (bar.setValue(int(bar.maximum() * f)), page.table.viewport().repaint()),
                lambda: True)
    for row in (0, 10, 200, 5000):
        case_id = page.model.case_id_at(row)
        # As from the list (Entrée, double-clic): the page, then its tabs filled on the next turn of the loop.
        measure("ouverture dossier", lambda c=case_id: window.open_case(c, deferred=True),
                lambda c=case_id: getattr(window.current_page(), "case_id", None) == c and window.current_page().loaded)
        window.close_case()
    result["gaps"] = gaps
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
    sys.stdout.flush()
    lock.release()  # a clean close, as when the user quits
    os._exit(0)  # skip Qt teardown: only the figures matter here


if __name__ == "__main__":
    main()
