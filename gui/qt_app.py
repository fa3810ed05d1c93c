"""The one QApplication, in French: created on first need by the window and by the dialogs shown before it
(passphrase of an encrypted base, login)."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from gui.errors import install_excepthook

# Background jobs (lists, reminders) run Python in the pool: with the default 5 ms the window waited up
# to 5 ms for the interpreter at every hand-over, and a case opening during the reminder run took twice as long.
GUI_SWITCH_INTERVAL_S = 0.001
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
