"""Journal: the case's timeline with filters, note entry (kept as a draft), shareable entries marked."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from core.queries.case_tabs import JournalLine
from db.vocab import JOURNAL_KINDS, label
from gui.forms import error_label
from gui.palette import status_colour
from gui.rows_model import RowsModel
from gui.case_file.page import TAB_MNEMONICS
from gui.tool_row import ToolRow
from gui.widgets import DataTable, EmptyState

NOTE_KINDS = ("note", "appel", "courrier")
SHAREABLE = status_colour("shareable")


def journal_row(line: JournalLine) -> dict:
    """A journal entry as the table shows it (shareable entries in blue, and said in a column)."""
    return {"when": line.occurred_at, "kind": label(JOURNAL_KINDS, line.kind), "_kind": line.kind,
            "shared": "oui" if line.shareable else "", "_shared": line.shareable, "text": line.text,
            "author": line.author, "_tooltip": line.text, "_colour": SHAREABLE if line.shareable else None}


class JournalTab(QWidget):
    PART = "journal"
    COLUMNS = [("when", "Date"), ("kind", "Type"), ("shared", "Partageable"), ("text", "Texte"), ("author", "Auteur")]

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.database = page.database
        self.entries: list[dict] = []
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("Tous les types", None)
        for code, text in JOURNAL_KINDS.items():
            self.kind_filter.addItem(text, code)
        self.shared_only = QCheckBox("Seulement ce qui peut être montré au ménage")
        self.kind_filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.shared_only.toggled.connect(lambda _on: self._apply_filter())
        filters = ToolRow(reserved=TAB_MNEMONICS + "hnygt")
        filters.addWidget(QLabel("Affic&her :"))  # the caption names the type filter (ToolRow)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.shared_only)
        self.model = RowsModel(self.COLUMNS, self)
        self.table = DataTable(self.model, name="Journal du dossier")
        self.table.set_widths((120, 150, 95, 620))
        self.table.setWordWrap(True)
        self.empty = EmptyState("Aucune entrée dans le journal pour ce filtre.")
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("ce qui s'est dit, ce qui est convenu…")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(4 * self.note.fontMetrics().lineSpacing() + 12)  # grows with the text size
        note_caption = QLabel("&Nouvelle note :")
        note_caption.setBuddy(self.note)
        self.note.setAccessibleName("Nouvelle note")
        self.note.setAccessibleDescription("Ctrl+Entrée l'ajoute au journal")
        self.note_kind = QComboBox()
        for code in NOTE_KINDS:
            self.note_kind.addItem(JOURNAL_KINDS[code], code)
        self.note_shareable = QCheckBox("Peut être montrée au ména&ge")
        self.add_button = QPushButton("Ajou&ter au journal")
        self.add_button.setToolTip("Ctrl+Entrée")
        self.add_button.setShortcut("Ctrl+Return")
        self.add_button.clicked.connect(self.add_note)
        self.note_error = error_label()
        entry = ToolRow(reserved=TAB_MNEMONICS)
        entry.addWidget(QLabel("T&ype de la note :"))  # names the combo (ToolRow)
        entry.addWidget(self.note_kind)
        entry.addWidget(self.note_shareable)
        entry.addStretch(1)
        entry.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(note_caption)
        layout.addWidget(self.note)
        layout.addWidget(self.note_error)
        layout.addLayout(entry)
        self.draft = None
        self._rows_sized = True

    def show_data(self, lines: tuple[JournalLine, ...]) -> None:
        from gui.drafts import DraftKeeper, journal_draft_key

        key = journal_draft_key(self.page.case_id)
        if self.draft is None:
            self.draft = DraftKeeper(self.database, self.note, key, user_id=self.page.actor.user_id, parent=self)
            self.draft.restore(self.page.preloaded_journal_draft)
        elif self.draft.form_key != key:  # the page now shows another case
            self.draft.switch_to(key)
            self.draft.restore(self.page.preloaded_journal_draft)
        self.entries = [journal_row(line) for line in lines]
        self._apply_filter()

    def forget(self) -> None:
        """Another case is opened in this page: its filters start afresh and no note of the previous case
        stays in sight (a note being typed is kept as that case's draft)."""
        if self.draft is not None:
            self.draft.switch_to(None)  # kept under the previous case's key, then emptied
        for widget in (self.kind_filter, self.shared_only):
            widget.blockSignals(True)
        self.kind_filter.setCurrentIndex(0)
        self.shared_only.setChecked(False)
        for widget in (self.kind_filter, self.shared_only):
            widget.blockSignals(False)
        self.note_kind.setCurrentIndex(0)
        self.note_shareable.setChecked(False)
        self.note_error.setVisible(False)

    def _apply_filter(self) -> None:
        kind = self.kind_filter.currentData()
        shared = self.shared_only.isChecked()
        rows = [r for r in self.entries if (kind is None or r["_kind"] == kind) and (not shared or r["_shared"])]
        self.model.set_rows(rows)
        self._rows_sized = False
        if self.isVisible():
            self._size_rows()
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))

    def _size_rows(self) -> None:
        """Rows as tall as their wrapped text: measured when the tab is seen, not while the case opens
        (it reads every cell of the journal)."""
        if not self._rows_sized:
            self._rows_sized = True
            self.table.resizeRowsToContents()

    def showEvent(self, event):  # noqa: N802 - Qt API
        super().showEvent(event)
        self._size_rows()

    def focus_note(self) -> None:
        self.note.setFocus()

    def add_note(self) -> None:
        from core.errors import DomainError
        from core.services.notes import add_note

        self.note_error.setVisible(False)
        try:
            changes = add_note(self.database, self.page.actor, self.page.case_id, self.note.toPlainText(),
                kind=self.note_kind.currentData(), shareable=self.note_shareable.isChecked())
        except DomainError as error:
            self.note_error.setText(error.message)
            self.note_error.setVisible(True)
            self.note.setFocus()
            return
        self.note.clear()
        if self.draft is not None:
            self.draft.discard()
        self.note_shareable.setChecked(False)
        self.page.changed(changes)

    def is_dirty(self) -> bool:
        # A note being typed is kept as a draft: leaving never loses it, so it does not block.
        return False
