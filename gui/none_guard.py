"""Keep Python's None alive under PySide6 on Python 3.11.

With the PySide6 build the project uses, every call to a C++ method returning void
(setText, setColumnWidth, setBold…) takes one reference from None without giving it
back (measured: 1,000 calls of QLabel.setText lower sys.getrefcount(None) by 1,000).
On Python 3.12 and later None is immortal and nothing happens; on 3.11 the count
reaches zero after some tens of thousands of calls and the interpreter aborts with
"Fatal Python error: none_dealloc", losing what the user was typing. Until the
project moves to Python 3.12+, we add references to None directly to its counter
(never released, as None is never freed anyway) and top them up from a timer.
"""
from __future__ import annotations

import sys

RESERVE = 10_000_000  # references added at a time: years of calls between two top-ups


def needed() -> bool:
    return sys.version_info < (3, 12)


def top_up(minimum: int = RESERVE // 2) -> None:
    """Add references to None when fewer than `minimum` remain."""
    if needed() and sys.getrefcount(None) < minimum:
        import ctypes

        # ob_refcnt is the first field of every CPython object (Py_ssize_t).
        ctypes.c_ssize_t.from_address(id(None)).value += RESERVE


def start_timer(app) -> None:
    """Check every ten seconds while the application runs."""
    if not needed():
        return
    from PySide6.QtCore import QTimer

    timer = QTimer(app)
    timer.setInterval(10_000)
    timer.timeout.connect(top_up)
    timer.start()
    app._none_guard_timer = timer


top_up()
