"""Synthèse: household, dwelling and case fields (editable, Ctrl+S), legal checks and criticality."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from core.errors import ConflictError, DomainError, ValidationError
from core.queries.case_file import CaseSummary, FormChoices, form_choices
from core.services import cases as case_services
from core import fields as declared
from core.fields import Field
from db.vocab import DPE_CLASSES
from gui.case_file.legal import legal_checks_html
from gui.conflicts import ask_reload
from gui.forms import Form
from gui.palette import style


FIELDS_PER_STEP = 3


def add_field(form: Form, field: Field, choices: FormChoices | None = None, value=None) -> None:
    """The widget a declared field (core.fields) asks for, captioned with its label."""
    caption, kind, key = field.caption, field.kind, field.key
    if kind == "long_text":
        form.add_long_text(key, caption, value or "")
    elif kind == "flag":
        form.add_check(key, caption, bool(value if value is not None else field.default))
    elif kind == "count" and field.required:
        form.add_int(key, caption, value if value is not None else field.default or 0, int(field.low),
                     int(field.high))
    elif kind == "count":
        form.add_optional_int(key, caption, value, int(field.high))
    elif kind == "amount":
        form.add_amount(key, caption, value, field.high, f" {field.unit}")
    elif kind == "date":
        form.add_date(key, caption, value, optional=not field.required)
    elif kind == "choice":
        form.add_choice(key, caption, field.choices, value or field.default, empty=None if field.required else "—")
    elif kind == "dpe_class":
        form.add_choice(key, caption, DPE_CLASSES, value, empty="—")
    elif kind == "code":  # the origin: one of the list is always chosen
        form.add_choice(key, caption, getattr(choices, field.choices_from), value)
    elif kind == "reference":
        empty = "— choisir —" if field.required else "— aucun —"
        form.add_choice(key, caption, getattr(choices, field.choices_from), value, empty=empty)
    else:
        form.add_text(key, caption, value or (field.default or ""), placeholder=field.placeholder)


def build_form(form: Form, fields_: tuple[Field, ...], choices: FormChoices | None = None,
               values: dict | None = None) -> None:
    for field in fields_:
        add_field(form, field, choices, (values or {}).get(field.key))


def build_household_form(form: Form) -> None:
    build_form(form, declared.HOUSEHOLD)


def build_dwelling_form(form: Form, choices: FormChoices, full: bool = True) -> None:
    build_form(form, declared.DWELLING if full else tuple(f for f in declared.DWELLING if f.in_new_case), choices)


class SummaryTab(QWidget):
    PART = "summary"

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.database = page.database
        self._loading = False
        self._dirty = False
        self._loaded: dict[str, dict] = {}
        self._versions: dict[str, int] = {}
        choices = page.window.form_choices  # read in the pool at start-up, when it is there
        if choices is None:
            choices = page.window.form_choices = form_choices(self.database, page.actor)
        self.household_form = Form()
        self.dwelling_form = Form()
        self.case_form = Form()
        # The fields are added a few at a time (build_steps, one per turn of the event loop when the page is
        # built ahead): the 37 fields in one go held the window ~100 ms, 400 ms on a busy machine.
        parts = ((self.household_form, declared.HOUSEHOLD), (self.case_form, declared.CASE),
                 (self.dwelling_form, declared.DWELLING))
        chunks = [(form, fields_[i:i + FIELDS_PER_STEP], choices) for form, fields_ in parts
                  for i in range(0, len(fields_), FIELDS_PER_STEP)]
        self.build_steps = [lambda chunk=chunk: build_form(*chunk) for chunk in chunks]
        self.build_steps.append(self._watch_forms)
        self.legal = QLabel()
        self.legal.setWordWrap(True)
        self.legal.setTextFormat(Qt.RichText)
        self.score = QLabel()
        self.score.setWordWrap(True)
        self.state = QLabel()
        self.state.setStyleSheet(style("warning"))
        columns = QHBoxLayout()
        left = QVBoxLayout()
        for title, form, target in (("Ménage", self.household_form, left), ("Dossier", self.case_form, left),
                                    ("Logement", self.dwelling_form, columns)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(form)
            target.addWidget(box, 0 if target is left else 1)
        left.addStretch(1)
        columns.insertLayout(0, left, 1)
        checks_box = QGroupBox("Vérifications réglementaires et criticité")
        checks_layout = QVBoxLayout(checks_box)
        checks_layout.addWidget(self.score)
        checks_layout.addWidget(self.legal)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.state)
        inner_layout.addWidget(checks_box)
        inner_layout.addLayout(columns)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(inner)
        QVBoxLayout(self).addWidget(self.scroll)

    def _watch_forms(self) -> None:
        for form in self.forms().values():
            form.watch(self._changed)

    def forms(self) -> dict[str, Form]:
        return {"household": self.household_form, "dwelling": self.dwelling_form, "case": self.case_form}

    def show_data(self, summary: CaseSummary) -> None:
        self._loading = True
        try:
            for key, values in (("household", summary.household), ("dwelling", summary.dwelling),
                                ("case", summary.case)):
                form = self.forms()[key]
                for name, value in values.items():
                    form.set_value(name, value)
                form.clear_errors()
                self._loaded[key] = form.values()
                self._versions[key] = summary.versions[key]
        finally:
            self._loading = False
        self._set_dirty(False)
        self.score.setText(summary.criticality_explanation)
        self.legal.setText(legal_checks_html(summary))

    def forget(self) -> None:
        """Another case is opened in this page: no error or warning of the previous one stays."""
        for form in self.forms().values():
            form.clear_errors()
        self._set_dirty(False)
        self.scroll.verticalScrollBar().setValue(0)

    def _changed(self) -> None:
        if not self._loading:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self.state.setText("Modifications non enregistrées (Ctrl+S pour enregistrer)." if dirty else "")
        self.state.setVisible(dirty)

    def is_dirty(self) -> bool:
        return self._dirty

    def changed_values(self, key: str) -> dict:
        values = self.forms()[key].values()
        return {k: v for k, v in values.items() if self._loaded.get(key, {}).get(k) != v}

    def save(self) -> bool:
        """The whole form in one service call (one transaction): errors land next to their field, a save from
        an older version says who saved meanwhile and keeps what was typed."""
        parts = {key: self.changed_values(key) for key in self.forms()}
        case_values = parts["case"]
        assign = "agent_id" in case_values
        agent = case_values.pop("agent_id", None)
        if not any(parts.values()) and not assign:
            self._set_dirty(False)
            return True
        for form in self.forms().values():
            form.clear_errors()
        try:
            changes = case_services.save_summary(
                self.database, self.page.actor, self.page.case_id, household=parts["household"] or None,
                dwelling=parts["dwelling"] or None, case=case_values or None,
                versions={key: self._versions[key] for key, values in parts.items() if values},
                assign=assign, agent_id=agent)
        except ConflictError as error:
            self._offer_reload(error)
            return False
        except DomainError as error:
            self._show_errors(error)
            return False
        self._set_dirty(False)
        self.page.changed(changes)
        return True

    def _show_errors(self, error: DomainError) -> None:
        items = error.errors if isinstance(error, ValidationError) else [error]
        for key, form in self.forms().items():
            mine = [item for item in items if item.field in form.errors]
            if key == "case":  # what no form names (a permission, a rule) shows at the top of the case part
                mine += [item for item in items if not any(item.field in f.errors for f in self.forms().values())]
            if mine:
                form.show_error(ValidationError(mine[0].message, mine[0].field, errors=mine))
        self.page.tabs.setCurrentWidget(self)

    def _offer_reload(self, error: ConflictError) -> None:
        if ask_reload(self, error, "Dossier modifié entre-temps"):
            self._set_dirty(False)
            self.page.reload()
        else:
            self.forms()["case"].top_error.setText(error.message)
            self.forms()["case"].top_error.setVisible(True)

    def discard(self) -> None:
        self._set_dirty(False)

