"""Administrators: user accounts (create, disable, enable, reset a password) and the idle lock delay."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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
from core.errors import DomainError
from core.queries.admin import UserRow, list_users, session_lock_minutes
from core.services.settings import MAX_LOCK_MINUTES, set_session_lock_minutes
from core.users import add_user, disable_user, enable_user, set_password
from db.vocab import CIVILITIES, ROLES
from gui.forms import error_label, show_error
from gui.workers import read_then
from gui.widgets import ToolRow, keyboard_table, resize_within_screen

COLUMNS = ["Identifiant", "Nom", "Rôle", "État", "Mot de passe", "Secteurs"]
SAVE_DELAY_MS = 800  # the lock delay is saved (and audited) once the spin box rests, not at every step


class PasswordForm(QDialog):
    """A new account (with_identity) or a new password for an existing one."""

    def __init__(self, parent, title: str, with_identity: bool):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.login_edit, self.name_edit = QLineEdit(), QLineEdit()
        self.role_combo = QComboBox()
        for code, text in ROLES.items():
            self.role_combo.addItem(text, code)
        self.civility_combo, self.title_edit = QComboBox(), QLineEdit(placeholderText="par exemple Agente de proximité")
        for code, text in CIVILITIES.items():
            self.civility_combo.addItem(text, code)
        self.password_edit, self.confirm_edit = QLineEdit(echoMode=QLineEdit.Password), QLineEdit(echoMode=QLineEdit.Password)
        form = QFormLayout()
        if with_identity:
            form.addRow("&Identifiant :", self.login_edit)
            form.addRow("&Nom complet :", self.name_edit)
            form.addRow("&Rôle :", self.role_combo)
            form.addRow("Ci&vilité (courriers) :", self.civility_combo)
            form.addRow("&Fonction (signature) :", self.title_edit)
        form.addRow("&Mot de passe :", self.password_edit)
        form.addRow("&Confirmation :", self.confirm_edit)
        self.error_label = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Cancel).setText("Annuler")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Au moins 12 caractères mêlant minuscules, majuscules, chiffres et signes, "
                                "ou une phrase de passe d'au moins quatre mots ; et difficile à deviner : ni "
                                "nom, ni identifiant, ni mots de l'application (quatre mots peu courants "
                                "suffisent).", wordWrap=True))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.submit = None  # callable returning the service's Changes, or raising DomainError
        self.result_changes = None

    def _check(self) -> None:
        if self.password_edit.text() != self.confirm_edit.text():
            show_error(self.error_label, "Les deux saisies du mot de passe diffèrent.")
            return
        try:
            self.result_changes = self.submit()
        except DomainError as error:
            show_error(self.error_label, error.message)
            return
        self.accept()


class UsersDialog(QDialog):
    def __init__(self, database, actor: Actor, parent=None):
        super().__init__(parent)
        self.database, self.actor = database, actor
        self.rows: tuple[UserRow, ...] = ()
        self.loading = False
        self.changes = []  # what was written here, for the window to refresh its views
        self.setWindowTitle("Comptes utilisateurs")
        resize_within_screen(self, 860, 460)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        keyboard_table(self.table, "Comptes utilisateurs")
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        buttons = ToolRow()
        for text, slot in (("Nouveau compte…", self.new_user), ("Nouveau mot de passe…", self.reset_password),
                           ("Désactiver", self.disable), ("Réactiver", self.enable)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.lock_spin = QSpinBox(minimum=1, maximum=MAX_LOCK_MINUTES, suffix=" min")
        self.lock_spin.setAccessibleName("Délai de verrouillage de la session, en minutes")
        self.lock_spin.setEnabled(False)  # until the saved delay is read
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS, timeout=self.save_lock_delay)
        self.lock_spin.valueChanged.connect(lambda _minutes: self._save_timer.start())
        self.lock_status = QLabel()
        lock_label = QLabel("&Verrouiller la session après")
        lock_label.setBuddy(self.lock_spin)
        lock_row = ToolRow()  # wraps on a narrow or zoomed screen
        lock_row.addWidget(lock_label)
        lock_row.addWidget(self.lock_spin)
        lock_row.addWidget(QLabel("d'inactivité (prend effet à la prochaine connexion).", wordWrap=True))
        lock_row.addWidget(self.lock_status)
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
        database = self.database
        read_then(self, lambda: session_lock_minutes(database, actor), self._show_lock_delay)

    def reload(self) -> None:
        """Read the accounts in the pool; the table fills when they arrive."""
        self.loading = True
        database, actor = self.database, self.actor
        read_then(self, lambda: list_users(database, actor), self.show_rows, failed=self._reading_failed)

    def _reading_failed(self) -> None:
        self.loading = False

    def show_rows(self, rows: tuple[UserRow, ...]) -> None:
        self.loading = False
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            state = "actif" if row.active else "désactivé"
            if row.locked:
                state += " (bloqué après des échecs)"
            values = [row.login, row.full_name, row.role_label, state,
                      "défini" if row.has_password else "aucun", ", ".join(row.sectors)]
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def _show_lock_delay(self, minutes: int) -> None:
        self.lock_spin.blockSignals(True)
        self.lock_spin.setValue(minutes)
        self.lock_spin.blockSignals(False)
        self.lock_spin.setEnabled(True)

    def selected(self):
        index = self.table.currentRow()
        if index < 0:
            QMessageBox.information(self, "Comptes", "Sélectionnez d'abord un compte dans la liste.")
            return None
        return self.rows[index]

    def _run(self, call) -> None:
        try:
            self.changes.append(call())
        except DomainError as error:
            QMessageBox.warning(self, "Comptes", error.message)
        self.reload()

    def new_user(self) -> None:
        form = PasswordForm(self, "Nouveau compte", with_identity=True)
        form.submit = lambda: add_user(self.database, self.actor, form.login_edit.text(), form.name_edit.text(),
                                       form.role_combo.currentData(), form.password_edit.text(),
                                       civility=form.civility_combo.currentData(), job_title=form.title_edit.text())
        if form.exec():
            self.changes.append(form.result_changes)
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

    def save_lock_delay(self) -> None:
        self._save_timer.stop()
        try:
            set_session_lock_minutes(self.database, self.actor, self.lock_spin.value())
        except DomainError as error:
            QMessageBox.warning(self, "Verrouillage de la session", error.message)
            return
        self.lock_status.setText(f"Délai enregistré : {self.lock_spin.value()} min.")

    def done(self, result: int) -> None:
        if self._save_timer.isActive():  # closed right after a change: save it now
            self.save_lock_delay()
        super().done(result)
