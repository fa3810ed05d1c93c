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
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)
from sqlalchemy import select

from core.actor import Actor
from core.audit import EventFilter, find_events, known_actions, verify_trail
from db import models as m
from db.engine import Database

COLUMNS = ["N°", "Date", "Utilisateur", "Action", "Objet", "Détails"]


class AuditViewer(QDialog):
    def __init__(self, database: Database, actor: Actor, parent=None):
        super().__init__(parent)
        self.database, self.actor = database, actor
        self.setWindowTitle("Journal d'audit")
        self.resize(1000, 560)
        self.user_combo = QComboBox()
        self.action_combo = QComboBox()
        with database.session() as session:
            logins = sorted(set(session.scalars(select(m.AuditEvent.user_login).distinct())))
            actions = known_actions(session)
        self.user_combo.addItem("Tous les utilisateurs", "")
        for login in logins:
            self.user_combo.addItem(login, login)
        self.action_combo.addItem("Toutes les actions", "")
        for action in actions:
            self.action_combo.addItem(action, action)
        today = QDate.currentDate()
        self.since_edit = QDateEdit(today.addMonths(-1), calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.until_edit = QDateEdit(today, calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.object_edit = QLineEdit(placeholderText="n° d'objet (dossier…)")
        self.object_edit.setMaximumWidth(150)
        apply_button = QPushButton("Filtrer")
        apply_button.clicked.connect(self.reload)
        verify_button = QPushButton("Vérifier l'intégrité")
        verify_button.clicked.connect(self.verify)
        filters = QHBoxLayout()
        for widget in (QLabel("Du"), self.since_edit, QLabel("au"), self.until_edit, self.user_combo,
                       self.action_combo, self.object_edit, apply_button):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(verify_button)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
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
        self.reload()

    def criteria(self) -> EventFilter:
        since = datetime.combine(self.since_edit.date().toPython(), time.min)
        until = datetime.combine(self.until_edit.date().toPython(), time.max)
        return EventFilter(since=since, until=until, login=self.user_combo.currentData(),
                           action=self.action_combo.currentData(), entity_id=self.object_edit.text().strip())

    def reload(self) -> None:
        with self.database.session() as session:
            events = find_events(session, self.actor, self.criteria())
        self.table.setRowCount(len(events))
        for r, event in enumerate(events):
            values = [str(event.id), event.occurred_at.strftime("%d/%m/%Y %H:%M:%S"), event.user_login, event.action,
                      f"{event.entity} {event.entity_id}".strip(), event.details]
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        limit = EventFilter().limit
        self.count_label.setText(f"{len(events)} événement(s)" + (" (les plus récents)" if len(events) >= limit else ""))

    def verify(self) -> None:
        check = verify_trail(self.database)
        count, problems = check.count, check.problems
        if not problems:
            QMessageBox.information(self, "Journal d'audit",
                                    f"Journal intègre : {count} événements vérifiés.\n{check.anchor_text()}")
            return
        details = "\n".join(p.describe() for p in problems[:20])
        QMessageBox.critical(self, "Journal d'audit", f"Journal ALTÉRÉ : {len(problems)} anomalie(s).\n\n{details}")
