"""Administrators: the audit trail with filters, and its integrity check."""
from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.actor import Actor
from core.audit import EventFilter, verify_trail
from core.queries.admin import AuditChoices, AuditRow, audit_filter_choices, find_events
from core.formatting import fr_count
from gui.workers import read_then
from gui.widgets import ToolRow, keyboard_table, resize_within_screen, scaled

COLUMNS = ["N°", "Date", "Utilisateur", "Action", "Objet", "Détails"]


class AuditViewer(QDialog):
    def __init__(self, database, actor: Actor, parent=None):
        super().__init__(parent)
        self.database, self.actor = database, actor
        self.events: tuple[AuditRow, ...] = ()
        self.loading = False
        self._generation = 0
        self.setWindowTitle("Journal d'audit")
        resize_within_screen(self, 1000, 560)
        self.user_combo = QComboBox()
        self.user_combo.setAccessibleName("Utilisateur")
        self.user_combo.addItem("Tous les utilisateurs", "")
        self.action_combo = QComboBox()
        self.action_combo.setAccessibleName("Action")
        self.action_combo.addItem("Toutes les actions", "")
        today = QDate.currentDate()
        self.since_edit = QDateEdit(today.addMonths(-1), calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.until_edit = QDateEdit(today, calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.object_edit = QLineEdit(placeholderText="n° d'objet (dossier…)")
        self.object_edit.setAccessibleName("Numéro d'objet")
        self.object_edit.setMinimumWidth(scaled(self.object_edit, 190))
        apply_button = QPushButton("Filtrer")
        apply_button.clicked.connect(self.reload)
        self.checking = False
        self.verify_button = QPushButton("Vérifier l'intégrité")
        self.verify_button.clicked.connect(self.verify)
        filters = ToolRow()  # wraps on a narrow or zoomed screen
        since_label, until_label = QLabel("D&u"), QLabel("&au")
        since_label.setBuddy(self.since_edit)
        until_label.setBuddy(self.until_edit)
        for widget in (since_label, self.since_edit, until_label, self.until_edit, self.user_combo,
                       self.action_combo, self.object_edit, apply_button):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.verify_button)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        keyboard_table(self.table, "Événements du journal d'audit")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count_label = QLabel()
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.button(QDialogButtonBox.Close).setText("Fermer")
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(close)
        read_then(self, lambda: audit_filter_choices(database, actor), self._show_choices)
        self.reload()

    def _show_choices(self, choices: AuditChoices) -> None:
        for login in choices.logins:
            self.user_combo.addItem(login, login)
        for action in choices.actions:
            self.action_combo.addItem(action, action)

    def criteria(self) -> EventFilter:
        since = datetime.combine(self.since_edit.date().toPython(), time.min)
        until = datetime.combine(self.until_edit.date().toPython(), time.max)
        return EventFilter(since=since, until=until, login=self.user_combo.currentData(),
                           action=self.action_combo.currentData(), entity_id=self.object_edit.text().strip())

    def reload(self) -> None:
        """Read the events matching the filters in the pool; only the last reading asked for is shown."""
        self.loading = True
        self._generation += 1
        generation, database, actor, criteria = self._generation, self.database, self.actor, self.criteria()
        self.count_label.setText("Lecture du journal…")
        read_then(self, lambda: find_events(database, actor, criteria),
                  lambda events: generation == self._generation and self.show_events(events),
                  failed=self._reading_failed)

    def _reading_failed(self) -> None:
        self.loading = False
        self.count_label.setText("Le journal n'a pas pu être lu.")

    def show_events(self, events: tuple[AuditRow, ...]) -> None:
        self.loading = False
        self.events = events
        self.table.setRowCount(len(events))
        for r, event in enumerate(events):
            values = [str(event.id), event.occurred_at.strftime("%d/%m/%Y %H:%M:%S"), event.user_login, event.action,
                      f"{event.entity} {event.entity_id}".strip(), event.details]
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        limit = EventFilter().limit
        self.count_label.setText(fr_count(len(events), "événement") + (" (les plus récents)" if len(events) >= limit else ""))

    def verify(self) -> None:
        """Recompute the whole chain in the pool (every event is read), then say what was found."""
        self.checking = True
        self.verify_button.setEnabled(False)
        database = self.database
        read_then(self, lambda: verify_trail(database), self._show_check, failed=self._check_ended)

    def _check_ended(self) -> None:
        self.checking = False
        self.verify_button.setEnabled(True)

    def _show_check(self, check) -> None:
        self._check_ended()
        count, problems = check.count, check.problems
        if not problems:
            QMessageBox.information(self, "Journal d'audit",
                                    f"Journal intègre : {fr_count(count, 'événement vérifié', 'événements vérifiés')}.\n{check.anchor_text()}")
            return
        details = "\n".join(p.describe() for p in problems[:20])
        QMessageBox.critical(self, "Journal d'audit", f"Journal ALTÉRÉ : {fr_count(len(problems), 'anomalie')}.\n\n{details}")
