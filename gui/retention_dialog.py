"""Administrators: cases without contact for 24 months (anonymise or delete) and audit trail retention."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.actor import Actor
from core.audit import MIN_AUDIT_MONTHS
from core.errors import DomainError
from core.queries.admin import StaleCase, audit_retention, stale_cases
from core.retention import NO_CONTACT_MONTHS, anonymise, delete_for_good
from core.services.settings import MAX_AUDIT_MONTHS, set_audit_retention
from db.vocab import CASE_STATUSES, label
from core.formatting import fr_count
from gui.workers import read_then
from gui.widgets import ToolRow, keyboard_table, resize_within_screen

COLUMNS = ["", "Référence", "Ménage", "Statut", "Dernier contact", "Mois sans contact"]


class RetentionDialog(QDialog):
    def __init__(self, database, actor: Actor, parent=None, today=None):
        super().__init__(parent)
        self.database, self.actor, self.today = database, actor, today
        self.rows: tuple[StaleCase, ...] = ()
        self.loading = False
        self.changes = []  # what was written here, for the window to refresh its views
        self.setWindowTitle("Conservation des données")
        resize_within_screen(self, 900, 560)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        keyboard_table(self.table, "Dossiers clos à anonymiser ou supprimer")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel(wordWrap=True)
        all_button = QPushButton("Tout cocher")
        all_button.clicked.connect(lambda: self._check_all(True))
        self.anonymise_button = QPushButton("Anonymiser les dossiers cochés…")
        self.anonymise_button.clicked.connect(lambda: self.apply(anonymise, "anonymiser"))
        self.delete_button = QPushButton("Supprimer les dossiers cochés…")
        self.delete_button.clicked.connect(lambda: self.apply(delete_for_good, "supprimer définitivement"))
        actions = ToolRow()
        for button in (all_button, self.anonymise_button, self.delete_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.audit_spin = QSpinBox(minimum=MIN_AUDIT_MONTHS, maximum=MAX_AUDIT_MONTHS, suffix=" mois")
        self.audit_spin.setAccessibleName("Durée de conservation du journal d'audit, en mois")
        self.purge_button = QPushButton("Enregistrer et purger le journal")
        self.purge_button.clicked.connect(self.purge)
        for widget in (self.audit_spin, self.purge_button):
            widget.setEnabled(False)  # until the saved period is read
        audit_label = QLabel("Conserver le &journal d'audit")
        audit_label.setBuddy(self.audit_spin)
        audit_row = QHBoxLayout()
        for widget in (audit_label, self.audit_spin, self.purge_button):
            audit_row.addWidget(widget)
        audit_row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.button(QDialogButtonBox.Close).setText("Fermer")
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(
            f"<b>Dossiers sans contact depuis {NO_CONTACT_MONTHS} mois.</b> L'anonymisation remplace définitivement "
            "nom, coordonnées, adresse précise et textes libres, et garde les chiffres des bilans ; la suppression "
            "efface tout. Dans les deux cas, les données quittent aussi le fichier de la base.", wordWrap=True))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(actions)
        layout.addLayout(audit_row)
        layout.addWidget(close)
        self.reload()
        read_then(self, lambda: audit_retention(database, actor), self._show_retention)

    def _show_retention(self, months: int) -> None:
        self.audit_spin.setValue(months)
        for widget in (self.audit_spin, self.purge_button):
            widget.setEnabled(True)

    def reload(self) -> None:
        """Read the cases to handle in the pool; the table fills when they arrive."""
        self.loading = True
        self.summary.setText("Recherche des dossiers sans contact…")
        database, actor, today = self.database, self.actor, self.today
        read_then(self, lambda: stale_cases(database, actor, today), self.show_rows, failed=self._reading_failed)

    def _reading_failed(self) -> None:
        self.loading = False
        self.summary.setText("La liste n'a pas pu être lue.")

    def show_rows(self, rows: tuple[StaleCase, ...]) -> None:
        self.loading = False
        self.rows = rows
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemIsUserCheckable | Qt.ItemIsEnabled)
            check.setCheckState(Qt.Unchecked)
            self.table.setItem(r, 0, check)
            values = [row.reference, row.household, label(CASE_STATUSES, row.status),
                      row.last_activity.strftime("%d/%m/%Y") if row.last_activity else "", str(row.months_without_contact)]
            for c, value in enumerate(values, 1):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.summary.setText(f"{fr_count(len(self.rows), 'dossier')} à traiter." if self.rows else "Aucun dossier à traiter.")

    def _check_all(self, checked: bool) -> None:
        for r in range(self.table.rowCount()):
            self.table.item(r, 0).setCheckState(Qt.Checked if checked else Qt.Unchecked)

    def checked_ids(self) -> list[int]:
        return [self.rows[r].id for r in range(self.table.rowCount()) if self.table.item(r, 0).checkState() == Qt.Checked]

    def apply(self, operation, verb: str) -> None:
        ids = self.checked_ids()
        if not ids:
            QMessageBox.information(self, "Conservation", "Cochez d'abord les dossiers à traiter.")
            return
        answer = QMessageBox.question(
            self, "Conservation", f"{verb.capitalize()} {fr_count(len(ids), 'dossier')} ? Cette opération est irréversible.",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer != QMessageBox.Yes:
            return
        try:
            self.changes.append(operation(self.database, self.actor, ids))
        except DomainError as error:
            QMessageBox.warning(self, "Conservation", error.message)
        self.reload()

    def purge(self) -> None:
        """Save the retention period; the events now past it are deleted in the same action."""
        months = self.audit_spin.value()
        try:
            removed = set_audit_retention(self.database, self.actor, months).result
        except DomainError as error:
            QMessageBox.warning(self, "Journal d'audit", error.message)
            return
        QMessageBox.information(self, "Journal d'audit", f"Journal conservé {months} mois : "
                                f"{fr_count(removed, 'événement plus ancien effacé', 'événements plus anciens effacés')}.")
