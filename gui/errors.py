"""Unexpected errors: a French dialog, a log file, and a window that stays usable.

Qt calls slots from its event loop; an exception escaping a slot goes to
sys.excepthook. Ours writes the traceback to the user's log directory and shows
a dialog instead of letting the process die.
"""
from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from core.errors import DomainError
from db.engine import log_dir

LOG_FILENAME = "mediation-habitat.log"
logger = logging.getLogger("mediation_habitat.gui")
_state = {"showing": False, "installed": False, "last_dialog": None}


def log_path() -> Path:
    return log_dir() / LOG_FILENAME


def _ensure_log_handler() -> None:
    target = log_path()
    for handler in logger.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == target:
            return
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    target.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(target, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def report_exception(exc_type, exc_value, exc_tb) -> None:
    """Log the exception and tell the user in French; never raise."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc_value, exc_tb)
        return
    text = "".join(traceback.format_exception(exc_type, exc_value, exc_tb))
    try:
        _ensure_log_handler()
        logger.error("Erreur inattendue\n%s", text)
    except OSError:
        pass
    if isinstance(exc_value, DomainError):
        message = exc_value.message
    elif _is_database_error(exc_value):
        from db.errors import describe_error  # the one translation of database failures (issue 6)

        message = describe_error(exc_value) + " Vous pouvez continuer à travailler."
    else:
        message = ("Une erreur inattendue s'est produite. Ce que vous avez déjà enregistré est conservé ; "
                   "vous pouvez continuer à travailler.")
    show_error_dialog(message, text)


def _is_database_error(error: BaseException) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    from db.errors import DatabaseError

    return isinstance(error, (SQLAlchemyError, DatabaseError, OSError))


def show_error_dialog(message: str, details: str = "") -> None:
    if QApplication.instance() is None or _state["showing"]:
        print(details or message, file=sys.stderr)
        return
    _state["showing"] = True
    try:
        box = QMessageBox(QMessageBox.Critical, "Erreur inattendue", message, QMessageBox.Ok,
                          QApplication.activeWindow())
        box.setInformativeText(f"Le détail a été enregistré dans :\n{log_path()}")
        if details:
            box.setDetailedText(details)
        box.button(QMessageBox.Ok).setText("Continuer")
        _state["last_dialog"] = box
        box.exec()
    finally:
        _state["showing"] = False


def install_excepthook() -> None:
    if not _state["installed"]:
        sys.excepthook = report_exception
        _state["installed"] = True
