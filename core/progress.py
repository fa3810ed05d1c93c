"""How far a long job is, and the user's « Annuler », without Qt.

A core function that takes a while (import, export, backup, restore, full
check, bilan, demo) accepts a `Progress` and calls `progress.update(done,
total, label)` as it goes. `update` raises `Cancelled` once someone called
`cancel()`: the job stops where it is and its own cleanup (transaction rolled
back, temporary file removed) leaves nothing half-done. The window and the
command line subclass `Progress` to show it (`show`); the base class shows
nothing, so `Progress()` is the silent default.
"""
from __future__ import annotations

import threading
import time

from core.errors import DomainError
from core.formatting import fr_number

CANCELLED_MESSAGE = "Opération annulée : rien n'a été modifié."


class Cancelled(DomainError):
    """The user asked to stop; the job undid what it had started."""

    def __init__(self, message: str = CANCELLED_MESSAGE):
        super().__init__(message)


class Progress:
    """Receives done / total / label from a worker thread; `cancel()` may come from any thread."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self._phase: tuple[str, int] | None = None
        self._phase_started = time.monotonic()

    def update(self, done: int, total: int, label: str = "") -> None:
        """Report `done` of `total` for the step `label`; raises Cancelled when the user asked to stop."""
        self.check()
        if self._phase != (label, total):
            self._phase, self._phase_started = (label, total), time.monotonic()
        self.show(min(done, total), total, label)

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def seconds_left(self, done: int, total: int) -> float | None:
        """Time left in the current step at its pace so far; None until the pace is known."""
        elapsed = time.monotonic() - self._phase_started
        if done <= 0 or total <= 0 or elapsed < 0.5 or done * 50 < total:  # a first 2 % says little of the pace
            return None
        return elapsed * (total - done) / done

    def show(self, done: int, total: int, label: str) -> None:
        """Subclasses display; the base class is silent."""


def describe(done: int, total: int, label: str, seconds_left: float | None) -> str:
    """« Import des lignes : 1 200 / 20 000 — environ 2 min restantes »; « Vérification… » when total is 0
    (a step that cannot tell how far it is)."""
    if total <= 0:
        return f"{label}…"
    text = f"{label} : {fr_number(done)} / {fr_number(total)}" if label else f"{fr_number(done)} / {fr_number(total)}"
    if seconds_left is not None and done < total:
        text += f" — {time_left(seconds_left)}"
    return text


def time_left(seconds: float) -> str:
    if seconds < 60:
        return f"environ {fr_number(max(1, round(seconds)))}\u00a0s restantes"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"environ {fr_number(minutes)}\u00a0min restantes"
    return f"environ {fr_number(minutes // 60)}\u00a0h\u00a0{minutes % 60:02d} restantes"


def every(progress: Progress, total: int, label: str, step: int | None = None):
    """A `tick(done)` that reports at most about 200 times over `total`, and always the last one."""
    step = step or max(1, total // 200)

    def tick(done: int) -> None:
        if done % step == 0 or done >= total:
            progress.update(done, total, label)
    return tick
