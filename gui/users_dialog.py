"""Administrators: user accounts (create, disable, enable, reset a password) and the idle lock delay."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.actor import Actor
from core.audit import int_setting, write_setting
from core.errors import DomainError
from core.users import add_user, disable_user, enable_user, list_users, set_password
from db.engine import Database
from db.vocab import ROLES
from gui.forms import error_label, show_error

COLUMNS = ["Identifiant", "Nom", "Rôle", "État", "Mot de passe", "Secteurs"]


class PasswordForm(QDialog):
    """A new account (with_identity) or a new password for an existing one."""

    def __init__(self, parent, title: str, with_identity: bool):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.login_edit, self.name_edit = QLineEdit(), QLineEdit()
        self.role_combo = QComboBox()
        for code, text in ROLES.items():
            self.role_combo.addItem(text, code)
        self.password_edit, self.confirm_edit = QLineEdit(echoMode=QLineEdit.Password), QLineEdit(echoMode=QLineEdit.Password)
        form = QFormLayout()
        if with_identity:
            form.addRow("&Identifiant :", self.login_edit)
            form.addRow("&Nom complet :", self.name_edit)
            form.addRow("&Rôle :", self.role_combo)
        form.addRow("&Mot de passe :", self.password_edit)
        form.addRow("&Confirmation :", self.confirm_edit)
        self.error_label = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Cancel).setText("Annuler")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Au moins 12 caractères mêlant minuscules, majuscules, chiffres et signes, "
                                "ou une phrase de passe d'au moins quatre mots.", wordWrap=True))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.submit = None  # callable raising DomainError

    def _check(self) -> None:
        if self.password_edit.text() != self.confirm_edit.text():
            show_error(self.error_label, "Les deux saisies du mot de passe diffèrent.")
            return
        try:
            self.submit()
        except DomainError as error:
            show_error(self.error_label, error.message)
            return
        self.accept()


class UsersDialog(QDialog):
    def __init__(self, database: Database, actor: Actor, parent=None):
        super().__init__(parent)
        self.database, self.actor = database, actor
        self.setWindowTitle("Comptes utilisateurs")
        self.resize(860, 460)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        buttons = QHBoxLayout()
        for text, slot in (("Nouveau compte…", self.new_user), ("Nouveau mot de passe…", self.reset_password),
                           ("Désactiver", self.disable), ("Réactiver", self.enable)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.lock_spin = QSpinBox(minimum=1, maximum=120, suffix=" min")
        with database.session() as session:
            from gui.idle_lock import DEFAULT_LOCK_MINUTES, LOCK_SETTING

            self.lock_spin.setValue(int_setting(session, LOCK_SETTING, DEFAULT_LOCK_MINUTES))
        self.lock_spin.valueChanged.connect(self._save_lock_delay)
        lock_row = QHBoxLayout()
        lock_row.addWidget(QLabel("Verrouiller la session après"))
        lock_row.addWidget(self.lock_spin)
        lock_row.addWidget(QLabel("d'inactivité (prend effet à la prochaine connexion)."))
        lock_row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.button(QDialogButtonBox.Close).setText("Fermer")
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(lock_row)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        self.rows = list_users(self.database, self.actor)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            state = "actif" if row.active else "désactivé"
            if row.locked:
                state += " (bloqué après des échecs)"
            values = [row.login, row.full_name, row.role_label, state,
                      "défini" if row.has_password else "aucun", ", ".join(row.sectors)]
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def selected(self):
        index = self.table.currentRow()
        if index < 0:
            QMessageBox.information(self, "Comptes", "Sélectionnez d'abord un compte dans la liste.")
            return None
        return self.rows[index]

    def _run(self, call) -> None:
        try:
            call()
        except DomainError as error:
            QMessageBox.warning(self, "Comptes", error.message)
        self.reload()

    def new_user(self) -> None:
        form = PasswordForm(self, "Nouveau compte", with_identity=True)
        form.submit = lambda: add_user(self.database, self.actor, form.login_edit.text(), form.name_edit.text(),
                                       form.role_combo.currentData(), form.password_edit.text())
        if form.exec():
            self.reload()

    def reset_password(self) -> None:
        row = self.selected()
        if row is None:
            return
        form = PasswordForm(self, f"Nouveau mot de passe pour « {row.login} »", with_identity=False)
        form.submit = lambda: set_password(self.database, self.actor, row.id, form.password_edit.text())
        if form.exec():
            self.reload()

    def disable(self) -> None:
        row = self.selected()
        if row is not None:
            self._run(lambda: disable_user(self.database, self.actor, row.id))

    def enable(self) -> None:
        row = self.selected()
        if row is not None:
            self._run(lambda: enable_user(self.database, self.actor, row.id))

    def _save_lock_delay(self, minutes: int) -> None:
        from gui.idle_lock import LOCK_SETTING

        with self.database.write() as session:
            write_setting(session, LOCK_SETTING, minutes)
