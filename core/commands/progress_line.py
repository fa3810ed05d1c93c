"""The command line's progress line (rich), on a terminal only.

A script, a pipe or a log file gets no progress line at all: only the
command's own messages. The line is transient: it disappears at the end.
"""
from __future__ import annotations

import contextlib
import sys
import time
from typing import Iterator

from core.formatting import fr_number, fr_seconds
from core.progress import Progress, time_left


class TerminalProgress(Progress):
    """One rich bar per step label, on standard error."""

    def __init__(self, console) -> None:
        super().__init__()
        from rich.progress import BarColumn, Progress as RichProgress, TextColumn

        self._bars = RichProgress(TextColumn("{task.description}"), BarColumn(),
                                  TextColumn("{task.fields[figures]}"), TextColumn("{task.fields[left]}"),
                                  console=console, transient=True)
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> "TerminalProgress":
        self._bars.start()
        return self

    def __exit__(self, *exc) -> None:
        self._bars.stop()

    def show(self, done: int, total: int, label: str) -> None:
        label = label or "Traitement"
        if label not in self._tasks:
            self._tasks[label] = self._bars.add_task(label, total=total if total > 0 else None, figures="", left="")
        if total <= 0:  # one long step that cannot say how far it is (SQLite's integrity_check): time spent
            spent = time.monotonic() - self._phase_started
            self._bars.update(self._tasks[label], total=None, figures="", left=f"depuis {fr_seconds(spent)}")
            return
        seconds = self.seconds_left(done, total)
        self._bars.update(self._tasks[label], completed=done, total=total,
                          figures=f"{fr_number(done)} / {fr_number(total)}",
                          left=time_left(seconds) if seconds is not None and done < total else "")


@contextlib.contextmanager
def progress_line(stream=None) -> Iterator[Progress]:
    """A Progress that draws a line on `stream` (standard error) when it is a terminal, else a silent one."""
    stream = stream if stream is not None else sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        yield Progress()
        return
    from rich.console import Console

    with TerminalProgress(Console(file=stream)) as progress:
        yield progress
