"""Aide › Guide de l'utilisateur (F1): the French guide opens offline, with its sections, pictures and search."""
from __future__ import annotations

import re

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument

from gui.help_window import GUIDE
from gui.main_window import MainWindow

SECTIONS = ["Premiers pas", "Un dossier, du signalement à la clôture", "Visites et diagnostics en marchant",
            "Relogement", "Commissions", "Tableau de bord et bilans", "Sauvegardes",
            "Ordinateurs portables et travail hors du bureau", "Qui peut faire quoi", "Raccourcis clavier"]


def test_f1_opens_the_guide_with_its_sections(qtbot, db):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    assert window.guide_action.shortcut().toString() == "F1"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window.current_page(), Qt.Key_F1)
    guide = window.guide
    qtbot.waitUntil(guide.isVisible)
    assert all(title in guide.section_titles() for title in SECTIONS)
    guide.sections.setCurrentRow(guide.section_titles().index("Relogement"))
    assert guide.browser.textCursor().block().text() == "Relogement"
    guide.close()


def test_every_picture_of_the_guide_is_shipped_and_loads(qtbot):
    text = GUIDE.read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(pictures) >= 7
    document = QTextDocument()
    document.setBaseUrl(QUrl.fromLocalFile(str(GUIDE.parent) + "/"))
    document.setMarkdown(text)
    for picture in pictures:
        assert (GUIDE.parent / picture).stat().st_size > 10_000, picture
        image = document.resource(QTextDocument.ImageResource, QUrl(picture))
        assert image is not None and not image.isNull(), picture
    assert "http://" not in text and "https://" not in text  # offline: nothing to fetch


def test_searching_the_guide_finds_words_and_says_when_it_does_not(qtbot):
    from gui.help_window import GuideWindow

    guide = GuideWindow()
    qtbot.addWidget(guide)
    guide.search.setText("suroccupation")
    assert guide.find_next()
    assert guide.browser.textCursor().selectedText().lower() == "suroccupation"
    guide.search.setText("zzzz introuvable")
    assert not guide.find_next()
    assert "n'est pas dans le guide" in guide.not_found.text()
