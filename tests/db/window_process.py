"""A window process for the multi-process tests: the window's storage path, driven line by line on stdin.

It starts as the application window does (gui.startup.open_for_window: instance lock, check,
recovery offer, then db.open.open_database) and keeps the window's automatic backup
controller (gui.backup_dialog.AutoBackupController), but draws no window: the commands on
stdin stand for the user's saves. Each answer is one line on stdout.

    save VALUE   -> "saved VALUE" once the save (the PDF header's service name, audited) committed
    backup       -> "backup PATH" or "backup-failed MESSAGE" (the automatic backup, in this thread)
    fds          -> "fds N" and the -wal/-shm descriptors of the base shown "(deleted)" in /proc
    close        -> "closed PATH|none|failed MESSAGE" after the backup at close, then exits
"""
from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def deleted_journal_descriptors(path: str) -> list[str]:
    """The descriptors of this process that point at the base's -wal/-shm after they were unlinked."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(path) and target.endswith("(deleted)") and ("-wal" in target or "-shm" in target):
            found.append(f"{fd}->{target}")
    return found


def main(path: str) -> int:
    from core.actor import SYSTEM
    from core.pdf.service import configure_service_header
    from db.open import open_database
    from gui import backup_dialog
    from gui.app import ensure_app
    from gui.startup import open_for_window

    app = ensure_app()
    shown = []
    backup_dialog._box = lambda _parent, _icon, title, text, modal: shown.append(title)  # no one to click OK
    database, lock = open_for_window(lambda: open_database(path), path, interactive=False)
    if database is None:
        print("refused", flush=True)
        return 1
    controller = backup_dialog.AutoBackupController(database, app)
    print("ready", flush=True)
    for line in sys.stdin:
        app.processEvents()  # the background check and its answer, as the event loop would
        command, _, argument = line.strip().partition(" ")
        if command == "save":
            configure_service_header(database, SYSTEM, service_name=argument)
            print(f"saved {argument}", flush=True)
        elif command == "backup":
            made = controller.auto.run()
            print(f"backup {made}" if made else f"backup-failed {controller.auto.last_error}", flush=True)
        elif command == "fds":
            bad = deleted_journal_descriptors(path)
            print(f"fds {len(bad)} {' '.join(bad)}", flush=True)
        elif command == "close":
            database.write_count += 1  # something changed this session: the backup at close must run
            controller.on_close()
            error = controller.auto.last_error
            print(f"closed failed {error}" if error else f"closed {controller.auto.last_path}", flush=True)
            lock.release()
            database.dispose()
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(os.path.realpath(sys.argv[1])))
