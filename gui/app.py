"""Start the Qt application on an opened database."""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QSize, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from core.actor import SYSTEM
from core.audit import anchor_at_close, purge_expired
from core.auth import logout
from db.crypto import set_passphrase_prompt
from gui.idle_lock import IdleLock
from gui.login_dialog import ask_database_passphrase, login_at_start
from gui.qt_app import ensure_app

# An encrypted database opened for the window asks its passphrase in a dialog (db/crypto.py).
set_passphrase_prompt(ask_database_passphrase)


def choose_actor(database, unattended: bool = False):
    """Who works in the window: the login dialog (first administrator on a fresh database)."""
    return login_at_start(database, unattended=unattended)


def start_session(app: QApplication, database, actor) -> None:
    """Idle lock for the session, and the logout audited when the application quits."""
    purge_expired(database, SYSTEM)  # audit events past their retention period (setting, 12 months by default)
    app.idle_lock = IdleLock(database, actor, parent=app)
    app.aboutToQuit.connect(lambda: app.idle_lock.actor.user_id and logout(database, app.idle_lock.actor))
    app.aboutToQuit.connect(lambda: anchor_at_close(database))  # after the logout event: the tail is anchored


def run_gui(database, screenshot: str | None = None, view: str | None = None, target=None) -> int:
    """`database`: an open Database, or main.py's opener, called after the start-up checks (gui/startup.py)."""
    if screenshot and QApplication.instance() is None:
        # A screenshot needs no screen: render offscreen, also on servers and in CI.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = ensure_app()
    if not screenshot:
        return _open_and_show(app, database, None, view, target)
    with UnattendedRun() as unattended:  # errors printed, never a dialog nobody answers
        code = _open_and_show(app, database, screenshot, view, target)
    return code or unattended.code


def _open_and_show(app: QApplication, database, screenshot: str | None, view: str | None, target) -> int:
    from gui.main_window import MainWindow

    if callable(database):  # main.py's opener, not yet an open base
        from gui.startup import open_for_window

        database, app.instance_lock = open_for_window(database, target, interactive=not screenshot,
                                                      lock=not screenshot)
        if database is None:
            return 1

    actor = choose_actor(database, unattended=bool(screenshot))
    if actor is None:
        if screenshot:
            print("Capture refusée : une connexion est nécessaire pour afficher des dossiers réels.", file=sys.stderr)
            return 1
        return 0
    # The view asked for is the first one built and read (a case view opens over the start view).
    first = view if view and not is_case_view(view) else None
    window = MainWindow(database, actor, **({"first_view": first} if first else {}))
    if screenshot:
        return take_screenshot(app, window, screenshot, view)
    start_session(app, database, actor)
    from gui.backup_dialog import start_auto_backups

    start_auto_backups(app, window, database)  # after changes (30 min at most) and at quit
    if view and not show_named_view(window, view):
        print(unknown_view_message(view), file=sys.stderr)
    window.show()
    return app.exec()


def show_named_view(window, view: str) -> bool:
    """A navigation view (« dossiers », « agenda »…) or `case:REF` for a case file."""
    if is_case_view(view):
        return window.open_case_reference(view.split(":", 1)[1])
    return window.show_view(view)


def is_case_view(view: str) -> bool:
    return view.lower().startswith(("case:", "dossier:"))


def unknown_view_message(view: str) -> str:
    if is_case_view(view):
        return f"Dossier inconnu : « {view.split(':', 1)[1]} » (ou hors de votre périmètre)."
    return f"Vue inconnue : « {view} »."


SCREENSHOT_SIZE = QSize(1280, 800)


def take_screenshot(app: QApplication, window, path: str, view: str | None) -> int:
    """Render the window (on the chosen view) to a PNG file, then quit with 0."""
    if view and not show_named_view(window, view):
        print(unknown_view_message(view), file=sys.stderr)
        return 2
    # A capture shows a usual desktop window, whatever the size of the (virtual, offscreen) screen.
    window.resize(SCREENSHOT_SIZE)
    window.show()
    result = {"code": 0}
    waits = [0]

    def capture():
        app.processEvents()
        if getattr(window.current_page(), "loading", False) and waits[0] < 50:
            waits[0] += 1  # a table page loads its rows in the background: wait for them (5 s at most)
            QTimer.singleShot(100, capture)
            return
        target = Path(path)
        if not window.grab().save(str(target)):
            print(f"Impossible d'enregistrer la capture dans « {target} ».", file=sys.stderr)
            result["code"] = 1
        window.save_state = lambda: None  # a screenshot must not change the remembered window state
        window.close()
        app.quit()

    QTimer.singleShot(400, capture)
    app.exec()
    # Background reads still running (the case file's warm-up) must end before Python tears Qt down at exit:
    # one that outlived the QApplication aborted the process.
    QThreadPool.globalInstance().waitForDone(BACKGROUND_WAIT_MS)
    return result["code"]


SCREENSHOT_TIME_LIMIT_S = 180
BACKGROUND_WAIT_MS = 30_000


class UnattendedRun:
    """A run nobody watches (--screenshot): an error is printed in French and fails the command, and a run
    that stops making progress (a dialog waiting for a click, a missing part) is ended instead of hanging."""

    def __init__(self, limit_s: float = SCREENSHOT_TIME_LIMIT_S):
        self.code = 0
        self.limit_s = limit_s
        self._watchdog = threading.Timer(limit_s, self._give_up)
        self._watchdog.daemon = True
        self._previous_hook = sys.excepthook

    def __enter__(self) -> UnattendedRun:
        sys.excepthook = self.report
        self._watchdog.start()
        return self

    def __exit__(self, exc_type, exc_value, exc_tb) -> None:
        self._watchdog.cancel()
        if exc_type is None:  # an escaping error keeps this hook: Python's last report must not open a dialog
            sys.excepthook = self._previous_hook

    def report(self, exc_type, exc_value, exc_tb) -> None:
        import traceback

        traceback.print_exception(exc_type, exc_value, exc_tb)
        if issubclass(exc_type, ImportError):
            print(f"Erreur : le module « {exc_value.name} » est introuvable : l'installation est incomplète.",
                  file=sys.stderr)
        else:
            print("Erreur inattendue pendant la capture (détail ci-dessus).", file=sys.stderr)
        self.code = 1

    def _give_up(self) -> None:
        print(f"Erreur : la capture n'est pas terminée après {self.limit_s:.0f} s : abandon.", file=sys.stderr)
        sys.stderr.flush()
        os._exit(1)  # the main thread is stuck (in C++ or a modal loop): only a hard exit ends the run
