"""The case file page is built once and reused: a second case opened in it shows exactly what a page built for
that case shows, and nothing of the first case (header, forms, lists, a note being typed, filters)."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTreeWidget,
    QWidget,
)
from sqlalchemy import func, select

from db import models as m
from gui.case_file.page import CaseFilePage
from tests.gui.test_workflows import make_window


def shown(tab: QWidget) -> list[str]:
    """Everything a user can read in a tab: visible captions, field values, list and tree cells."""
    texts = []
    for widget in [tab, *tab.findChildren(QWidget)]:
        if widget is not tab and not widget.isVisibleTo(tab):
            continue
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit | QAbstractSpinBox):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            texts.append(widget.currentText())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            texts.append(f"{widget.text()}={widget.isChecked()}")
        elif isinstance(widget, QTreeWidget):
            items = [widget.topLevelItem(i) for i in range(widget.topLevelItemCount())]
            while items:
                item = items.pop()
                texts.append("|".join(item.text(c) for c in range(item.columnCount())) + str(item.checkState(0)))
                items += [item.child(i) for i in range(item.childCount())]
        elif isinstance(widget, QListWidget):
            texts += [widget.item(i).text() for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            texts += [str(model.index(r, c).data()) for r in range(model.rowCount()) for c in range(model.columnCount())]
    return texts


def two_cases(database) -> tuple[int, int]:
    """A case with much in its file (a relocation with proposals, a journal) and another without a relocation
    and with a shorter journal."""
    with database.session() as session:
        entries = func.count(m.JournalEntry.id)
        rich = session.scalar(select(m.Relocation.case_id).join(m.Proposal, m.Proposal.relocation_id == m.Relocation.id)
                              .order_by(m.Relocation.case_id))
        rich_entries = session.scalar(select(entries).where(m.JournalEntry.case_id == rich))
        relocated = select(m.Relocation.case_id)
        plain = session.scalar(select(m.Case.id).outerjoin(m.JournalEntry, m.JournalEntry.case_id == m.Case.id)
                               .where(m.Case.id.not_in(relocated)).group_by(m.Case.id)
                               .having(entries < rich_entries).order_by(m.Case.id))
    assert rich is not None and plain is not None
    return rich, plain


def open_and_wait(qtbot, window, case_id: int) -> CaseFilePage:
    window.open_case(case_id, deferred=True)
    qtbot.waitUntil(lambda: window.case_page.case_id == case_id and window.case_page.loaded, timeout=10_000)
    return window.case_page


def test_a_second_case_reuses_the_page_and_shows_nothing_of_the_first(qtbot, demo_db):
    window = make_window(qtbot, demo_db)
    first_id, second_id = two_cases(demo_db)
    page = open_and_wait(qtbot, window, first_id)
    first = page.case
    tabs = {tab.PART: tab for tab in page.all_tabs()}
    assert page.relocation.model.rowCount() > 0  # the first case fills the relocation tab
    page.journal.note.setPlainText("Rappeler la bailleresse lundi")
    page.journal.shared_only.setChecked(True)
    page.tabs.setCurrentWidget(page.journal)

    second_page = open_and_wait(qtbot, window, second_id)
    assert second_page is page and {tab.PART: tab for tab in page.all_tabs()} == tabs  # the same widgets
    assert page.title.text().startswith(page.case.reference) and page.case.id == second_id
    assert page.tabs.currentWidget() is page.summary  # a case opens on its Synthèse, as a new page did

    fresh = CaseFilePage(window, second_id)  # what a page built for the second case shows
    qtbot.addWidget(fresh)
    for label in ("title", "address", "badges", "objectives"):
        assert getattr(page, label).text() == getattr(fresh, label).text(), label
    for mine, theirs in zip(page.all_tabs(), fresh.all_tabs()):
        assert shown(mine) == shown(theirs), mine.PART
    everything = "\n".join(text for tab in page.all_tabs() for text in shown(tab))
    household_name = first.household.split()[0]
    assert first.reference not in everything and household_name not in everything
    assert "Rappeler la bailleresse" not in everything and not page.journal.shared_only.isChecked()

    back = open_and_wait(qtbot, window, first_id)  # the note typed in the first case waits there as a draft
    assert back.journal.note.toPlainText() == "Rappeler la bailleresse lundi"


def test_a_case_refused_after_another_shows_none_of_the_other(qtbot, demo_db):
    from core.errors import NotFound

    window = make_window(qtbot, demo_db)
    first_id, _second_id = two_cases(demo_db)
    page = open_and_wait(qtbot, window, first_id)
    page.show_case(first_id, load_now=False)
    page._show_missing(NotFound("Ce dossier n'existe plus."))
    assert page.title.text() == "Dossier introuvable"
    assert not page.tabs.isVisible() and page.body.currentWidget() is page.waiting
