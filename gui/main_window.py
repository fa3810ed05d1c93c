"""The main window: menus, the case list and a status bar."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.case_list import CaseQuery, count_cases
from db.engine import Database
from gui.case_table_model import CaseTableModel

APP_TITLE = "Médiation Habitat"


class MainWindow(QMainWindow):
    def __init__(self, database: Database):
        super().__init__()
        self.database = database
        self.setWindowTitle(f"{APP_TITLE} — Contrat de Ville 2024-2030")
        self.resize(1280, 780)
        self.model = CaseTableModel(database, self)
        self._build_case_list()
        self._build_menus()
        self.count_label = QLabel()
        self.statusBar().addWidget(QLabel(f"Base : {database.describe()}"), 1)
        self.statusBar().addPermanentWidget(self.count_label)
        self._search_timer = QTimer(self, singleShot=True, interval=150, timeout=self.apply_search)
        self.refresh()

    def _build_case_list(self) -> None:
        self.search_edit = QLineEdit(placeholderText="Rechercher un dossier : référence, nom, adresse, téléphone…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicator(8, Qt.DescendingOrder)
        for column, width in enumerate((100, 190, 260, 150, 200, 90, 80, 150, 120)):
            self.table.setColumnWidth(column, width)
        self.empty_label = QLabel("Aucun dossier. Créez-en un ou lancez « uv run main.py demo » pour essayer.")
        self.empty_label.setAlignment(Qt.AlignCenter)
        header = QHBoxLayout()
        header.addWidget(QLabel("<b>Dossiers</b>"))
        header.addWidget(self.search_edit, 1)
        layout = QVBoxLayout()
        layout.addLayout(header)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Fichier")
        quit_action = QAction("&Quitter", self, shortcut=QKeySequence("Ctrl+Q"), triggered=self.close)
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu("&Édition")
        find_action = QAction("&Rechercher", self, shortcut=QKeySequence("Ctrl+F"), triggered=self.focus_search)
        edit_menu.addAction(find_action)
        help_menu = self.menuBar().addMenu("&Aide")
        help_menu.addAction(QAction("À &propos", self, triggered=self.show_about))

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def apply_search(self) -> None:
        query = self.model.query
        self.model.reload(CaseQuery(text=self.search_edit.text(), statuses=query.statuses, sort=query.sort,
                                    descending=query.descending))
        self._update_count()

    def refresh(self) -> None:
        self.model.reload()
        self._update_count()

    def _update_count(self) -> None:
        with self.database.session() as session:
            total = count_cases(session)
        shown = self.model.rowCount()
        noun = "dossier" if total <= 1 else "dossiers"
        self.count_label.setText(f"{shown} / {total} {noun}" if shown != total else f"{total} {noun}")
        self.empty_label.setVisible(total == 0)
        if total and not shown:
            self.empty_label.setText("Aucun dossier ne correspond à la recherche.")
            self.empty_label.setVisible(True)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "À propos de Médiation Habitat",
            "<b>Médiation Habitat</b><br>Suivi de la médiation habitat du Contrat de Ville 2024-2030 "
            "de la Métropole Européenne de Lille.<br>Fonctionne entièrement hors ligne.",
        )
