"""Pièces jointes: photos and documents of the case, with thumbnails and the shooting date."""
from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon, QPixmap

from PySide6.QtWidgets import (QCheckBox, QFileDialog, QListWidget, QListWidgetItem, QMessageBox, QPushButton,
                               QVBoxLayout, QWidget)

from core.errors import DomainError
from core.queries.case_tabs import AttachmentLine
from core.services import attachments as attachment_services
from core.services.base import Changes
from gui.services import call_service
from gui.case_file.page import TAB_MNEMONICS
from gui.tool_row import ToolRow
from gui.widgets import EmptyState

THUMBNAIL = 128
_viewing: dict[str, Path] = {}


def viewing_folder() -> Path:
    """A private folder (owner only) for the files opened in another application, removed at exit."""
    if "folder" not in _viewing:
        folder = Path(tempfile.mkdtemp(prefix="mediation-habitat-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _viewing["folder"] = folder
    return _viewing["folder"]


def safe_name(filename: str) -> str:
    """The file name without folders or characters a file system refuses."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", Path(filename).name).strip(" .")
    return name or "piece-jointe"


def thumbnail(content: bytes | None, mime_type: str) -> QIcon:
    if content and mime_type.startswith("image/"):
        pixmap = QPixmap()
        if pixmap.loadFromData(content):
            return QIcon(pixmap.scaled(THUMBNAIL, THUMBNAIL, Qt.KeepAspectRatio, Qt.SmoothTransformation))
    from PySide6.QtWidgets import QApplication, QStyle

    return QApplication.style().standardIcon(QStyle.SP_FileIcon)


class AttachmentsTab(QWidget):
    PART = "attachments"

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.database = page.database
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.IconMode)
        self.list.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.list.setGridSize(QSize(THUMBNAIL + 60, THUMBNAIL + 56))
        self.list.setResizeMode(QListWidget.Adjust)
        self.list.setWordWrap(True)
        self.list.setMovement(QListWidget.Static)
        self.empty = EmptyState("Aucune photo ni aucun document. Ajoutez-en avec « Ajouter des fichiers… ».")
        add = QPushButton("Ajouter des fichiers…")
        add.clicked.connect(self.add_files)
        self.remove_button = QPushButton("Supprimer…")
        self.remove_button.setToolTip("Supprimer la pièce jointe sélectionnée")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.open_button = QPushButton("Ouvrir")
        self.open_button.setToolTip("Ouvrir la pièce jointe avec l'application habituelle (double-clic ou Entrée)")
        self.open_button.clicked.connect(self.open_selected)
        self.save_button = QPushButton("Enregistrer une copie…")
        self.save_button.clicked.connect(self.save_selected)
        self.keep_location = QCheckBox("Garder la position GPS des photos")
        self.keep_location.setToolTip("Sans cette case, la position où la photo a été prise est retirée du fichier "
                                      "avant l'enregistrement (elle révèle le domicile du ménage).")
        self.list.itemActivated.connect(lambda _item: self.open_selected())
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self._selection_changed()
        row = ToolRow(reserved=TAB_MNEMONICS)  # wraps on a narrow window or with large text
        for button in (add, self.open_button, self.save_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.keep_location)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)

    def show_data(self, attachments: tuple[AttachmentLine, ...]) -> None:
        self.list.clear()
        for a in attachments:
            when = f"prise le {a.taken_at:%d/%m/%Y}" if a.taken_at else f"ajoutée le {a.created_at:%d/%m/%Y}"
            item = QListWidgetItem(thumbnail(a.content, a.mime_type), f"{a.filename}\n{when}")
            item.setToolTip(f"{a.filename} — {a.size_bytes // 1024} Ko — {when}" + (f"\n{a.caption}" if a.caption else ""))
            item.setData(Qt.UserRole, a.id)
            self.list.addItem(item)
        self.empty.setVisible(not attachments)
        self.list.setVisible(bool(attachments))

    def add_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, "Ajouter des photos ou des documents", "",
                                                      attachment_services.DIALOG_FILTER)
        if not paths:
            return
        problems, added = [], 0
        for path in map(Path, paths):
            problem = self._add_one(path)
            if problem:
                problems.append(problem)
            else:
                added += 1
        if added:
            # One service call per file: the tab is read again once, after all of them.
            self.page.changed(Changes("attachment", case_ids={self.page.case_id}))
            self.page.window.statusBar().showMessage(
                f"{added} pièce{'s' if added > 1 else ''} jointe{'s' if added > 1 else ''} "
                f"ajoutée{'s' if added > 1 else ''}.", 5000)
        if problems:
            QMessageBox.warning(self, "Ajout impossible", "\n".join(problems))

    def _add_one(self, path: Path) -> str | None:
        """Add one file; the French reason when it could not be added."""
        return add_file(self.database, self.page.actor, self.page.case_id, path,
                        keep_location=self.keep_location.isChecked())

    def _selection_changed(self) -> None:
        chosen = bool(self.list.selectedItems())
        for button in (self.open_button, self.save_button, self.remove_button):
            button.setEnabled(chosen)

    def _read_selected(self) -> tuple[str, bytes] | None:
        items = self.list.selectedItems()
        if not items:
            return None
        return call_service(self, attachment_services.read_attachment, self.database, self.page.actor,
                            items[0].data(Qt.UserRole))

    def open_selected(self) -> Path | None:
        """Write the file to the private viewing folder and hand it to the system's viewer."""
        read = self._read_selected()
        if read is None:
            return None
        filename, content = read
        folder = viewing_folder() / str(self.list.selectedItems()[0].data(Qt.UserRole))
        try:
            folder.mkdir(exist_ok=True)
            path = folder / safe_name(filename)
            path.write_bytes(content)
        except OSError as error:
            QMessageBox.warning(self, "Ouverture impossible",
                                f"Le fichier « {filename} » n'a pas pu être préparé ({error.strerror or error}).")
            return None
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            QMessageBox.information(self, "Aucune application",
                                    "Aucune application n'est associée à ce type de fichier. Utilisez "
                                    "« Enregistrer une copie… » pour l'enregistrer ailleurs.")
        return path

    def save_selected(self) -> Path | None:
        read = self._read_selected()
        if read is None:
            return None
        filename, content = read
        target, _filter = QFileDialog.getSaveFileName(self, "Enregistrer une copie de la pièce jointe",
                                                      str(Path.home() / safe_name(filename)))
        if not target:
            return None
        try:
            Path(target).write_bytes(content)
        except OSError as error:
            QMessageBox.warning(self, "Enregistrement impossible",
                                f"« {target} » n'a pas pu être écrit ({error.strerror or error}).")
            return None
        self.page.window.statusBar().showMessage(f"Copie enregistrée : {target}", 5000)
        return Path(target)

    def remove_selected(self) -> None:
        items = self.list.selectedItems()
        if not items:
            return
        name = items[0].text().split("\n")[0]
        answer = QMessageBox.question(self, "Supprimer la pièce jointe",
                                      f"Supprimer définitivement « {name} » de ce dossier ?",
                                      QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer != QMessageBox.Yes:
            return
        changes = call_service(self, attachment_services.remove_attachment, self.database, self.page.actor,
                               items[0].data(Qt.UserRole))
        if changes is not None:
            self.page.changed(changes)


def add_file(database, actor, case_id: int, path: Path, visit_id: int | None = None,
             keep_location: bool = False) -> str | None:
    """Attach one file to a case (and a visit); the French reason when it could not be added."""
    try:
        # Checked before reading so a huge file is not loaded into memory for nothing.
        if path.stat().st_size > attachment_services.MAX_BYTES:
            return f"Le fichier « {path.name} » est trop volumineux : {attachment_services.MAX_LABEL} au plus."
        content = path.read_bytes()
    except OSError as error:
        return f"Le fichier « {path.name} » n'a pas pu être lu ({error.strerror or error})."
    try:
        attachment_services.add_attachment(database, actor, case_id, path.name, content, visit_id=visit_id,
                                           keep_location=keep_location)
    except DomainError as error:
        return error.message
    return None
