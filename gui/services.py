"""Calling core services from the GUI: one place that turns their errors into French messages.

Services are `fn(database, actor, ...) -> Changes` (core.services.base). They are
looked up by module and name so a view can tell whether a feature's service exists.
"""
from __future__ import annotations

import importlib

from PySide6.QtWidgets import QMessageBox

from core.errors import DomainError


def service(module: str, name: str):
    """core.services.<module>.<name>, or None when that service does not exist."""
    try:
        loaded = importlib.import_module(f"core.services.{module}")
    except ModuleNotFoundError:
        return None
    return getattr(loaded, name, None)


def call_service(parent, function, *args, quiet: bool = False, **kwargs):
    """Run a service; show a DomainError in a French message box and return None."""
    try:
        return function(*args, **kwargs)
    except DomainError as error:
        if not quiet:
            QMessageBox.warning(parent, "Action impossible", error.message)
        return None
