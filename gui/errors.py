"""Unexpected errors: a French dialog, a log file, and a window that stays usable.

Qt calls slots from its event loop; an exception escaping a slot goes to
sys.excepthook. Ours writes the traceback to the user's log directory and shows
a dialog instead of letting the process die.
"""
from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox

from core.errors import DomainError
from core.logfile import LOG_FILENAME, configure_log_file, log_path  # noqa: F401 - LOG_FILENAME re-exported
from db.backup import backup_folders, connector, damaged_message
from db.errors import describe_error, is_corruption, is_database_failure

logger = logging.getLogger("mediation_habitat.gui")
_state = {"showing": False, "installed": False, "last_dialog": None}


def _ensure_log_handler() -> None:
    configure_log_file()


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
    elif damaged := _damaged_base_message(exc_value):
        message = damaged
    elif _is_database_error(exc_value):
        message = describe_error(exc_value) + " Vous pouvez continuer à travailler."
    else:
        message = ("Une erreur inattendue s'est produite. Ce que vous avez déjà enregistré est conservé ; "
                   "vous pouvez continuer à travailler.")
    show_error_dialog(message, text)


def watch_database(database) -> None:
    """The base the window works on: a corruption error names its last verified backup."""
    _state["database"] = database


def _damaged_base_message(error: BaseException) -> str:
    """« base endommagée » with the last verified backup, for a corruption error on the window's base."""
    database = _state.get("database")
    if not is_corruption(error) or database is None or database.path is None:
        return ""
    connect = connector(database)
    try:
        text = damaged_message(database.path, [describe_error(error)], connect, backup_folders(database.path, connect))
    except Exception:  # noqa: BLE001 - the message must appear even if the backups cannot be listed
        text = f"La base « {database.path} » est endommagée : {describe_error(error)}"
    return text + (" Plus rien n'y sera enregistré : fermez l'application ; au prochain démarrage, la dernière "
                   "sauvegarde vérifiée vous sera proposée.")


def _is_database_error(error: BaseException) -> bool:
    return is_database_failure(error)


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
