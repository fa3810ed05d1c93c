"""Slow work off the GUI thread: a QThreadPool job that reports back by signal.

The job function receives no session: it opens its own from the Database
inside the worker thread, so a SQLAlchemy session never crosses threads.
Past about 300 ms a progress indication appears in the status bar.
"""
from __future__ import annotations

import sys
import traceback
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

PROGRESS_DELAY_MS = 300
# Start-up runs long reads in the pool (the whole list's ids, the case file's warm-up): with only as many
# threads as cores (two on a field laptop) a search typed meanwhile queued behind them (0.8 s for its
# first page instead of 40-70 ms). Python runs one thread at a time anyway; the extra threads wait on
# SQLite, which releases the interpreter.
MIN_POOL_THREADS = 4


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object)


class _Job(QRunnable):
    def __init__(self, function: Callable, signals: _Signals):
        super().__init__()
        self.function = function
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.function()
        except Exception:  # noqa: BLE001 - reported on the GUI thread
            self.signals.failed.emit(sys.exc_info())
        else:
            self.signals.done.emit(result)


_alive: set[_Signals] = set()
_job_listeners: list[Callable[[], None]] = []
_idle_waiters: list[Callable[[], None]] = []


def when_idle(callback: Callable[[], None]) -> None:
    """Call callback() on the GUI thread once no background job is running (start-up work that must not
    compete with the first view's reads)."""
    _idle_waiters.append(callback)
    if not _alive:
        QTimer.singleShot(0, _wake_idle_waiters)


def reserve() -> Callable[[], None]:
    """Count as a running job until the returned function is called: a job about to start (once a paint is
    done) keeps idle work from slipping in before it."""
    token = object()
    _alive.add(token)
    return lambda: _ended(token)


def _ended(job) -> None:
    """A job (or a reservation) is over: the idle waiters are woken on the next turn if it was the last."""
    if job not in _alive:
        return
    _alive.discard(job)
    if not _alive and _idle_waiters:
        QTimer.singleShot(0, _wake_idle_waiters)


def _wake_idle_waiters() -> None:
    """Checked again when the call comes: a search typed between the last job's end and this turn of the
    event loop started a job, and the waiters then wait for it too instead of sharing the interpreter."""
    if _alive:
        return
    waiting = list(_idle_waiters)
    _idle_waiters.clear()
    for callback in waiting:
        callback()


def on_job_started(listener: Callable[[], None]) -> Callable[[], None]:
    """Call listener() whenever a background job starts (the window's idle work waits for quiet);
    returns the function that unregisters it."""
    _job_listeners.append(listener)
    return lambda: listener in _job_listeners and _job_listeners.remove(listener)


def run_in_background(function: Callable, on_done: Callable, busy: Callable[[bool], None] | None = None,
                      on_error: Callable | None = None, on_progress: Callable | None = None) -> None:
    """Run function() in the pool; on_done(result) then runs on the GUI thread.

    busy(True) is called if the job lasts more than PROGRESS_DELAY_MS, busy(False) at the end.
    on_progress: function is called as function(report); each report(value) runs on_progress(value) on the GUI
    thread while the job goes on (in order, before on_done).
    """
    for listener in list(_job_listeners):
        listener()
    signals = _Signals()
    _alive.add(signals)
    timer = QTimer(signals, singleShot=True, interval=PROGRESS_DELAY_MS)
    if busy is not None:
        timer.timeout.connect(lambda: busy(True))
        timer.start()

    def finish():
        timer.stop()
        _ended(signals)
        if busy is not None:
            busy(False)

    def done(result):
        finish()
        on_done(result)

    def failed(info):
        finish()
        if on_error is not None:
            on_error(info)
        else:
            sys.excepthook(*info)

    signals.done.connect(done)
    signals.failed.connect(failed)
    if on_progress is not None:
        signals.progress.connect(on_progress)
        job = function
        function = lambda: job(signals.progress.emit)  # noqa: E731
    pool = QThreadPool.globalInstance()
    if pool.maxThreadCount() < MIN_POOL_THREADS:
        pool.setMaxThreadCount(MIN_POOL_THREADS)
    pool.start(_Job(function, signals))


def format_exc(info) -> str:
    return "".join(traceback.format_exception(*info))


def read_then(widget, read: Callable, show: Callable, failed: Callable | None = None) -> None:
    """Run a core read (a query function) in the pool, then show(result) on the GUI thread, unless the widget
    was closed meanwhile. A refused or failed read calls failed() (the widget stops waiting), then reaches the
    French error dialog (sys.excepthook)."""
    import shiboken6

    def on_error(info) -> None:
        if failed is not None and shiboken6.isValid(widget):
            failed()
        sys.excepthook(*info)

    run_in_background(read, lambda result: shiboken6.isValid(widget) and show(result), on_error=on_error)
