"""Fichier › Importer… : check a file first (nothing written), show what would happen, then import.

The check is the import's dry run, in the thread pool; the summary is the same
as the command line's (new cases, known reports updated or skipped, invalid
rows with their line and column). After the import the new cases are listed;
a double-click opens one.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QStackedWidget, QTableView, QVBoxLayout, QWidget,
)

from core.access import can
from core.errors import DomainError
from core.imports import import_cases
from core.formatting import fr_number
from gui.rows_model import RowsModel
from gui.widgets import alive
from gui.progress_dialog import run_with_progress

LAST_FOLDER = "import/folder"
MAX_LISTED = 200
CREATED_COLUMNS = [("reference", "Référence"), ("external", "Réf. plateforme"), ("household", "Ménage"),
                   ("address", "Adresse")]


def report_text(report) -> str:
    """The summary, then the problems: what the user reads before deciding."""
    lines = list(report.summary())
    if report.errors:
        lines += ["", "Lignes invalides :"] + [f"  {e}" for e in report.errors[:MAX_LISTED]]
        if len(report.errors) > MAX_LISTED:
            lines.append(f"  … et {fr_number(len(report.errors) - MAX_LISTED)} autres erreurs.")
    if report.duplicates:
        lines += ["", "Doublons probables avec des dossiers saisis ici :"]
        lines += [f"  {d}" for d in report.duplicates[:MAX_LISTED]]
    if report.kept:
        lines += ["", "Données conservées car modifiées ici :"] + [f"  {k}" for k in report.kept[:MAX_LISTED]]
    if report.created_landlords:
        lines += ["", "Bailleurs créés : " + ", ".join(sorted(set(report.created_landlords))[:20])]
    if report.rejected_path:
        lines += ["", f"Lignes rejetées, avec le motif, dans : {report.rejected_path}"]
    return "\n".join(lines)


class ImportDialog(QDialog):
    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self.window = window
        self.checked = None  # the dry run's report, for the file now chosen
        self.result = None
        self.setWindowTitle("Importer des dossiers")
        self.resize(760, 560)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._check_page())
        self.pages.addWidget(self._created_page())
        self.buttons = QDialogButtonBox()
        self.buttons.addButton("Fermer", QDialogButtonBox.RejectRole)
        self.import_button = self.buttons.addButton("&Importer", QDialogButtonBox.AcceptRole)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.buttons)

    # -- layout ------------------------------------------------------------------
    def _check_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel("Choisissez un fichier : l'export « Signal Logement » de la plateforme nationale (CSV ou "
                       "XLSX), ou un tableur aux colonnes de notre export. Le fichier est d'abord vérifié ; rien "
                       "n'est enregistré avant que vous cliquiez sur « Importer ».")
        intro.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("Fichier à importer")
        self.path_edit.textChanged.connect(self._path_changed)
        file_label = QLabel("&Fichier :")
        file_label.setBuddy(self.path_edit)
        browse = QPushButton("&Parcourir…", clicked=self.choose_file)
        self.check_button = QPushButton("&Vérifier le fichier", clicked=self.run_check)
        self.check_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(file_label)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        row.addWidget(self.check_button)
        self.summary = QPlainTextEdit(readOnly=True)
        self.summary.setAccessibleName("Résultat de la vérification")
        self.summary.setPlaceholderText("Le résultat de la vérification s'affichera ici.")
        summary_label = QLabel("&Résultat :")
        summary_label.setBuddy(self.summary)
        self.skip_check = QCheckBox("Importer seulement les lignes valides (les autres sont écrites dans un "
                                    "fichier de rejets, avec le motif)")
        self.skip_check.setEnabled(False)
        self.skip_check.toggled.connect(self._update_import_button)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(summary_label)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.skip_check)
        return page

    def _created_page(self) -> QWidget:
        page = QWidget()
        self.created_summary = QLabel()
        self.created_summary.setWordWrap(True)
        self.created_model = RowsModel(CREATED_COLUMNS, self)
        self.created_view = QTableView()
        self.created_view.setModel(self.created_model)
        self.created_view.setAccessibleName("Dossiers créés par l'import")
        self.created_view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.created_view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.created_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.created_view.horizontalHeader().setStretchLastSection(True)
        self.created_view.doubleClicked.connect(lambda index: self.open_case(index.row()))
        list_label = QLabel("&Nouveaux dossiers (double-cliquez pour ouvrir) :")
        list_label.setBuddy(self.created_view)
        self.open_button = QPushButton("&Ouvrir le dossier", clicked=lambda: self.open_case(
            self.created_view.currentIndex().row()))
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setAccessibleName("Compte rendu de l'import")
        self.details.setMaximumHeight(140)
        layout = QVBoxLayout(page)
        layout.addWidget(self.created_summary)
        layout.addWidget(list_label)
        layout.addWidget(self.created_view, 1)
        layout.addWidget(self.open_button, 0, Qt.AlignLeft)
        layout.addWidget(self.details)
        return page

    # -- choosing and checking ---------------------------------------------------------
    def choose_file(self) -> None:
        folder = QSettings().value(LAST_FOLDER) or str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self, "Fichier à importer", str(folder),
                                                "Tableurs (*.csv *.xlsx *.txt);;Tous les fichiers (*)")
        if chosen:
            QSettings().setValue(LAST_FOLDER, str(Path(chosen).parent))
            self.path_edit.setText(chosen)
            self.run_check()

    def _path_changed(self, text: str) -> None:
        self.checked = None
        self.check_button.setEnabled(bool(text.strip()))
        self.skip_check.setChecked(False)
        self.skip_check.setEnabled(False)
        self._update_import_button()

    def path(self) -> Path:
        return Path(self.path_edit.text().strip())

    def run_check(self) -> None:
        """The dry run, in the pool: the same checks as the import, nothing written."""
        path, database, actor = self.path(), self.window.database, self.window.actor
        self._busy(True, "Vérification du fichier…")
        self.summary.setPlainText("Vérification en cours…")

        def done(report):
            if not alive(self):
                return
            self._busy(False)
            if path != self.path():  # another file was chosen meanwhile
                return
            self.checked = report
            self.summary.setPlainText(report_text(report))
            self.skip_check.setEnabled(bool(report.rejected) and report.rejected < report.rows)
            self._update_import_button()

        def cancelled():
            if alive(self):
                self._busy(False)
                self.summary.setPlainText("Vérification annulée.")

        self.running = run_with_progress(self, "Vérification du fichier",
                                         lambda progress: import_cases(database, actor, path, dry_run=True,
                                                                       progress=progress),
                                         done, on_error=self._failed, on_cancelled=cancelled)

    def _update_import_button(self) -> None:
        report = self.checked
        ready = report is not None and report.rows > 0 and (report.new or report.updated)
        self.import_button.setEnabled(bool(ready) and (not report.rejected or self.skip_check.isChecked()))

    # -- importing -----------------------------------------------------------------
    def run_import(self) -> None:
        path, database, actor = self.path(), self.window.database, self.window.actor
        skip = self.skip_check.isChecked()
        self._busy(True, "Import en cours…")

        def done(report):
            if not alive(self):
                return
            self._busy(False)
            self.result = report
            self.show_created(report)
            if hasattr(self.window, "cases_changed"):
                self.window.cases_changed(set(report.new_case_ids))

        def cancelled():
            if alive(self):
                self._busy(False)
                before = f"\n\n{report_text(self.checked)}" if self.checked is not None else ""
                self.summary.setPlainText("Import annulé : aucun dossier n'a été enregistré." + before)
                self._update_import_button()

        self.running = run_with_progress(self, "Import des dossiers",
                                         lambda progress: import_cases(database, actor, path, skip_invalid=skip,
                                                                       progress=progress),
                                         done, on_error=self._failed, on_cancelled=cancelled)

    def show_created(self, report) -> None:
        self.created_summary.setText("<b>Import terminé.</b> " + " ".join(report.summary()))
        self.created_model.set_rows(report.created)
        self.details.setPlainText(report_text(report))
        self.open_button.setEnabled(bool(report.created))
        self.import_button.hide()
        self.pages.setCurrentIndex(1)
        if report.created:
            self.created_view.selectRow(0)
            self.created_view.setFocus()

    def open_case(self, row: int) -> None:
        case_id = self.created_model.id_at(row)
        if case_id is not None and hasattr(self.window, "open_case"):
            self.window.open_case(case_id)

    # -- helpers -------------------------------------------------------------------
    def _busy(self, on: bool, message: str = "") -> None:
        for widget in (self.check_button, self.path_edit):
            widget.setEnabled(not on)
        self.import_button.setEnabled(False if on else self.import_button.isEnabled())
        busy = getattr(self.window, "set_busy", None)
        if busy is not None:
            busy(on, message) if on else busy(False)

    def _failed(self, info) -> None:
        if not alive(self):
            return
        self._busy(False)
        error = info[1]
        message = error.message if isinstance(error, DomainError) else f"L'import a échoué : {error}"
        self.summary.setPlainText(message)
        self.checked = None
        self._update_import_button()


def open_import_dialog(window) -> ImportDialog | None:
    if window.actor is not None and not can(window.actor, "import"):
        QMessageBox.information(window, "Importer", "L'import de dossiers est réservé aux responsables et aux "
                                                    "administrateurs.")
        return None
    dialog = ImportDialog(window)
    dialog.show()
    return dialog
