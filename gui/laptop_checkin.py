"""Fichier › Rapporter…: choose a laptop base, merge it into the open (office) base in the background
(core.laptop.checkin), show what came back and what needs a decision; the report can be saved as a PDF."""
from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from core.laptop import CheckinReport, checkin
from db.errors import describe_error
from gui.forms import error_label, refuse, show_error
from gui.laptop_checkout import PassphraseFields
from gui.laptop_conflicts import who_and_when
from gui.widgets import StaysOpenWhileRunning, resize_within_screen, scaled
from gui.workers import run_in_background


def report_html(report: CheckinReport) -> str:
    """The report as a person reads it on screen: what came back, new references, what needs a decision."""
    lines = report.lines()
    parts = [f"<p>{escape(lines[0])}</p>"]
    if report.already_applied or report.nothing_new:
        return "".join(parts + [f"<p><b>{escape(line)}</b></p>" for line in lines[1:]])
    parts.append("<h3>Ce qui est revenu</h3>")
    parts.append(f"<p>{escape(lines[1])}</p>")
    if report.references:
        parts.append("<h3>Nouveaux dossiers créés sur le portable</h3><ul>")
        parts += [f"<li>{escape(old)} devient <b>{escape(new)}</b></li>" for old, new in report.references]
        parts.append("</ul>")
    for title, records in (("Ajouts", report.created), ("Modifications", report.updated),
                           ("Suppressions", report.deleted)):
        if records:
            parts.append(f"<h4>{title} ({len(records)})</h4><ul>")
            parts += [f"<li>{escape(r.case_reference)} · {escape(r.table)}{' · ' + escape(r.what) if r.what else ''}"
                      "</li>" for r in records[:200]]
            if len(records) > 200:
                parts.append(f"<li>… et {len(records) - 200} autres (voir le rapport PDF)</li>")
            parts.append("</ul>")
    parts.append(f"<h3>À décider : {len(report.conflicts)} conflit{'s' if len(report.conflicts) > 1 else ''}</h3>")
    if not report.conflicts:
        parts.append("<p>Aucun conflit : tout ce qui a été fait sur le portable est rentré.</p>")
        return "".join(parts)
    parts.append("<p>Le même champ a été modifié différemment au bureau et sur le portable. La valeur du bureau "
                 "est gardée jusqu'à ce que quelqu'un choisisse (bouton « Arbitrer les conflits… »).</p><ul>")
    for c in report.conflicts:
        parts.append(f"<li><b>{escape(c.case_reference)}</b> · {escape(c.table)} · {escape(c.field)} : bureau "
                     f"« {escape(c.office)} » ({escape(who_and_when(c.office_by, c.office_at))}), portable "
                     f"« {escape(c.laptop)} » ({escape(who_and_when(c.laptop_by, c.laptop_at))})</li>")
    parts.append("</ul>")
    return "".join(parts)


class CheckinDialog(StaysOpenWhileRunning, QDialog):
    """`report` holds the CheckinReport once the laptop base is merged."""

    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self.window = window
        self.database, self.actor = window.database, window.actor
        self.report: CheckinReport | None = None
        self.setWindowTitle("Rapporter un portable de terrain")
        resize_within_screen(self, scaled(self, 680), scaled(self, 560))
        intro = QLabel("Choisissez la base du portable. Son travail est fusionné dans la base ouverte en une seule "
                       "fois (tout ou rien) ; rapporter deux fois le même portable ne change rien la seconde fois.")
        intro.setWordWrap(True)
        self.file_edit = QLineEdit()
        self.file_edit.setAccessibleName("Fichier de la base du portable")
        caption = QLabel("Fichier du porta&ble :")
        caption.setBuddy(self.file_edit)
        self.browse_button = QPushButton("Choisir…", clicked=self.choose_file)
        self.browse_button.setAccessibleName("Choisir le fichier de la base du portable")
        file_row = QHBoxLayout()
        file_row.addWidget(caption)
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        self.passphrase = PassphraseFields(confirm=False, optional_hint=(
            "Celle choisie à l'emport ; laissez vide si la base du portable n'est pas chiffrée."))
        self.error_label = error_label()
        self.report_view = QTextBrowser()
        self.report_view.setAccessibleName("Rapport du retour du portable")
        self.report_view.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Cancel).setText("Annuler")
        self.go_button = self.buttons.addButton("&Rapporter", QDialogButtonBox.AcceptRole)
        self.pdf_button = self.buttons.addButton("Enregistrer le rapport en P&DF…", QDialogButtonBox.ActionRole)
        self.conflicts_button = self.buttons.addButton("Arbitrer les &conflits…", QDialogButtonBox.ActionRole)
        for button in (self.pdf_button, self.conflicts_button):
            button.setVisible(False)
        self.go_button.clicked.connect(self.start)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.conflicts_button.clicked.connect(self.show_conflicts)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.error_label)
        layout.addWidget(self.report_view, 10)
        layout.addStretch(1)  # takes the room while no report is shown
        layout.addWidget(self.buttons)

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Base du portable à rapporter", str(Path.home()),
                                                "Base Médiation Habitat (*.sqlite3);;Tous les fichiers (*)")
        if chosen:
            self.file_edit.setText(chosen)

    def problem(self) -> tuple[QLineEdit, str] | None:
        text = self.file_edit.text().strip()
        if not text:
            return self.file_edit, "Fichier du portable : choisissez la base rapportée du terrain."
        if not Path(text).expanduser().is_file():
            return self.file_edit, f"Fichier du portable : « {text} » n'existe pas."
        return None

    def start(self) -> None:
        if refuse(self.error_label, self.problem()):
            return
        database, actor = self.database, self.actor
        path = Path(self.file_edit.text().strip()).expanduser()
        passphrase = self.passphrase.text() or None
        self.go_button.setEnabled(False)
        self.set_running(True)
        self.report_view.setPlainText("Fusion du travail du portable en cours…")
        self.report_view.setVisible(True)
        busy = getattr(self.window, "set_busy", None)
        run_in_background(lambda: checkin(database, actor, path, passphrase), self._merged,
                          busy=(lambda on: busy(on, "Retour du portable en cours…")) if busy else None,
                          on_error=self._failed)

    def _merged(self, report: CheckinReport) -> None:
        self.set_running(False)
        self.report = report
        self.report_view.setHtml(report_html(report))
        self.go_button.setVisible(False)
        self.pdf_button.setVisible(True)
        self.conflicts_button.setVisible(bool(report.conflicts))
        self.buttons.button(QDialogButtonBox.Cancel).setText("Fermer")
        for widget in (self.file_edit, self.browse_button, self.passphrase):
            widget.setEnabled(False)
        if not report.already_applied:
            self.window.cases_changed()
        refresh = getattr(self.window, "refresh_laptop_state", None)
        if refresh is not None:
            refresh()

    def _failed(self, info) -> None:
        self.set_running(False)
        self.go_button.setEnabled(True)
        self.report_view.setVisible(False)
        show_error(self.error_label, describe_error(info[1], self.database) + " Rien n'a été modifié dans la base "
                   "du bureau.")
        field = self.passphrase.phrase_edit if getattr(info[1], "field", "") == "phrase" else self.file_edit
        field.setFocus()

    def save_pdf(self) -> None:
        stamp = self.report.applied_at or self.report.taken_at
        name = f"retour-portable-{stamp:%Y-%m-%d}.pdf" if stamp else "retour-portable.pdf"
        chosen, _ = QFileDialog.getSaveFileName(self, "Enregistrer le rapport en PDF", str(Path.home() / name),
                                                "Document PDF (*.pdf)")
        if chosen:
            self.write_pdf(Path(chosen if chosen.lower().endswith(".pdf") else f"{chosen}.pdf"))

    def write_pdf(self, target: Path) -> None:
        from core.pdf.laptop_report import write_checkin_pdf

        report, database = self.report, self.database
        author = self.actor.full_name or self.actor.login
        self.pdf_button.setEnabled(False)

        def written(path) -> None:
            self.pdf_button.setEnabled(True)
            self.written_pdf = path
            self.window.statusBar().showMessage(f"Rapport enregistré : {path}", 10_000)

        def failed(info) -> None:
            self.pdf_button.setEnabled(True)
            show_error(self.error_label, describe_error(info[1], database))

        run_in_background(lambda: write_checkin_pdf(report, target, database, author), written, on_error=failed)

    def show_conflicts(self):
        from gui.laptop_conflicts import open_conflicts

        return open_conflicts(self.window, parent=self)


def open_checkin_dialog(window) -> CheckinDialog:
    dialog = window.laptop_dialog = CheckinDialog(window)  # kept: a shown dialog needs an owner
    dialog.show()
    return dialog
