"""A small form framework: labelled fields, errors shown next to the field, service calls.

Every write goes through a core service; a ValidationError lands under the field
it names (or at the top of the form), a PermissionDenied at the top.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, QSize, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.errors import ConflictError, DomainError, ValidationError
from gui.conflicts import ask_reload
from gui.palette import style

ERROR_STYLE = style("danger")
# Alt+letter of the main window's menus (Fichier, Édition, Affichage, Dossier, Outils, Aide, Sorties,
# Administration): a form caption taking one of them would make that shortcut ambiguous.
RESERVED_MNEMONICS = frozenset("fdasoim")


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(True)


def refuse(label: QLabel, problem) -> bool:
    """Show `problem` — (field, message) or None — under a form and put the focus on its field; True when
    there was one, so that the caller stops before writing anything."""
    label.setVisible(False)
    if problem is None:
        return False
    field, message = problem
    show_error(label, message)
    field.setFocus()
    return True


def spoken_caption(caption: str) -> str:
    """What a screen reader says for a field: the caption without « & », « * » and the final colon."""
    return caption.replace("&&", "\0").replace("&", "").replace("\0", "&").replace("*", "").strip().rstrip(" :").strip()


def with_mnemonic(caption: str, taken: set[str]) -> str:
    """The caption with « & » before its first unaccented letter not yet taken (a-z), `taken` updated.

    A caption that already has its own « & » keeps it; one with no free letter gets none.
    """
    if re.search(r"&[^&]", caption.replace("&&", "")):
        own = re.search(r"&([^&])", caption)
        taken.add(fold_letter(own.group(1)))
        return caption
    for position, char in enumerate(caption):
        letter = char.lower()  # an unaccented letter: Alt+É cannot be typed on every keyboard
        if letter.isascii() and letter.isalpha() and letter not in taken:
            taken.add(letter)
            return caption[:position] + "&" + caption[position:]
    return caption


def fold_letter(char: str) -> str:
    return unicodedata.normalize("NFD", char)[0].lower()


def describe_error(widget: QWidget, message: str) -> None:
    """An error shown under a field is also said by a screen reader when the field gets focus."""
    base = widget.property("base_description") or ""
    if widget.property("base_description") is None:
        widget.setProperty("base_description", widget.accessibleDescription())
        base = widget.accessibleDescription()
    widget.setAccessibleDescription(f"Erreur : {message}" + (f" — {base}" if base else "") if message else base)


class DateEdit(QDateEdit):
    """A date field that Tab leaves, like every other field (← and → move between day, month and year).

    Qt's date field keeps Tab to walk its parts; on an optional date showing « — » it never let go: a
    keyboard trap."""

    def focusNextPrevChild(self, next_: bool) -> bool:  # noqa: N802 - Qt API
        return QWidget.focusNextPrevChild(self, next_)


class DateTimeEdit(QDateTimeEdit):
    """A date and time field that Tab leaves (← and → move between its parts)."""

    def focusNextPrevChild(self, next_: bool) -> bool:  # noqa: N802 - Qt API
        return QWidget.focusNextPrevChild(self, next_)


class Form(QWidget):
    """Fields by name; `value(name)`, `show_error(error)`, `clear_errors()`."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self.mnemonics: set[str] = set(RESERVED_MNEMONICS)
        self.top_error = error_label()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.top_error)
        self.layout_ = QFormLayout()
        outer.addLayout(self.layout_)

    def add(self, name: str, caption: str, widget: QWidget, aliases: tuple[str, ...] = ()) -> QWidget:
        """A row « caption : field »; the caption's buddy is the field itself (Alt+letter goes to it, and
        a screen reader names the field by its caption)."""
        self.fields[name] = widget
        if not widget.accessibleName():
            widget.setAccessibleName(spoken_caption(caption or getattr(widget, "text", lambda: "")()))
        if caption and "*" in caption and not widget.accessibleDescription():
            widget.setAccessibleDescription("obligatoire")
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        error = error_label()
        box.addWidget(error)
        self.errors[name] = error
        for alias in aliases:
            self.errors[alias] = error
        if caption:
            label = QLabel(with_mnemonic(caption, self.mnemonics))
            label.setBuddy(widget)
            # An underlined letter splits the text's kerning pairs (« Ty », « Té »): drawn a few pixels wider
            # than its size hint, and QLabel clips at its contents (a margin does not help), the caption would
            # lose its last letter without this room.
            label.setMinimumWidth(label.sizeHint().width() + label.fontMetrics().averageCharWidth() // 2 + 1)
            self.captions[name] = label
            self.layout_.addRow(label, holder)
            label.show()
        else:
            self.layout_.addRow(holder)
        # In a scroll area (FormDialog), a row added to a form already placed there would be shown only on the
        # next turn of the event loop, and the dialog would size itself without it.
        holder.show()
        return widget

    def add_text(self, name, caption, text="", placeholder="", aliases=()) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setPlaceholderText(placeholder)
        return self.add(name, caption, edit, aliases)

    def add_long_text(self, name, caption, text="", aliases=()) -> QPlainTextEdit:
        edit = QPlainTextEdit(text)
        edit.setTabChangesFocus(True)
        lines = edit.fontMetrics().lineSpacing()
        edit.setMinimumHeight(3 * lines + 12)  # grows with the text size
        edit.setMaximumHeight(7 * lines + 12)
        return self.add(name, caption, edit, aliases)

    def add_choice(self, name, caption, choices, current=None, empty: str | None = None, aliases=()) -> QComboBox:
        combo = QComboBox()
        if empty is not None:
            combo.addItem(empty, None)
        for code, text in (choices.items() if isinstance(choices, dict) else choices):
            combo.addItem(text, code)
        if current is not None:
            combo.setCurrentIndex(max(0, combo.findData(current)))
        return self.add(name, caption, combo, aliases)

    def add_check(self, name, caption, checked=False, aliases=()) -> QCheckBox:
        box = QCheckBox(with_mnemonic(caption, self.mnemonics))
        box.setChecked(bool(checked))
        return self.add(name, "", box, aliases)

    def add_int(self, name, caption, value=0, minimum=0, maximum=99, aliases=()) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(minimum, maximum)
        spin.setValue(value or 0)
        return self.add(name, caption, spin, aliases)

    def add_optional_int(self, name, caption, value=None, maximum=99, aliases=()) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, maximum)
        spin.setSpecialValueText("—")  # 0 shows as "not given"
        spin.setProperty("optional", True)
        spin.setValue(value or 0)
        return self.add(name, caption, spin, aliases)

    def add_amount(self, name, caption, value=None, maximum=100000.0, suffix=" €", aliases=()) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(-1, maximum)
        spin.setDecimals(2)
        spin.setSpecialValueText("—")  # -1 shows as "not given"
        spin.setSuffix(suffix)
        spin.setValue(-1 if value is None else value)
        return self.add(name, caption, spin, aliases)

    def add_date(self, name, caption, value: date | None = None, optional=False, aliases=()) -> QDateEdit:
        edit = DateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        if optional:
            edit.setMinimumDate(QDate(1900, 1, 1))
            edit.setSpecialValueText("—")
        edit.setDate(QDate(value) if value else (QDate(1900, 1, 1) if optional else QDate.currentDate()))
        return self.add(name, caption, edit, aliases)

    def add_datetime(self, name, caption, value: datetime | None = None, aliases=()) -> QDateTimeEdit:
        edit = DateTimeEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy HH:mm")
        edit.setDateTime(QDateTime(value) if value else QDateTime(QDate.currentDate(), QTime(9, 0)))
        return self.add(name, caption, edit, aliases)

    # -- values --------------------------------------------------------------------
    def value(self, name: str):
        widget = self.fields[name]
        if isinstance(widget, QLineEdit):
            return widget.text().strip()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText().strip()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QDateTimeEdit) and not isinstance(widget, QDateEdit):
            return widget.dateTime().toPython()
        if isinstance(widget, QDateEdit):
            value = widget.date().toPython()
            return None if value.year == 1900 else value
        if isinstance(widget, QDoubleSpinBox):
            return None if widget.value() < 0 else widget.value()
        if isinstance(widget, QSpinBox):
            if widget.property("optional") and widget.value() == 0:
                return None
            return widget.value()
        raise TypeError(name)

    def set_value(self, name: str, value) -> None:
        widget = self.fields[name]
        if isinstance(widget, QLineEdit):
            widget.setText(value or "")
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value or "")
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QDateTimeEdit) and not isinstance(widget, QDateEdit):
            widget.setDateTime(QDateTime(value) if value else QDateTime(QDate.currentDate(), QTime(9, 0)))
        elif isinstance(widget, QDateEdit):
            widget.setDate(QDate(value) if value else QDate(1900, 1, 1))
        elif isinstance(widget, QDoubleSpinBox):
            widget.setValue(-1 if value is None else value)
        elif isinstance(widget, QSpinBox):
            widget.setValue(value or 0)

    def watch(self, callback) -> None:
        """Call callback() whenever the user changes any field."""
        for widget in self.fields.values():
            for signal in ("textEdited", "currentIndexChanged", "toggled", "valueChanged", "dateChanged",
                           "dateTimeChanged"):
                if isinstance(widget, QPlainTextEdit):
                    widget.textChanged.connect(callback)
                    break
                if hasattr(widget, signal):
                    getattr(widget, signal).connect(lambda *_a: callback())
                    break

    def values(self) -> dict:
        return {name: self.value(name) for name in self.fields}

    # -- errors ----------------------------------------------------------------------
    def clear_errors(self) -> None:
        for label in [self.top_error, *self.errors.values()]:
            label.clear()
            label.setVisible(False)
        for widget in self.fields.values():
            if widget.property("base_description") is not None:
                describe_error(widget, "")

    def show_error(self, error: DomainError) -> None:
        self.clear_errors()
        self.top_error.setStyleSheet(ERROR_STYLE)
        items = error.errors if isinstance(error, ValidationError) else [error]
        focused = False
        for item in items:
            label = self.errors.get(item.field or "", self.top_error)
            label.setText(item.message)
            label.setVisible(True)
            widget = self.fields.get(item.field or "") or next(
                (self.fields[name] for name, shown in self.errors.items() if shown is label and name in self.fields),
                None)
            if widget is not None:
                describe_error(widget, item.message)
            if widget is not None and not focused:
                widget.setFocus()
                focused = True


def scaled_width(widget: QWidget, pixels: int) -> int:
    from gui.widgets import scaled

    return scaled(widget, pixels)


class FittingScrollArea(QScrollArea):
    """A form that scrolls when the screen is too small for it (zoom at 200 %, text enlarged), and otherwise
    asks for its whole size (a plain QScrollArea asks for at most 24 lines and scrolls at normal sizes too)."""

    def __init__(self, content: QWidget):
        super().__init__()
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)

    def sizeHint(self):  # noqa: N802 - Qt API
        content = self.widget()
        # The content's own sizeHint() is not up to date while the dialog is still being filled: ask its layout.
        wanted = (content.layout().sizeHint() if content.layout() is not None else content.sizeHint()) + QSize(
            self.verticalScrollBar().sizeHint().width() + 2, 2)
        screen = self.screen()
        if screen is None:
            return wanted
        available = screen.availableGeometry()
        return wanted.boundedTo(QSize(int(available.width() * 0.9), int(available.height() * 0.75)))


class FormDialog(QDialog):
    """A dialog around a Form; `submit()` calls the service and closes on success.

    Subclasses implement `perform()` which calls a service and may raise DomainError.
    Échap closes (QDialog default).
    """

    def __init__(self, title: str, parent=None, ok_text: str = "Enregistrer"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = Form()
        self.result_changes = None
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(ok_text)
        self.buttons.button(QDialogButtonBox.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.scroll = FittingScrollArea(self.form)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(min(scaled_width(self, 480), 860))  # 860: fits a 960-pixel-wide zoomed screen

    # The version of the record the form was loaded from, sent with the save (None: the form creates one).
    version: int | None = None

    def perform(self):
        raise NotImplementedError

    def load(self) -> None:
        """Read the record the form edits again (its version, and the fields showing its values)."""

    def submit(self) -> None:
        self.form.clear_errors()
        try:
            self.result_changes = self.perform()
        except ConflictError as error:
            if ask_reload(self, error):
                self.load()
                self.form.top_error.setText("Fiche rechargée : elle montre maintenant l'enregistrement de votre "
                                            "collègue. Vérifiez votre saisie, puis enregistrez de nouveau.")
                self.form.top_error.setStyleSheet(style("info"))  # news, not a fault
                self.form.top_error.setVisible(True)
            else:
                self.form.show_error(error)
            self._fit()
            return
        except DomainError as error:
            self.form.show_error(error)
            self._fit()
            return
        self.accept()

    def _fit(self) -> None:
        """Room for the messages just shown, within the screen (the layouts cache the size they had)."""
        self.scroll.updateGeometry()
        self.resize(self.size().expandedTo(self.sizeHint()))

