"""Where the GUI thread spends its time: long blocks of the event loop and the Python behind them.

    uv run python tests/benchmarks/gui_profile.py DB_PATH [--only start,search,open,pages] [--top 25]

Not a benchmark (the profiler slows Python down ~2×): a tool to find the steps to split. Every event the
application dispatches is timed (QApplication.notify); each one over --block ms is listed with its receiver
and event type, and the Python functions of each interaction are profiled on the GUI thread only
(cProfile hooks the thread that enables it; the pool's reads are not counted).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
STARTED = time.perf_counter()

import gc  # noqa: E402

gc.disable()  # as main.py does when run: no collection while the program loads
import main as program  # noqa: E402, F401 - the program's own start: its modules

from PySide6.QtCore import QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from measure import wait_until  # noqa: E402 - the benchmark folder is on the path (script run)


class RecordingApplication(QApplication):
    """Times every event dispatched from the event loop (nested dispatches count in their parent); a sampler
    thread notes the GUI thread's Python stack every 5 ms while an event has lasted over 20 ms."""

    def __init__(self, argv):
        super().__init__(argv)
        self.depth = 0
        self.blocks: list[tuple[float, str]] = []
        self.block_started = None
        self.samples: list[str] = []
        self.nested: list[tuple[float, str]] = []
        import threading

        self.main_id = threading.get_ident()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self):
        import traceback

        while True:
            time.sleep(0.005)
            started = self.block_started
            if started is not None and time.perf_counter() - started > 0.02:
                frame = sys._current_frames().get(self.main_id)
                if frame is not None:
                    stack = traceback.extract_stack(frame)
                    mine = [f for f in stack if f.filename.startswith(ROOT) and "gui_profile" not in f.filename
                            and ".venv" not in f.filename] or stack[-3:]
                    self.samples.append(" < ".join(f"{os.path.basename(f.filename)}:{f.lineno} {f.name}"
                                                   for f in reversed(mine[-4:])) + f" [{stack[-1].name}]")

    def notify(self, receiver, event):  # noqa: N802 - Qt API
        if self.depth:
            if event.type() not in (QEvent.Paint, QEvent.LayoutRequest, QEvent.Resize):
                return super().notify(receiver, event)
            started = time.perf_counter()
            try:
                return super().notify(receiver, event)
            finally:  # which widgets a long window repaint or relayout spends its time in
                spent = time.perf_counter() - started
                if spent > 0.005:
                    self.nested.append((spent, f"{type(receiver).__name__} {receiver.objectName()} {event.type().name}"))
        self.depth += 1
        started = self.block_started = time.perf_counter()
        self.samples = []
        self.nested = []
        try:
            return super().notify(receiver, event)
        finally:
            self.depth -= 1
            self.block_started = None
            what = f"{type(receiver).__name__} {event.type().name}"
            if self.samples:
                from collections import Counter

                common = Counter(self.samples).most_common(3)
                what += "".join(f"\n         {n * 5} ms in {where}" for where, n in common)
            what += "".join(f"\n         {spent * 1000:.0f} ms: {inside}"
                            for spent, inside in sorted(self.nested, reverse=True)[:4])
            self.blocks.append((time.perf_counter() - started, what))


GC_PAUSES: list[tuple[float, int, float]] = []  # (duration, generation, time) of each collection
_gc_started = [0.0]


def _gc_watch(phase, info):
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    else:
        GC_PAUSES.append((time.perf_counter() - _gc_started[0], info["generation"], time.perf_counter()))


def report(name: str, app: RecordingApplication, profile: cProfile.Profile, block_ms: float, top: int) -> None:
    slow = sorted((b for b in app.blocks if b[0] * 1000 >= block_ms), reverse=True)
    print(f"\n=== {name}: {len(app.blocks)} events, longest {max((b[0] for b in app.blocks), default=0) * 1000:.0f} ms")
    for seconds, what in slow[:12]:
        print(f"  {seconds * 1000:6.1f} ms  {what}")
    pauses = [p for p in GC_PAUSES if p[0] > 0.01]
    if pauses:
        print("  GC pauses on the GUI thread: " + ", ".join(f"{d * 1000:.0f} ms (gen {g})" for d, g, _ in pauses))
    GC_PAUSES.clear()
    out = io.StringIO()
    if not profile.getstats():
        app.blocks.clear()
        return
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
    print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))
    app.blocks.clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--only", default="start,search,sort,open,pages")
    parser.add_argument("--block", type=float, default=25.0)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--early", action="store_true",
                        help="interact as soon as the first rows show (as the probe does), while start-up work goes on")
    parser.add_argument("--no-profile", action="store_true", help="only the blocks, at their real length")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    import gc

    gc.callbacks.append(_gc_watch)
    app = RecordingApplication(sys.argv[:1])
    profile = cProfile.Profile()
    profile.enable()
    from sqlalchemy import select

    from core.actor import Actor
    from db import models as m
    from db.open import open_database
    from gui.app import ensure_app
    from gui.main_window import MainWindow
    from gui.startup import open_for_window

    ensure_app()
    database, lock = open_for_window(lambda: open_database(args.db), args.db, interactive=False)
    with database.session() as session:
        admin = session.scalars(select(m.User).where(m.User.role == "manager").order_by(m.User.id)).first()
    actor = Actor(admin.id, admin.login, admin.role, admin.full_name)
    window = MainWindow(database, actor, first_view="dossiers")
    window.resize(1280, 800)
    window.show_view("dossiers")
    page = window.case_list
    window.show()
    wait_until(app, lambda: page.model.rowCount() > 0)
    profile.disable()
    print(f"start to first rows: {time.perf_counter() - STARTED:.2f} s (profiled)")
    if "start" in wanted:
        report("start-up", app, profile, args.block, args.top)
    if not args.early:
        wait_until(app, lambda: page.model.complete and window.form_choices is not None)
    app.blocks.clear()

    def interaction(name, action, done):
        profile = cProfile.Profile()
        if not args.no_profile:
            profile.enable()
        started = time.perf_counter()
        action()
        wait_until(app, done)
        elapsed = time.perf_counter() - started
        for _ in range(20):  # what follows (the rest of a list, the other tabs)
            app.processEvents()
            time.sleep(0.005)
        profile.disable()
        report(f"{name} ({elapsed * 1000:.0f} ms)", app, profile, args.block, args.top)

    if "search" in wanted:
        for query in ("hélène", "rue d"):
            resets = [0]
            page.model.modelReset.connect(lambda: resets.__setitem__(0, resets[0] + 1))
            interaction(f"search {query}", lambda q=query: (page.search_edit.setText(q), page.apply_filters()),
                        lambda: resets[0] > 0 and page.model.complete)
        page.search_edit.clear()
        page.apply_filters()
        wait_until(app, lambda: page.model.complete and page.model.rowCount() > 1000)
    if "sort" in wanted:
        from PySide6.QtCore import Qt

        for column, order in ((1, Qt.AscendingOrder), (2, Qt.AscendingOrder), (0, Qt.DescendingOrder)):
            resets = [0]
            page.model.modelReset.connect(lambda: resets.__setitem__(0, resets[0] + 1))
            interaction(f"sort column {column}", lambda c=column, o=order: page.table.sortByColumn(c, o),
                        lambda: resets[0] > 0 and page.model.complete)
    if "open" in wanted:
        for row in (10, 0, 200, 10):
            case_id = page.model.case_id_at(row)
            interaction(f"open case row {row}", lambda c=case_id: window.open_case(c, deferred=True),
                        lambda c=case_id: getattr(window.current_page(), "case_id", None) == c
                        and window.current_page().loaded)
            window.close_case()
    if "pages" in wanted:
        for key in ("tableau-de-bord", "agenda", "relogement", "commissions", "echeances", "referentiels",
                    "dossiers", "echeances"):
            interaction(f"show {key}", lambda k=key: window.show_view(k), lambda: True)
    import gc

    print(f"\nGC: {len(gc.get_objects())} tracked objects outside the frozen {gc.get_freeze_count()}, "
          f"counts {gc.get_count()}, thresholds {gc.get_threshold()}, enabled {gc.isenabled()}")
    lock.release()
    os._exit(0)


if __name__ == "__main__":
    main()
