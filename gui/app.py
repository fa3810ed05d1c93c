"""Start the Qt application on an opened database."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLocale, QTimer
from PySide6.QtWidgets import QApplication

from db.engine import Database


def ensure_app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Médiation Habitat")
        app.setOrganizationName("MEL")
        QLocale.setDefault(QLocale(QLocale.French, QLocale.France))
    return app


def run_gui(database: Database, screenshot: str | None = None, view: str | None = None) -> int:
    app = ensure_app()
    from gui.main_window import MainWindow

    window = MainWindow(database)
    window.show()
    if screenshot:
        def capture():
            app.processEvents()
            window.grab().save(str(Path(screenshot)))
            app.quit()

        QTimer.singleShot(300, capture)
    return app.exec()
