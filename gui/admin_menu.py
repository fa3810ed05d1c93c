"""The Administration menu (administrators only), "my password", and the audited case opening."""
from __future__ import annotations

import importlib

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QVBoxLayout,
)

from core.audit import record_case_opened
from core.errors import DomainError, PermissionDenied
from core.users import change_own_password
from db.errors import DatabaseError
from gui.forms import error_label, show_error


def install_admin_menu(window) -> None:
    """Called at the end of MainWindow._build_menus."""
    if window.actor.user_id is not None:
        own = QAction("Changer mon &mot de passe…", window)
        own.triggered.connect(lambda: ChangeOwnPasswordDialog(window).exec())
        window.tools_menu.addAction(own)
    if window.actor.role != "admin":
        return
    menu = QMenu("Ad&ministration", window)
    window.menuBar().insertMenu(window.help_menu.menuAction(), menu)
    entries = [
        ("Comptes &utilisateurs…", _open("gui.users_dialog", "UsersDialog")),
        ("&Journal d'audit…", _open("gui.audit_viewer", "AuditViewer")),
        ("&Conservation des données…", _open("gui.retention_dialog", "RetentionDialog")),
        ("&Droit d'accès : exporter un ménage…", export_household_dialog),
        # A whole-base copy to consult elsewhere: nothing comes back from it. Field work on some cases is
        # Fichier › Emporter des dossiers… (gui/laptop_checkout.py), brought back by Fichier › Rapporter….
        ("Copie &chiffrée de toute la base (consultation, sans retour)…", encrypted_copy_dialog),
    ]
    for text, slot in entries:
        action = QAction(text, window)
        action.triggered.connect(lambda _=False, s=slot: s(window))
        menu.addAction(action)


def _open(module_name: str, class_name: str):
    def opener(window):
        dialog_class = getattr(importlib.import_module(module_name), class_name)
        dialog = dialog_class(window.database, window.actor, window)
        dialog.exec()
        for changes in getattr(dialog, "changes", ()):  # accounts or cases changed there: the views showing them
            window.apply_changes(changes)

    return opener


def audit_case_opening(window, case_id: int) -> bool:
    """Every opening of a case file is audited; outside an agent's scope it is refused."""
    try:
        record_case_opened(window.database, window.actor, case_id)
    except PermissionDenied as error:
        QMessageBox.warning(window, "Accès refusé", error.message)
        return False
    return True


def export_household_dialog(window) -> None:
    reference, ok = QInputDialog.getText(window, "Droit d'accès",
                                         "Référence d'un dossier du ménage (toutes ses données seront exportées) :")
    if not ok or not reference.strip():
        return
    try:
        from core.rgpd_export import household_of_case, write_archive  # Babel and PDF code: loaded when used

        household_id = household_of_case(window.database, reference.strip())
        path, _ = QFileDialog.getSaveFileName(window, "Enregistrer l'archive du droit d'accès",
                                              f"droit-acces-menage-{household_id}.zip", "Archive zip (*.zip)")
        if not path:
            return
        write_archive(window.database, window.actor, household_id, path)
    except DomainError as error:
        QMessageBox.warning(window, "Droit d'accès", error.message)
        return
    QMessageBox.information(window, "Droit d'accès", f"Archive écrite : {path}\n(PDF lisible, JSON et pièces jointes).")


class ChangeOwnPasswordDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.database, self.actor = window.database, window.actor
        self.setWindowTitle("Changer mon mot de passe")
        self.old_edit, self.new_edit, self.confirm_edit = (QLineEdit(echoMode=QLineEdit.Password) for _ in range(3))
        self.error_label = error_label()
        form = QFormLayout()
        form.addRow("Mot de passe &actuel :", self.old_edit)
        form.addRow("&Nouveau mot de passe :", self.new_edit)
        form.addRow("&Confirmation :", self.confirm_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Cancel).setText("Annuler")
        buttons.accepted.connect(self.change)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def change(self) -> None:
        if self.new_edit.text() != self.confirm_edit.text():
            show_error(self.error_label, "Les deux saisies du nouveau mot de passe diffèrent.")
            return
        try:
            change_own_password(self.database, self.actor, self.old_edit.text(), self.new_edit.text())
        except DomainError as error:
            show_error(self.error_label, error.message)
            return
        self.accept()


def encrypted_copy_dialog(window) -> None:
    """An encrypted copy of the open database, for a laptop that leaves the office."""
    from core.laptop_copy import can_copy_encrypted, write_encrypted_copy

    if not can_copy_encrypted(window.database):
        QMessageBox.information(window, "Copie chiffrée", "La base ouverte n'est pas un fichier SQLite en clair.")
        return
    answer = QMessageBox.question(
        window, "Copie chiffrée", "Cette copie de toute la base sert à consulter les données ailleurs : rien de ce "
        "qui y sera saisi ne reviendra au bureau.\n\nPour travailler hors du bureau sur des dossiers puis les "
        "rapporter, utilisez Fichier › Emporter des dossiers….\n\nFaire quand même une copie de toute la base ?",
        QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    if answer != QMessageBox.Yes:
        return
    source = window.database.path
    path, _ = QFileDialog.getSaveFileName(window, "Enregistrer la copie chiffrée", f"{source.stem}-chiffree.sqlite3",
                                          "Base SQLite chiffrée (*.sqlite3)")
    if not path:
        return
    passphrase, ok = QInputDialog.getText(window, "Copie chiffrée", "Phrase de passe (12 caractères au moins) :",
                                          QLineEdit.Password)
    if not ok:
        return
    again, ok = QInputDialog.getText(window, "Copie chiffrée", "Confirmez la phrase de passe :", QLineEdit.Password)
    if not ok or again != passphrase:
        QMessageBox.warning(window, "Copie chiffrée", "Les deux saisies diffèrent : aucune copie n'a été écrite.")
        return
    try:
        write_encrypted_copy(window.database, window.actor, path, passphrase)
    except (DomainError, DatabaseError) as error:
        QMessageBox.warning(window, "Copie chiffrée", error.message)
        return
    QMessageBox.information(window, "Copie chiffrée", f"Copie chiffrée écrite : {path}\n"
                            "Ouvrez-la avec --db ; sa phrase de passe sera demandée. Phrase perdue = données perdues.")
