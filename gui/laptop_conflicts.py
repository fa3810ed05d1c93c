"""« Conflits à arbitrer »: the fields changed differently at the office and on a laptop, settled one by one
(core.laptop.list_conflicts / settle_conflict): keep the office value, take the laptop's, or type another."""
from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.errors import ConflictError
from core.laptop import ConflictView, list_conflicts, settle_conflict
from core.queries.case_list import case_list_choices
from db import vocab
from db.errors import describe_error
from gui.forms import error_label, show_error
from gui.tool_row import ToolRow
from gui.widgets import EmptyState, keyboard_table, resize_within_screen, scaled
from gui.workers import run_in_background

COLUMNS = ("Dossier", "Fiche · champ", "Au bureau", "Sur le portable")
WHOLE_RECORD = "*"  # core.laptop.merge: a record deleted on one side, edited on the other
# Coded fields whose values the conflict lists as codes: shown and chosen by their French label.
CODED_FIELDS = {
    ("Dossier", "status"): vocab.CASE_STATUSES, ("Dossier", "priority"): vocab.PRIORITIES,
    ("Visite", "status"): vocab.VISIT_STATUSES, ("Saisine", "status"): vocab.REFERRAL_STATUSES,
    ("Suivi de relogement", "status"): vocab.RELOCATION_STATUSES, ("Logement", "tenure"): vocab.TENURES,
    ("Désordre", "state"): vocab.DISORDER_STATES, ("Ménage", "civility"): vocab.CIVILITIES,
}
_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_MOMENT = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2})$")


def who_and_when(name: str, at: datetime | None) -> str:
    return f"{name or 'inconnu'}{' le ' + at.strftime('%d/%m/%Y à %H:%M') if at else ''}"


PEOPLE_FIELDS = {"agent_id"}  # account ids: shown and chosen by the person's name


def coded(conflict: ConflictView, people: dict | None = None) -> dict | None:
    """code -> French label for a coded field (for an account field: id -> name), else None."""
    if conflict.field_name in PEOPLE_FIELDS:
        return dict(people or {})
    return CODED_FIELDS.get((conflict.table, conflict.field_name))


def shown_value(conflict: ConflictView, value: str, people: dict | None = None) -> str:
    labels = coded(conflict, people)
    if conflict.field_name in PEOPLE_FIELDS and value.isdigit():
        return labels.get(int(value), f"compte n° {value}")
    return labels.get(value, value) if labels else value


def typed_value(conflict: ConflictView, text: str):
    """What a person typed, as the JSON data settle_conflict takes: dates and times in the shape both sides show
    (12/03/2026, 12/03/2026 14:30) become ISO, a number field takes a number, « (vide) » or nothing is empty."""
    text = text.strip()
    if not text or text == "(vide)":
        return None
    sides = (conflict.office, conflict.laptop)
    if any(_MOMENT.match(side) for side in sides) and (found := _MOMENT.match(text)):
        day, month, year, hour, minute = found.groups()
        return f"{year}-{month}-{day}T{hour}:{minute}:00"
    if any(_DATE.match(side) for side in sides) and (found := _DATE.match(text)):
        day, month, year = found.groups()
        return f"{year}-{month}-{day}"
    numbers = [side for side in sides if re.fullmatch(r"-?\d+(,\d+)?", side)]
    if numbers and re.fullmatch(r"-?\d+([,.]\d+)?", text):
        return float(text.replace(",", ".")) if any("," in side for side in numbers) or "," in text or "." in text \
            else int(text)
    if all(side in ("oui", "non", "(vide)") for side in sides) and text in ("oui", "non"):
        return text == "oui"
    return text


class EditValueDialog(QDialog):
    """« Modifier… »: the value to keep, typed (or chosen from the list for a coded field)."""

    def __init__(self, conflict: ConflictView, parent=None, people: dict | None = None):
        super().__init__(parent)
        self.conflict = conflict
        self.setWindowTitle("Saisir la valeur à garder")
        intro = QLabel(f"{conflict.case_reference} · {conflict.table} · {conflict.field}\nBureau : "
                       f"« {shown_value(conflict, conflict.office, people)} » — portable : "
                       f"« {shown_value(conflict, conflict.laptop, people)} »")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.PlainText)
        labels = coded(conflict, people)
        if labels:
            self.editor = QComboBox()
            for code, text in labels.items():
                self.editor.addItem(text, code)
            laptop = int(conflict.laptop) if conflict.field_name in PEOPLE_FIELDS and conflict.laptop.isdigit() \
                else conflict.laptop
            self.editor.setCurrentIndex(max(0, self.editor.findData(laptop)))
        else:
            self.editor = QLineEdit(conflict.laptop if conflict.laptop != "(vide)" else "")
        caption = QLabel(f"&Valeur à garder pour « {conflict.field} » :")
        caption.setBuddy(self.editor)
        self.editor.setAccessibleName("Valeur à garder")
        hint = QLabel("Dates au format 12/03/2026 ; laissez vide pour effacer la valeur.")
        hint.setVisible(not labels)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Garder cette valeur")
        buttons.button(QDialogButtonBox.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, caption, self.editor, hint, buttons):
            layout.addWidget(widget)

    def value(self):
        if isinstance(self.editor, QComboBox):
            return self.editor.currentData()
        return typed_value(self.conflict, self.editor.text())


class ConflictsDialog(QDialog):
    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self.window = window
        self.database, self.actor = window.database, window.actor
        self.conflicts: list[ConflictView] = []
        self.people: dict[int, str] = {}  # account id -> name, for a conflict on the agent of a case
        self.loading = True
        self.busy = False
        self.setWindowTitle("Conflits à arbitrer")
        resize_within_screen(self, scaled(self, 1000), scaled(self, 520))
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = self._conflict_table()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty = EmptyState("Aucun conflit à arbitrer : tout ce qui est revenu des portables est rentré.")
        self.empty.setVisible(False)
        self.message = error_label()
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.office_button = QPushButton("Garder la valeur du &bureau", clicked=lambda: self.settle("bureau"))
        self.laptop_button = QPushButton("Prendre la valeur du &portable", clicked=lambda: self.settle("portable"))
        self.edit_button = QPushButton("&Modifier…", clicked=self.edit_value)
        close_button = QPushButton("Fermer", clicked=self.accept)
        row = ToolRow(mnemonics=False)
        for button in (self.office_button, self.laptop_button, self.edit_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.done_label)
        layout.addLayout(row)
        self._update_buttons()
        self.reload()

    def _conflict_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setHorizontalHeaderLabels(COLUMNS)
        keyboard_table(table, "Conflits à arbitrer")
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.setSelectionMode(QAbstractItemView.SingleSelection)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.setWordWrap(True)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        for column, width in enumerate((95, 150)):
            table.setColumnWidth(column, scaled(self, width))
        for column in (2, 3):  # the two values share what is left
            header.setSectionResizeMode(column, QHeaderView.Stretch)
        return table

    # -- listing -------------------------------------------------------------------------
    def reload(self) -> None:
        self.loading = True
        database, actor = self.database, self.actor

        def failed(info) -> None:
            self.loading = False
            show_error(self.message, describe_error(info[1], database))

        def read():
            return list_conflicts(database, actor), dict(case_list_choices(database, actor).agents)

        run_in_background(read, self._show, on_error=failed)

    def _show(self, found) -> None:
        conflicts, self.people = found
        self.conflicts = conflicts
        self.table.setRowCount(len(conflicts))
        for row, c in enumerate(conflicts):
            values = (c.case_reference, f"{c.table} · {c.field}",
                      f"{shown_value(c, c.office, self.people)}\n— {who_and_when(c.office_by, c.office_at)}",
                      f"{shown_value(c, c.laptop, self.people)}\n— {who_and_when(c.laptop_by, c.laptop_at)}")
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        count = len(conflicts)
        self.intro.setText(
            f"<b>{count} conflit{'s' if count > 1 else ''} à arbitrer.</b> Le même champ a été modifié "
            "différemment au bureau et sur un portable ; la valeur du bureau est gardée jusqu'à votre choix."
            if count else "")
        self.table.setVisible(bool(count))
        self.empty.setVisible(not count)
        if count:
            self.table.selectRow(0)
        self.loading = False
        self._update_buttons()
        refresh = getattr(self.window, "show_conflict_count", None)
        if refresh is not None:
            refresh(count)

    def selected(self) -> ConflictView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.conflicts[rows[0].row()] if rows and rows[0].row() < len(self.conflicts) else None

    def _update_buttons(self) -> None:
        conflict = self.selected()
        usable = conflict is not None and not self.busy
        self.office_button.setEnabled(usable)
        self.laptop_button.setEnabled(usable)
        self.edit_button.setEnabled(usable and conflict.field_name != WHOLE_RECORD)

    # -- settling ------------------------------------------------------------------------
    def edit_value(self) -> None:
        conflict = self.selected()
        if conflict is None:
            return
        editor = EditValueDialog(conflict, self, self.people)
        if editor.exec():
            self.settle(None, editor.value())

    def settle(self, choice: str | None, value=None) -> None:
        conflict = self.selected()
        if conflict is None:
            return
        database, actor = self.database, self.actor
        self.busy = True
        self.message.setVisible(False)
        self._update_buttons()
        run_in_background(lambda: settle_conflict(database, actor, conflict.id, choice=choice, value=value),
                          lambda changes: self._settled(conflict, choice, changes), on_error=self._refused)

    def _settled(self, conflict: ConflictView, choice: str | None, changes) -> None:
        self.busy = False
        kept = {"bureau": "valeur du bureau gardée", "portable": "valeur du portable prise"}.get(choice, "valeur saisie")
        self.done_label.setText(f"Réglé : {conflict.case_reference} · {conflict.field} ({kept}).")
        self.window.apply_changes(changes)
        self.reload()

    def _refused(self, info) -> None:
        self.busy = False
        error = info[1]
        message = describe_error(error, self.database)
        if isinstance(error, ConflictError):
            message += " La liste a été relue."
        show_error(self.message, message)
        self.reload()


def open_conflicts(window, parent=None) -> ConflictsDialog:
    dialog = window.conflicts_dialog = ConflictsDialog(window, parent)
    dialog.show()
    return dialog
