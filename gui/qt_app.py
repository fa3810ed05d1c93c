"""The one QApplication, in French: created on first need by the window and by the dialogs shown before it
(passphrase of an encrypted base, login)."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from gui.errors import install_excepthook

# Background jobs (lists, reminders, warm-up) run Python in the pool, and every call from Qt into Python
# (a cell painted, a size measured, a window's input filter) waits for the interpreter lock: up to
# this interval at each hand-over. Measured at 100,000 cases with a Python-busy pool thread: a case-list
# repaint took 270 ms at the default 5 ms, 65 ms at 0.5 ms, 13-17 ms at 0.2 ms and 12 ms at 0.05 ms
# (10 ms with nothing in the background); a case opening 200-240 ms at 0.2 ms and 150-185 ms at 0.05 ms.
# The pool's own work slows only while the window is busy.
GUI_SWITCH_INTERVAL_S = 0.00005
APP_ICON = Path(__file__).resolve().parents[1] / "resources" / "icons" / "mediation-habitat.png"


def ensure_app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Médiation Habitat")
        app.setOrganizationName("MEL")
        app.setWindowIcon(QIcon(str(APP_ICON)))  # title bar and task bar (the Windows programs carry it too)
        QLocale.setDefault(QLocale(QLocale.French, QLocale.France))
    install_excepthook()
    install_french_translations(app)
    if not getattr(app, "_follows_contrast", False):
        from gui.palette import apply

        apply(app)  # standard or high-contrast palette, following the system setting
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    return app


def install_french_translations(app: QApplication) -> None:
    """Qt's own texts (Save/Cancel buttons, context menus, file dialogs) in French."""
    if getattr(app, "_french_translator", None) is not None:
        return
    translator = QTranslator(app)
    if translator.load("qtbase_fr", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
        app._french_translator = translator
