"""Pièces jointes: photos and documents of the case, with thumbnails and the shooting date."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import select

from db import models as m
from gui.services import call_service, service
from gui.widgets import EmptyState

THUMBNAIL = 128


def thumbnail(content: bytes | None, mime_type: str) -> QIcon:
    if content and mime_type.startswith("image/"):
        pixmap = QPixmap()
        if pixmap.loadFromData(content):
            return QIcon(pixmap.scaled(THUMBNAIL, THUMBNAIL, Qt.KeepAspectRatio, Qt.SmoothTransformation))
    from PySide6.QtWidgets import QApplication, QStyle

    return QApplication.style().standardIcon(QStyle.SP_FileIcon)


class AttachmentsTab(QWidget):
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
        row = QHBoxLayout()
        row.addWidget(add)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)

    def load(self, session, case: m.Case) -> None:
        self.list.clear()
        rows = session.execute(select(m.Attachment.id, m.Attachment.filename, m.Attachment.mime_type,
                                      m.Attachment.taken_at, m.Attachment.created_at, m.Attachment.caption,
                                      m.Attachment.size_bytes)
                               .where(m.Attachment.case_id == case.id).order_by(m.Attachment.taken_at)).all()
        for attachment_id, filename, mime, taken_at, created_at, caption, size in rows:
            content = session.scalar(select(m.Attachment.content).where(m.Attachment.id == attachment_id)) \
                if mime.startswith("image/") else None
            when = f"prise le {taken_at:%d/%m/%Y}" if taken_at else f"ajoutée le {created_at:%d/%m/%Y}"
            item = QListWidgetItem(thumbnail(content, mime), f"{filename}\n{when}")
            item.setToolTip(f"{filename} — {size // 1024} Ko — {when}" + (f"\n{caption}" if caption else ""))
            item.setData(Qt.UserRole, attachment_id)
            self.list.addItem(item)
        self.empty.setVisible(not rows)
        self.list.setVisible(bool(rows))

    def add_files(self) -> None:
        add = service("attachments", "add_attachment")
        if add is None:
            self.page.window.statusBar().showMessage("L'ajout de pièces jointes n'est pas encore disponible.", 5000)
            return
        paths, _filter = QFileDialog.getOpenFileNames(self, "Ajouter des photos ou des documents", "",
                                                      "Photos et documents (*.jpg *.jpeg *.png *.pdf *.odt *.docx);;"
                                                      "Tous les fichiers (*)")
        if not paths:
            return
        from pathlib import Path

        for path in paths:
            if call_service(self, add, self.database, self.page.actor, self.page.case_id, Path(path)) is None:
                break
        self.page.changed()
