"""A long job in the pool with a determinate bar, the time left and « Annuler ».

The core job receives a `core.progress.Progress`; this module's subclass sends
each report to the GUI thread by signal (at most ten a second) and shows it in a
small modal dialog. « Annuler » asks the job to stop: it raises
`core.progress.Cancelled` at its next report, undoes what it had begun, and the
dialog closes once it has (the button reads « Annulation… » meanwhile).
"""
from __future__ import annotations

import sys
import time
from typing import Callable

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from core.progress import Cancelled, Progress, describe
from gui.widgets import scaled
from gui.workers import run_in_background

REPORTS_PER_SECOND = 10
BAR_STEPS = 1000  # the bar shows a fraction: counts past 2**31 (rows of a large base) do not fit its ints


class _Bridge(QObject):
    moved = Signal(int, int, str)


class WindowProgress(Progress):
    """Reports from the worker thread, delivered to the dialog on the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.bridge = _Bridge()
        self._last = 0.0

    def show(self, done: int, total: int, label: str) -> None:
        moment = time.monotonic()
        if done < total and moment - self._last < 1 / REPORTS_PER_SECOND:
            return
        self._last = moment
        try:
            text = describe(done, total, label, self.seconds_left(done, total))
            self.bridge.moved.emit(done * BAR_STEPS // total if total > 0 else 0, BAR_STEPS if total > 0 else 0, text)
        except RuntimeError:  # the window is gone (application closing): no one to show it to, stop the job
            self.cancel()


class ProgressDialog(QDialog):
    def __init__(self, parent: QWidget, title: str, progress: WindowProgress):
        super().__init__(parent)
        self.progress = progress
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModal)
        self.setMinimumWidth(scaled(self, 460))
        self.label = QLabel(f"{title}…")
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # until the first report
        self.bar.setAccessibleName("Avancement")
        self.bar.setFormat("%p\u00a0%")
        self.label.setBuddy(self.bar)
        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton("Annuler", QDialogButtonBox.RejectRole)
        self.cancel_button.setAccessibleName("Annuler l'opération")
        self.cancel_button.clicked.connect(self.ask_cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        progress.bridge.moved.connect(self.moved)
        self.finished_job = False

    def moved(self, done: int, total: int, text: str) -> None:
        if self.progress.cancelled:
            return
        self.bar.setRange(0, max(total, 0))  # 0 to 0: a step that cannot tell how far it is (busy bar)
        self.bar.setValue(done)
        self.label.setText(text)

    def ask_cancel(self) -> None:
        self.progress.cancel()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Annulation…")
        self.label.setText("Annulation en cours : ce qui a été commencé est défait…")

    def reject(self) -> None:  # Échap and the title bar's close button cancel too; the dialog closes at the end
        if not self.finished_job:
            self.ask_cancel()
        else:
            super().reject()

    def end(self) -> None:
        self.finished_job = True
        self.done(QDialog.Accepted)
        self.deleteLater()  # one dialog per job: none left hidden behind the window


def run_with_progress(parent: QWidget, title: str, job: Callable[[Progress], object], on_done: Callable,
                      on_error: Callable | None = None, on_cancelled: Callable | None = None) -> ProgressDialog:
    """Run job(progress) in the pool behind a progress dialog; then on_done(result) on the GUI thread,
    on_cancelled() after « Annuler » (nothing was kept), or on_error(exc_info) (default: the error dialog)."""
    progress = WindowProgress()
    dialog = ProgressDialog(parent, title, progress)

    def done(result) -> None:
        dialog.end()
        on_done(result)

    def failed(info) -> None:
        dialog.end()
        if isinstance(info[1], Cancelled):
            if on_cancelled is not None:
                on_cancelled()
        elif on_error is not None:
            on_error(info)
        else:
            sys.excepthook(*info)

    dialog.show()
    run_in_background(lambda: job(progress), done, on_error=failed)
    return dialog


def wait_with_progress(parent: QWidget, title: str, job: Callable[[Progress], object]):
    """job(progress) behind the progress dialog, for a caller that needs its result before going on (a restore):
    returns it, or raises what the job raised (Cancelled after « Annuler »). The window stays painted meanwhile."""
    loop = QEventLoop()
    outcome: dict = {}

    def finish(**what) -> None:
        outcome.update(what)
        loop.quit()

    run_with_progress(parent, title, job, lambda result: finish(result=result),
                      on_error=lambda info: finish(error=info[1]), on_cancelled=lambda: finish(error=Cancelled()))
    loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
