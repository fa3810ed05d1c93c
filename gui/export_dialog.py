"""Export the current case list: choose the columns and the format, then write it in the background."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QLabel, QListWidget, QListWidgetItem, QMessageBox,
    QPushButton, QRadioButton, QVBoxLayout,
)

from core.errors import DomainError
from core.formatting import fr_count
from core.exports import COLUMNS, ExportFilter, export_cases
from gui.tool_row import ToolRow
from gui.widgets import resize_within_screen, scaled
from gui.progress_dialog import run_with_progress

SETTINGS_KEY = "export/columns"


class ExportDialog(QDialog):
    def __init__(self, window, case_ids: list[int], parent=None):
        super().__init__(parent or window)
        self.window = window
        self.case_ids = list(case_ids)
        self.report = None
        self.setWindowTitle("Exporter la liste des dossiers")
        resize_within_screen(self, scaled(self, 460), scaled(self, 620))
        counted = fr_count(len(self.case_ids), "dossier")
        intro = QLabel(f"<b>{counted}</b> de la liste affichée seront exportés. "
                       "Choisissez les colonnes (les colonnes en italique sont calculées).")
        intro.setWordWrap(True)
        self.columns = QListWidget()
        self.columns.setAccessibleName("Colonnes à exporter (Espace pour cocher)")
        self.columns.setMinimumHeight(self.columns.fontMetrics().lineSpacing() * 4)  # shrinks on a zoomed screen
        caption = QLabel("&Colonnes :")
        caption.setBuddy(self.columns)
        chosen = self._remembered()
        for column in COLUMNS:
            item = QListWidgetItem(column.header + (" (calculée)" if column.computed else ""))
            item.setData(Qt.UserRole, column.key)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if column.key in chosen else Qt.Unchecked)
            if column.computed:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            self.columns.addItem(item)
        all_button = QPushButton("&Tout cocher", clicked=lambda: self._check_all(True))
        none_button = QPushButton("Tout &décocher", clicked=lambda: self._check_all(False))
        self.csv_radio = QRadioButton("CS&V pour Excel (séparateur « ; »)", checked=True)
        self.xlsx_radio = QRadioButton("Classeur &Excel (.xlsx)")
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.export_button = buttons.addButton("Exporter…", QDialogButtonBox.AcceptRole)
        buttons.accepted.connect(self.choose_file_and_export)
        buttons.rejected.connect(self.reject)
        row = ToolRow()
        row.addWidget(all_button)
        row.addWidget(none_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(caption)
        layout.addWidget(self.columns, 1)
        layout.addLayout(row)
        layout.addWidget(self.csv_radio)
        layout.addWidget(self.xlsx_radio)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)

    def _remembered(self) -> set[str]:
        value = QSettings().value(SETTINGS_KEY)
        keys = set(value.split(",")) if isinstance(value, str) and value else set()
        return keys or {c.key for c in COLUMNS}

    def _check_all(self, checked: bool) -> None:
        for index in range(self.columns.count()):
            self.columns.item(index).setCheckState(Qt.Checked if checked else Qt.Unchecked)

    def chosen_columns(self) -> list[str]:
        return [self.columns.item(i).data(Qt.UserRole) for i in range(self.columns.count())
                if self.columns.item(i).checkState() == Qt.Checked]

    def fmt(self) -> str:
        return "xlsx" if self.xlsx_radio.isChecked() else "csv"

    def choose_file_and_export(self) -> None:
        if not self.chosen_columns():
            QMessageBox.warning(self, "Export", "Cochez au moins une colonne.")
            return
        suffix = self.fmt()
        chosen, _ = QFileDialog.getSaveFileName(self, "Exporter vers", str(Path.home() / f"dossiers.{suffix}"),
                                                f"Fichier {suffix.upper()} (*.{suffix})")
        if chosen:
            self.export_to(Path(chosen if chosen.lower().endswith(f".{suffix}") else f"{chosen}.{suffix}"))

    def export_to(self, target: Path) -> None:
        columns, fmt = self.chosen_columns(), self.fmt()
        QSettings().setValue(SETTINGS_KEY, ",".join(columns))
        self.export_button.setEnabled(False)
        database, actor, ids = self.window.database, self.window.actor, self.case_ids

        def done(report):
            self.report = report
            self.export_button.setEnabled(True)
            exported = fr_count(report.rows, "dossier exporté", "dossiers exportés")
            QMessageBox.information(self, "Export terminé", f"{exported} dans :\n{report.path}")
            self.accept()

        def failed(info):
            self.export_button.setEnabled(True)
            error = info[1]
            message = error.message if isinstance(error, DomainError) else f"L'export a échoué : {error}"
            QMessageBox.warning(self, "Export impossible", message)

        def cancelled():
            self.export_button.setEnabled(True)
            self.status_label.setText("Export annulé : aucun fichier n'a été écrit.")

        self.running = run_with_progress(
            self, "Export des dossiers",
            lambda progress: export_cases(database, actor, target, fmt, columns, ExportFilter(case_ids=ids), progress),
            done, on_error=failed, on_cancelled=cancelled)


def export_current_list(window) -> ExportDialog | None:
    """Open the dialog on the list the Dossiers view shows now (an empty list has nothing to export)."""
    ids = window.case_list.listed_ids() if hasattr(window, "case_list") else []
    if not ids:
        QMessageBox.information(window, "Export", "La liste affichée ne contient aucun dossier : rien à exporter. "
                                "Changez la recherche ou les filtres de la vue Dossiers.")
        return None
    dialog = ExportDialog(window, ids)
    dialog.show()
    return dialog
