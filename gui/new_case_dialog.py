"""A new case from a phone call, a drop-in session or a walk: the minimum first, duplicates checked.

Before creating, cases with the same address or the same household name (accents
and case ignored) are listed; the agent opens one of them or creates anyway.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from core.duplicates import DuplicateCandidate
from core.errors import DomainError
from core.queries.case_file import form_choices
from core.queries.case_list import duplicate_candidates
from core.services.cases import create_case
from core import fields as declared
from gui.case_file.summary_tab import add_field, build_dwelling_form, build_form
from gui.forms import FittingScrollArea, Form, error_label
from gui.widgets import resize_within_screen, scaled


class ReflowingColumns(FittingScrollArea):
    """Columns side by side when the dialog is wide enough, one under the other otherwise (zoom at 200 %,
    large text, small screens); scrolls when even that does not fit."""

    def __init__(self, columns: list[QWidget]):
        content = QWidget()
        self.box = QBoxLayout(QBoxLayout.LeftToRight, content)
        self.box.setContentsMargins(0, 0, 0, 0)
        for column in columns:
            self.box.addWidget(column, 1)
        self.columns = columns
        super().__init__(content)

    def side_by_side_width(self) -> int:
        spacing = self.box.spacing() * (len(self.columns) - 1)
        return sum(column.minimumSizeHint().width() for column in self.columns) + spacing

    def resizeEvent(self, event):  # noqa: N802 - Qt API
        wide = event.size().width() - self.verticalScrollBar().sizeHint().width() >= self.side_by_side_width()
        direction = QBoxLayout.LeftToRight if wide else QBoxLayout.TopToBottom
        if self.box.direction() != direction:
            self.box.setDirection(direction)
        super().resizeEvent(event)


class NewCaseDialog(QDialog):
    def __init__(self, database, actor, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Nouveau dossier")
        self.database, self.actor = database, actor
        self.created_case_id: int | None = None
        self._checked_duplicates = False
        choices = form_choices(database, actor)
        self.household = Form()
        build_form(self.household, tuple(f for f in declared.HOUSEHOLD if f.in_new_case))
        self.dwelling = Form()
        build_dwelling_form(self.dwelling, choices, full=False)
        self.case = Form()
        defaults = {"opened_on": date.today(), "agent_id": actor.user_id}
        for field in (f for f in declared.CASE if f.in_new_case):
            add_field(self.case, field, choices, defaults.get(field.key))
            if field.key == "source":  # the kind of case is asked right after where it comes from
                self.case.add_choice("kinds", "Type de dossier", choices.kinds, empty="— à préciser —")
        self.duplicates = QListWidget()
        self.duplicates.itemActivated.connect(self._open_duplicate)
        self.duplicates_box = QGroupBox("Dossiers qui pourraient être les mêmes")
        box_layout = QVBoxLayout(self.duplicates_box)
        box_layout.addWidget(QLabel("Vérifiez avant de créer : Entrée sur une ligne ouvre ce dossier ; "
                                    "« Créer quand même » crée le nouveau dossier."))
        box_layout.addWidget(self.duplicates)
        self.duplicates_box.setVisible(False)
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.Ok)
        self.ok.setText("Créer le dossier")
        self.buttons.button(QDialogButtonBox.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        columns = ReflowingColumns([self._group(title, form) for title, form in (
            ("Ménage", self.household), ("Logement", self.dwelling), ("Dossier", self.case))])
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(columns, 1)
        layout.addWidget(self.duplicates_box)
        layout.addWidget(self.buttons)
        for form in (self.household, self.dwelling):
            form.watch(self._inputs_changed)
        self.household.fields["last_name"].setFocus()
        resize_within_screen(self, max(self.sizeHint().width(), scaled(self, 1000)), scaled(self, 560))

    @staticmethod
    def _group(title: str, form: Form) -> QGroupBox:
        group = QGroupBox(title)
        box = QVBoxLayout(group)
        box.addWidget(form)
        box.addStretch(1)  # fields at the top of a column longer than its neighbours, not spread out
        return group

    def _inputs_changed(self) -> None:
        self._checked_duplicates = False
        self.ok.setText("Créer le dossier")

    def _open_duplicate(self, item) -> None:
        from PySide6.QtCore import Qt

        self.opened_duplicate = item.data(Qt.UserRole)
        self.created_case_id = self.opened_duplicate
        self.accept()

    def check_duplicates(self) -> tuple[DuplicateCandidate, ...]:
        """Cases that may be this one (same address or household name, core.duplicates), within the scope."""
        h, d = self.household.values(), self.dwelling.values()
        return duplicate_candidates(self.database, self.actor, h["last_name"], h["first_name"], d["street_number"],
                                    d["street"], d["postcode"])

    def submit(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QListWidgetItem

        if not self._checked_duplicates:
            duplicates = self.check_duplicates()
            self._checked_duplicates = True
            if duplicates:
                self.duplicates.clear()
                for candidate in duplicates:
                    item = QListWidgetItem(f"{candidate.reference} — {candidate.household} ({candidate.why})")
                    item.setData(Qt.UserRole, candidate.case_id)
                    self.duplicates.addItem(item)
                self.duplicates_box.setVisible(True)
                self.ok.setText("Créer quand même")
                self.duplicates.setFocus()
                self.duplicates.setCurrentRow(0)
                return
        self.create()

    def create(self) -> None:
        household = {k: v for k, v in self.household.values().items()}
        dwelling = {k: v for k, v in self.dwelling.values().items() if v not in (None, "")}
        case = self.case.values()
        kinds = [case.pop("kinds")] if case.get("kinds") else []
        for form in (self.household, self.dwelling, self.case):
            form.clear_errors()
        self.error.setVisible(False)
        try:
            changes = create_case(self.database, self.actor, household=household, dwelling=dwelling,
                                  source=case["source"], kinds=kinds, agent_id=case["agent_id"],
                                  priority=case["priority"], opened_on=case["opened_on"], summary=case["summary"])
        except DomainError as error:
            self._show_error(error)
            return
        self.created_case_id = changes.result
        self.accept()

    def _show_error(self, error: DomainError) -> None:
        errors = getattr(error, "errors", [error])
        shown = False
        for form in (self.household, self.dwelling, self.case):
            mine = [e for e in errors if e.field in form.errors]
            if mine:
                from core.errors import ValidationError

                form.show_error(ValidationError(mine[0].message, mine[0].field, errors=mine))
                shown = True
        if not shown:
            self.error.setText(error.message)
            self.error.setVisible(True)
