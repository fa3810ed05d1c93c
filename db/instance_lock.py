"""One application instance per database file, enforced by an OS lock.

The application window holds an exclusive lock on ``<base>.verrou`` next to the
database while it runs; so does `restore` (it swaps the file). A second window on
the same file gets a clear French message instead of two programs fighting over
the file. The lock is an OS lock (flock / msvcrt), so it disappears with the
process, even after a crash or a kill: no stale lock to clean up by hand.

Read-only command-line tools (`check`, `backup`) and `demo` do not take it: SQLite's
own locking keeps them safe next to a running window (backups use the backup API).

The lock is keyed on the file itself, not on the name it was given: symbolic links are
resolved (every name of the base leads to the same lock next to the real file), and a
base with several hard links is refused at opening (db.open.refuse_hard_links), so one
file has exactly one lock.
"""
from __future__ import annotations

import os
import socket
from datetime import datetime
from pathlib import Path

from db.errors import AlreadyOpenError

LOCK_SUFFIX = ".verrou"


def lock_path(database_path: Path) -> Path:
    real = Path(os.path.realpath(Path(database_path).expanduser()))
    return real.with_name(real.name + LOCK_SUFFIX)


def _try_lock(fd: int) -> bool:
    if os.name == "nt":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class InstanceLock:
    """Held while the application uses the database; release() or process exit frees it."""

    def __init__(self, database_path: Path, fd: int, clean_before: bool = True):
        self.database_path = database_path
        self.path = lock_path(database_path)
        self._fd: int | None = fd
        # False when the last session on this file did not end by release(): killed, crashed, or first use.
        self.clean_before = clean_before

    @classmethod
    def acquire(cls, database_path: Path, purpose: str = "application") -> "InstanceLock":
        path = lock_path(database_path)
        first_use = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            holder = _read_holder(fd)
            os.close(fd)
            raise AlreadyOpenError(
                f"La base « {database_path} » est déjà ouverte par une autre fenêtre de Médiation Habitat"
                f"{holder}. Utilisez cette fenêtre, ou fermez-la avant de recommencer."
            )
        # A note left behind means the previous holder never released: it did not close cleanly.
        clean_before = not first_use and not os.read(fd, 1)
        # Who holds it, for the message the next instance shows (the lock itself is the OS lock).
        note = f"{socket.gethostname()} pid {os.getpid()} {purpose} {datetime.now():%d/%m/%Y %H:%M}\n"
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, note.encode("utf-8"))
        return cls(database_path, fd, clean_before)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
        except OSError:
            pass
        os.close(self._fd)  # closing drops the OS lock
        self._fd = None

    def __enter__(self) -> "InstanceLock":
        return self

    def __exit__(self, *_exc) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 200).decode("utf-8", "replace").split()
    except OSError:  # Windows: the holder's locked byte cannot be read
        return ""
    if len(text) >= 3 and text[1] == "pid":
        return f" (poste {text[0]}, processus {text[2]})"
    return ""


def is_locked(database_path: Path) -> bool:
    """True when another process holds the instance lock of this database."""
    path = lock_path(database_path)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        if _try_lock(fd):
            return False
        return True
    finally:
        os.close(fd)  # also drops the lock we may just have taken
