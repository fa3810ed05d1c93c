"""Print and preview: build a PDF in the thread pool, then open it in the system viewer.

The core builds the same documents as the command line. Files go to a private
temporary folder (mode 0700: they hold personal data) unless the user chooses
« Enregistrer sous… ».
"""
from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.errors import DomainError
from gui.progress_dialog import run_with_progress
from gui.workers import run_in_background

_folder: dict[str, Path] = {}


def preview_folder() -> Path:
    if "path" not in _folder or not _folder["path"].is_dir():
        _folder["path"] = Path(tempfile.mkdtemp(prefix="mediation-habitat-pdf-"))
    return _folder["path"]


def open_file(path: Path) -> bool:
    """Open a file with the system's viewer (replaced in tests)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("_") or "document"


def generate(window, name: str, build: Callable[..., object], save_as: bool = False,
             on_done: Callable[[Path], None] | None = None, progress_title: str | None = None) -> None:
    """Run build(target) in the background; then open the PDF (or just save it) and tell the user.

    With `progress_title`, build(target, progress) runs behind a progress dialog with « Annuler »."""
    filename = f"{_safe_name(name)}.pdf"
    if save_as:
        chosen, _ = QFileDialog.getSaveFileName(window, "Enregistrer le PDF", str(Path.home() / filename),
                                                "Documents PDF (*.pdf)")
        if not chosen:
            return
        target = Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")
    else:
        target = preview_folder() / filename

    def done(_result):
        status = getattr(window, "statusBar", None)
        if status is not None:
            status().showMessage(f"PDF prêt : {target}", 5000)
        if not save_as and not open_file(target):
            QMessageBox.information(window, "PDF", f"Le PDF est prêt mais aucun lecteur n'a pu l'ouvrir :\n{target}")
        if on_done is not None:
            on_done(target)

    def failed(info):
        error = info[1]
        message = error.message if isinstance(error, DomainError) else f"Le PDF n'a pas pu être produit : {error}"
        QMessageBox.warning(window, "Impression impossible", message)

    if progress_title:
        def cancelled():
            status = getattr(window, "statusBar", None)
            if status is not None:
                status().showMessage("PDF annulé : aucun fichier n'a été écrit.", 5000)

        run_with_progress(window, progress_title, lambda progress: build(target, progress), done, on_error=failed,
                          on_cancelled=cancelled)
        return
    busy = getattr(window, "set_busy", None)
    run_in_background(lambda: build(target), done,
                      busy=(lambda on: busy(on, "Préparation du PDF…")) if busy else None, on_error=failed)


def _reference(window, case_id: int) -> str:
    """For the file's name only (the documents are built from the case id), read within the actor's scope."""
    from core.queries.documents import case_reference

    return case_reference(window.database, window.actor, case_id)


def print_case(window, case_id: int, save_as: bool = False, on_done=None) -> None:
    """Fiche de suivi of a case."""
    from core.pdf.fiche import build_fiche

    reference = _reference(window, case_id)
    generate(window, f"fiche_{reference}", lambda target: build_fiche(window.database, window.actor, case_id, target),
             save_as, on_done)


def print_landlord_letter(window, case_id: int, save_as: bool = False, on_done=None) -> None:
    from core.pdf.letters import build_landlord_letter

    reference = _reference(window, case_id)
    generate(window, f"courrier_bailleur_{reference}",
             lambda target: build_landlord_letter(window.database, window.actor, case_id, target), save_as, on_done)


def print_household_letter(window, case_id: int, save_as: bool = False, on_done=None) -> None:
    from core.pdf.letters import build_household_letter

    reference = _reference(window, case_id)
    generate(window, f"courrier_menage_{reference}",
             lambda target: build_household_letter(window.database, window.actor, case_id, target), save_as, on_done)


def print_visit(window, visit_id: int, save_as: bool = False, on_done=None) -> None:
    """Compte rendu de visite; a hundred photos take a few seconds, off the GUI thread."""
    from core.pdf.visit import build_visit_report

    generate(window, f"compte_rendu_visite_{visit_id}",
             lambda target: build_visit_report(window.database, window.actor, visit_id, target), save_as, on_done)


def print_commission(window, commission_id: int, save_as: bool = False, on_done=None) -> None:
    from core.pdf.commission import build_commission

    generate(window, f"commission_{commission_id}",
             lambda target: build_commission(window.database, window.actor, commission_id, target), save_as, on_done)


def print_bilan(window, start: date, end: date, quartier: str | None = None, commune: str | None = None,
                save_as: bool = False, on_done=None) -> None:
    from core.pdf.bilan import build_bilan

    where = quartier or commune or "metropole"
    generate(window, f"bilan_{start.isoformat()}_{end.isoformat()}_{where}",
             lambda target, progress: build_bilan(window.database, window.actor, start, end, quartier, commune, target,
                                                  progress=progress),
             save_as, on_done, progress_title="Préparation du bilan")


def _current_case_id(window) -> int | None:
    page = getattr(window, "case_page", None)
    if page is None or window.current_page() is not page:
        window.statusBar().showMessage("Ouvrez d'abord un dossier.", 4000)
        return None
    return page.case_id


def install_output_menu(window) -> None:
    """Menu entries for the documents and exports (called by the main window when it builds its menus)."""
    from PySide6.QtGui import QAction

    def add(menu, text, slot):
        action = QAction(text, window)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def on_case(function):
        def run():
            case_id = _current_case_id(window)
            if case_id is not None:
                function(window, case_id)
        return run

    def export_list():
        from gui.export_dialog import export_current_list  # the exports (Babel, XLSX) load when first used

        export_current_list(window)

    window.file_menu.insertSeparator(window.quit_action)
    window.export_action = add(window.file_menu, "E&xporter la liste des dossiers…", export_list)
    window.file_menu.insertAction(window.quit_action, window.export_action)
    add(window.tools_menu, "Compte rendu de &visite (PDF)…", lambda: ask_visit(window))
    add(window.tools_menu, "&Commission : ordre du jour et décisions (PDF)…", lambda: ask_commission(window))
    window.case_menu.addSeparator()
    add(window.case_menu, "Imprimer la &fiche de suivi", on_case(print_case))
    add(window.case_menu, "Courrier au &bailleur (PDF)", on_case(print_landlord_letter))
    add(window.case_menu, "Courrier au &ménage (PDF)", on_case(print_household_letter))


def ask_visit(window) -> None:
    """Pick a visit of the open case (or type its number) and print its report."""
    from PySide6.QtWidgets import QInputDialog

    from core.formatting import fr_date
    from core.queries.documents import case_visit_choices

    case_page = getattr(window, "case_page", None)
    choices: dict[str, int] = {}
    if case_page is not None:
        for visit in case_visit_choices(window.database, window.actor, case_page.case_id):
            choices[f"n° {visit.visit_id} — {fr_date(visit.scheduled_at)} — {visit.type_label}"] = visit.visit_id
    if choices:
        text, ok = QInputDialog.getItem(window, "Compte rendu de visite", "Visite du dossier ouvert :",
                                        list(choices), len(choices) - 1, False)
        if ok:
            print_visit(window, choices[text])
        return
    number, ok = QInputDialog.getInt(window, "Compte rendu de visite", "Numéro de la visite :", 1, 1, 2**31 - 1)
    if ok:
        print_visit(window, number)


def ask_commission(window) -> None:
    from PySide6.QtWidgets import QInputDialog

    from core.formatting import fr_date
    from core.queries.commissions import commission_list

    rows = commission_list(window.database, window.actor)
    if not rows:
        QMessageBox.information(window, "Commissions", "Aucune commission enregistrée.")
        return
    choices = {f"{fr_date(c.held_on)} — {c.kind} — {c.title}": c.commission_id for c in rows}
    text, ok = QInputDialog.getItem(window, "Commission", "Commission à imprimer :", list(choices), 0, False)
    if ok:
        print_commission(window, choices[text])
