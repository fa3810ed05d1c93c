"""Aide › Guide de l'utilisateur (F1): the French guide shipped in resources/guide, shown offline.

The guide is Markdown; Qt renders it (headings, lists, tables, images) in a text browser. A list of its
sections on the left jumps to each; a search field finds words in it. Its screenshots are rendered by the
application itself (`uv run main.py captures-guide`), so they never go stale.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
)

from gui.widgets import resize_within_screen

GUIDE = Path(__file__).resolve().parents[1] / "resources" / "guide" / "guide.md"


PICTURE_WIDTH = 640  # pixels: the screenshots are 1,280 wide, shown smaller (the file keeps every detail)


def guide_document() -> QTextDocument:
    """The guide as a text document, its pictures scaled to PICTURE_WIDTH (before any layout)."""
    document = QTextDocument()
    document.setBaseUrl(QUrl.fromLocalFile(str(GUIDE.parent) + "/"))
    document.setMarkdown(GUIDE.read_text(encoding="utf-8"))
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            picture = fragment.charFormat().toImageFormat()
            if fragment.isValid() and picture.isValid():
                image = document.resource(QTextDocument.ImageResource, QUrl(picture.name()))
                if image is not None and not image.isNull() and image.width() > PICTURE_WIDTH:
                    picture.setWidth(PICTURE_WIDTH)
                    picture.setHeight(image.height() * PICTURE_WIDTH / image.width())
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.KeepAnchor)
                    cursor.setCharFormat(picture)
            iterator += 1
        block = block.next()
    return document


class GuideWindow(QDialog):
    """A non-modal window: the user can keep the guide open beside the main window."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Guide de l'utilisateur — Médiation Habitat")
        self.setModal(False)
        resize_within_screen(self, 1000, 720)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Texte du guide")
        self.browser.setOpenExternalLinks(False)
        self.browser.setDocument(guide_document())
        self.sections = QListWidget()
        self.sections.setAccessibleName("Sections du guide")
        self.sections.setWordWrap(True)
        self._list_sections()
        self.sections.currentItemChanged.connect(lambda item, _previous: item and self.go_to(item.data(Qt.UserRole)))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Mot à chercher dans le guide")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_next)
        self.not_found = QLabel()
        self.not_found.setWordWrap(True)
        caption = QLabel("&Rechercher :")
        caption.setBuddy(self.search)
        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.search, 1)
        top.addWidget(self.not_found)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.sections)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 720])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        QShortcut(QKeySequence.Find, self, self.search.setFocus)
        QShortcut(QKeySequence.FindNext, self, self.find_next)

    def _list_sections(self) -> None:
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() == 2:
                item = QListWidgetItem(block.text())
                item.setData(Qt.UserRole, block.position())
                self.sections.addItem(item)
            block = block.next()

    def section_titles(self) -> list[str]:
        return [self.sections.item(i).text() for i in range(self.sections.count())]

    def go_to(self, position: int) -> None:
        """Show the section starting at `position` at the top of the text."""
        block = self.browser.document().findBlock(position)
        top = self.browser.document().documentLayout().blockBoundingRect(block).top()
        self.browser.verticalScrollBar().setValue(int(top))
        cursor = self.browser.textCursor()
        cursor.setPosition(position)
        self.browser.setTextCursor(cursor)

    def find_next(self) -> bool:
        """Select the next occurrence of the searched words (from the top again at the end)."""
        words = self.search.text().strip()
        if not words:
            return False
        found = self.browser.find(words) or (self._from_top() and self.browser.find(words))
        self.not_found.setText("" if found else f"« {words} » n'est pas dans le guide.")
        return bool(found)

    def _from_top(self) -> bool:
        cursor = self.browser.textCursor()
        cursor.setPosition(0)
        self.browser.setTextCursor(cursor)
        return True


_open: GuideWindow | None = None


def show_guide(parent=None) -> GuideWindow:
    """Open the guide, or bring the open one to the front."""
    global _open
    if _open is None or not _open.isVisible():
        _open = GuideWindow(parent)
    _open.show()
    _open.raise_()
    _open.activateWindow()
    return _open
