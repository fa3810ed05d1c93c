"""Login at start: the first administrator on a fresh database, then the login dialog."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from core.actor import Actor
from core.auth import AuthenticationError, authenticate, first_start, unattended_actor
from core.errors import DomainError
from core.users import create_first_administrator
from gui.forms import error_label, show_error
from gui.qt_app import ensure_app

TITLE = "Médiation Habitat — connexion"


class LoginDialog(QDialog):
    """Login and password; a refused attempt says why, and waits when throttled."""

    def __init__(self, database, parent=None, login: str = "", locked_for: Actor | None = None):
        super().__init__(parent)
        self.database = database
        self.actor: Actor | None = None
        self.setWindowTitle(TITLE)
        self.login_edit = QLineEdit(login or (locked_for.login if locked_for else ""))
        self.login_edit.setObjectName("login")
        self.password_edit = QLineEdit(echoMode=QLineEdit.Password)
        self.password_edit.setObjectName("password")
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText("Se connecter" if locked_for is None else "Déverrouiller")
        self.buttons.button(QDialogButtonBox.Cancel).setText("Quitter")
        self.buttons.accepted.connect(self.try_login)
        self.locked_for = locked_for
        self.buttons.button(QDialogButtonBox.Cancel).clicked.connect(lambda: QDialog.reject(self))
        if locked_for is not None:
            self.buttons.button(QDialogButtonBox.Cancel).setText("Fermer la session")
        form = QFormLayout()
        form.addRow("&Identifiant :", self.login_edit)
        form.addRow("&Mot de passe :", self.password_edit)
        layout = QVBoxLayout(self)
        intro = ("Session verrouillée après inactivité. Saisissez votre mot de passe pour reprendre."
                 if locked_for else "Ces dossiers concernent des ménages vulnérables : connectez-vous avec votre compte.")
        layout.addWidget(QLabel(intro, wordWrap=True))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        if locked_for is not None:
            self.login_edit.setReadOnly(True)
        (self.password_edit if self.login_edit.text() else self.login_edit).setFocus()
        self._release_timer = QTimer(self, singleShot=True, timeout=lambda: self.ok_button.setEnabled(True))
        self.setMinimumWidth(420)

    def reject(self) -> None:
        """Escape must not end a locked session (and lose the work behind it): only the button does."""
        if self.locked_for is None:
            super().reject()

    def try_login(self) -> None:
        try:
            self.actor = authenticate(self.database, self.login_edit.text(), self.password_edit.text())
        except DomainError as error:  # this seat cannot seal the audit trail: nothing can be written here
            self.show_error(error.message)
            return
        except AuthenticationError as error:
            self.show_error(error.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            if error.wait_seconds:
                # The core refuses early attempts anyway; the button only mirrors it.
                self.ok_button.setEnabled(False)
                self._release_timer.start(min(error.wait_seconds, 15 * 60) * 1000)
            return
        self.accept()

    def show_error(self, message: str) -> None:
        show_error(self.error_label, message)


class FirstAdministratorDialog(QDialog):
    """First start: nobody can log in yet, so an administrator account is created."""

    def __init__(self, database, parent=None):
        super().__init__(parent)
        self.database = database
        self.actor: Actor | None = None
        self.setWindowTitle("Médiation Habitat — premier démarrage")
        self.login_edit = QLineEdit("admin")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Prénom Nom")
        self.password_edit = QLineEdit(echoMode=QLineEdit.Password)
        self.confirm_edit = QLineEdit(echoMode=QLineEdit.Password)
        self.error_label = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Créer le compte administrateur")
        buttons.button(QDialogButtonBox.Cancel).setText("Quitter")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Identifiant :", self.login_edit)
        form.addRow("&Nom complet :", self.name_edit)
        form.addRow("&Mot de passe :", self.password_edit)
        form.addRow("&Confirmation :", self.confirm_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(
            "<b>Premier démarrage.</b> Créez le compte administrateur : il gère ensuite les comptes des agents "
            "et des responsables.<br>Mot de passe : au moins 12 caractères mêlant minuscules, majuscules, chiffres "
            "et signes, ou une phrase de passe d'au moins quatre mots.", wordWrap=True))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.name_edit.setFocus()
        self.setMinimumWidth(480)

    def create(self) -> None:
        if self.password_edit.text() != self.confirm_edit.text():
            self._error("Les deux saisies du mot de passe diffèrent.")
            return
        try:
            create_first_administrator(self.database, self.login_edit.text(), self.name_edit.text(),
                                       self.password_edit.text())
            self.actor = authenticate(self.database, self.login_edit.text(), self.password_edit.text())
        except (DomainError, AuthenticationError) as error:
            self._error(error.message)
            return
        self.accept()

    def _error(self, message: str) -> None:
        show_error(self.error_label, message)


def login_at_start(database, unattended: bool = False) -> Actor | None:
    """The actor who works in the window, or None when the user quits."""
    if unattended:
        return unattended_actor(database)
    dialog = FirstAdministratorDialog(database) if first_start(database) else LoginDialog(database)
    dialog.setWindowFlag(Qt.WindowStaysOnTopHint, False)
    return dialog.actor if dialog.exec() == QDialog.Accepted else None


def ask_database_passphrase(path) -> str | None:
    """Passphrase of an encrypted database, asked before anything else opens."""
    ensure_app()
    text, ok = QInputDialog.getText(
        None, "Base chiffrée", f"La base « {path.name} » est chiffrée.\nPhrase de passe :", QLineEdit.Password)
    return text if ok else None
