"""A save refused because a colleague saved the same record since the form loaded it."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import ConflictError


def ask_reload(parent: QWidget, error: ConflictError, title: str = "Fiche modifiée entre-temps") -> bool:
    """Someone saved the record since this form loaded it: say who, when and what, and ask whether to reload
    (True) or keep what was typed (False, the default: nothing typed is lost by pressing Entrée)."""
    box = QMessageBox(QMessageBox.Warning, title, error.message, parent=parent)
    reload_button = box.addButton("&Recharger la fiche", QMessageBox.DestructiveRole)
    keep = box.addButton("&Garder ma saisie", QMessageBox.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    return box.clickedButton() is reload_button
