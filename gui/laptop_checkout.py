"""Fichier › Emporter des dossiers…: choose the cases, the laptop file and its passphrase, then write the
laptop base in the background (core.laptop.checkout) and say what was written."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.laptop import CheckoutResult, Selection, checkout
from core.queries.case_list import case_list_choices
from db.errors import describe_error
from gui.forms import error_label, refuse, show_error
from gui.widgets import StaysOpenWhileRunning, resize_within_screen, scaled
from gui.workers import run_in_background

PASSPHRASE_MIN_LENGTH = 12  # the rule of db.crypto, said before anything is written


def default_laptop_path(folder: Path | None = None, today: date | None = None) -> Path:
    """portable-2026-11-29.sqlite3 in the home folder, or -2, -3… when that name is taken."""
    folder = folder or Path.home()
    stem = f"portable-{(today or date.today()).isoformat()}"
    candidate, number = folder / f"{stem}.sqlite3", 2
    while candidate.exists():
        candidate, number = folder / f"{stem}-{number}.sqlite3", number + 1
    return candidate


class PassphraseFields(QWidget):
    """A passphrase typed twice (hidden), with the rule said beside it; `confirm=False` asks it once."""

    def __init__(self, confirm: bool = True, optional_hint: str = "", parent=None):
        super().__init__(parent)
        self.phrase_edit = QLineEdit(echoMode=QLineEdit.Password)
        self.phrase_edit.setAccessibleName("Phrase de passe")
        self.confirm_edit = QLineEdit(echoMode=QLineEdit.Password)
        self.confirm_edit.setAccessibleName("Confirmation de la phrase de passe")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("&Phrase de passe :")
        caption.setBuddy(self.phrase_edit)
        grid.addWidget(caption, 0, 0)
        grid.addWidget(self.phrase_edit, 0, 1)
        self.confirm_caption = QLabel("&Confirmation :")
        self.confirm_caption.setBuddy(self.confirm_edit)
        grid.addWidget(self.confirm_caption, 1, 0)
        grid.addWidget(self.confirm_edit, 1, 1)
        self.confirm_caption.setVisible(confirm)
        self.confirm_edit.setVisible(confirm)
        self.confirm = confirm
        hint = QLabel(optional_hint or f"Au moins {PASSPHRASE_MIN_LENGTH} caractères. Phrase perdue = données "
                      "perdues : personne ne pourra ouvrir la base sans elle.")
        hint.setWordWrap(True)
        grid.addWidget(hint, 2, 1)

    def text(self) -> str:
        return self.phrase_edit.text()

    def problem(self) -> tuple[QLineEdit, str] | None:
        """(field, French message) for a passphrase too short or confirmed differently, else None."""
        if len(self.phrase_edit.text()) < PASSPHRASE_MIN_LENGTH:
            return self.phrase_edit, (f"Phrase de passe : trop courte, il faut au moins {PASSPHRASE_MIN_LENGTH} "
                                      "caractères.")
        if self.confirm and self.confirm_edit.text() != self.phrase_edit.text():
            return self.confirm_edit, "Confirmation de la phrase de passe : les deux saisies diffèrent."
        return None

    def setEnabled(self, enabled: bool) -> None:  # noqa: N802 - Qt API
        super().setEnabled(enabled)
        if not enabled:
            self.phrase_edit.clear()
            self.confirm_edit.clear()


def split_references(text: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,;]+", text.strip()) if part)


def describe_result(result: CheckoutResult) -> str:
    cases = f"{result.case_count} dossier{'s' if result.case_count > 1 else ''}"
    files = f"{result.attachment_count} pièce{'s' if result.attachment_count > 1 else ''} jointe" + (
        "s" if result.attachment_count > 1 else "")
    protection = ("chiffrée : la phrase de passe sera demandée à l'ouverture" if result.encrypted
                  else "NON chiffrée : gardez le portable sous clé")
    accounts = ", ".join(result.account_logins) or "aucun"
    return (f"Base du portable écrite : {result.path}\n\n{cases} et {files} emportés ; base {protection}.\n"
            f"Comptes utilisables sur le portable : {accounts}.\n\n"
            "Les dossiers restent modifiables au bureau. Au retour, Fichier › Rapporter… ramène le travail fait "
            "sur le portable ; ce qui aura été modifié des deux côtés sera à arbitrer.")


class CheckoutDialog(StaysOpenWhileRunning, QDialog):
    """`result` holds the CheckoutResult once the laptop base is written."""

    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self.window = window
        self.database, self.actor = window.database, window.actor
        self.result: CheckoutResult | None = None
        self.loading = True
        self.setWindowTitle("Emporter des dossiers sur un portable")
        resize_within_screen(self, scaled(self, 620), scaled(self, 540))
        intro = QLabel("Les dossiers choisis sont copiés entiers (ménage, logement, visites, saisines, relogement, "
                       "journal, pièces jointes, échéances) dans une base à emporter. Ils restent modifiables "
                       "ici ; au retour, Fichier › Rapporter… fusionne le travail fait sur le portable.")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(scaled(self, 6))
        layout.addWidget(self._selection_box())
        layout.addSpacing(scaled(self, 6))
        layout.addLayout(self._file_row())
        self.encrypt_check = QCheckBox("C&hiffrer la base du portable (recommandé)", checked=True)
        self.encrypt_check.toggled.connect(lambda on: self.passphrase.setEnabled(on))
        layout.addWidget(self.encrypt_check)
        self.passphrase = PassphraseFields()
        layout.addWidget(self.passphrase)
        self.error_label = error_label()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.outcome.setVisible(False)
        layout.addWidget(self.error_label)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Cancel).setText("Annuler")
        self.go_button = self.buttons.addButton("&Emporter", QDialogButtonBox.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._load_sectors()

    def _selection_box(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("<b>Dossiers à emporter</b>"), 0, 0, 1, 2)
        self.mine_radio = QRadioButton("Mes dossiers en cours (ceux dont je suis l'agent)")
        self.sector_radio = QRadioButton("Les dossiers en cours d'un sec&teur :")
        self.references_radio = QRadioButton("Des &références :")
        self.sector_combo = QComboBox()
        self.sector_combo.setAccessibleName("Secteur")
        self.references_edit = QLineEdit()
        self.references_edit.setAccessibleName("Références")
        self.references_edit.setPlaceholderText("2026-00012, 2026-00040…")
        self.group = QButtonGroup(self)
        for row, (radio, field) in enumerate(((self.mine_radio, None), (self.sector_radio, self.sector_combo),
                                              (self.references_radio, self.references_edit)), start=1):
            self.group.addButton(radio)
            grid.addWidget(radio, row, 0)
            if field is not None:
                grid.addWidget(field, row, 1)
                field.setEnabled(False)
                radio.toggled.connect(field.setEnabled)
        grid.setColumnStretch(1, 1)
        if self.actor.user_id is None:
            self.mine_radio.setEnabled(False)
            self.references_radio.setChecked(True)
        else:
            self.mine_radio.setChecked(True)
        return box

    def _file_row(self) -> QHBoxLayout:
        self.file_edit = QLineEdit(str(default_laptop_path()))
        self.file_edit.setAccessibleName("Fichier de la base du portable")
        caption = QLabel("Fichier du porta&ble :")
        caption.setBuddy(self.file_edit)
        browse = QPushButton("Choisir…", clicked=self.choose_file)
        browse.setAccessibleName("Choisir le fichier de la base du portable")
        row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        return row

    def _load_sectors(self) -> None:
        database, actor = self.database, self.actor

        def show(choices) -> None:
            for _place_id, name in choices.neighbourhoods:  # « Fives (Lille) »: the sector is « Fives »
                self.sector_combo.addItem(name, name.rsplit(" (", 1)[0])
            self.loading = False

        def failed(info) -> None:
            self.loading = False
            show_error(self.error_label, describe_error(info[1], database))

        run_in_background(lambda: case_list_choices(database, actor), show, on_error=failed)

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Base du portable", self.file_edit.text(),
                                                "Base Médiation Habitat (*.sqlite3)")
        if chosen:
            self.file_edit.setText(chosen if chosen.endswith(".sqlite3") else f"{chosen}.sqlite3")

    # -- checking and writing ----------------------------------------------------------
    def selection(self) -> Selection:
        if self.mine_radio.isChecked():
            return Selection(mine=True)
        if self.sector_radio.isChecked():
            return Selection(sector=self.sector_combo.currentData() or "")
        return Selection(references=split_references(self.references_edit.text()))

    def problem(self) -> tuple[QWidget, str] | None:
        """The first thing to correct before writing anything: (field, French message naming it)."""
        if self.sector_radio.isChecked() and not self.sector_combo.currentData():
            return self.sector_combo, "Secteur : choisissez le secteur dont les dossiers partent."
        if self.references_radio.isChecked() and not split_references(self.references_edit.text()):
            return self.references_edit, "Références : saisissez au moins une référence de dossier."
        if not self.file_edit.text().strip():
            return self.file_edit, "Fichier du portable : indiquez où écrire la base à emporter."
        if self.encrypt_check.isChecked():
            return self.passphrase.problem()
        return None

    def start(self) -> None:
        if refuse(self.error_label, self.problem()):
            return
        target = Path(self.file_edit.text().strip()).expanduser()
        database, actor, selection = self.database, self.actor, self.selection()
        encrypt = self.encrypt_check.isChecked()
        passphrase = self.passphrase.text() if encrypt else None
        self.go_button.setEnabled(False)
        self.set_running(True)
        self.outcome.setText("Écriture de la base du portable en cours…")
        self.outcome.setVisible(True)
        run_in_background(lambda: checkout(database, actor, target, selection, passphrase, encrypt),
                          self._written, on_error=self._failed)

    def _written(self, result: CheckoutResult) -> None:
        self.set_running(False)
        self.result = result
        self.outcome.setText(describe_result(result))
        self.go_button.setVisible(False)
        self.buttons.button(QDialogButtonBox.Cancel).setText("Fermer")
        self.window.cases_changed()  # the case list shows who took them

    def _failed(self, info) -> None:
        error = info[1]
        self.set_running(False)
        self.go_button.setEnabled(True)
        self.outcome.setVisible(False)
        show_error(self.error_label, describe_error(error, self.database))
        field = {"sortie": self.file_edit, "phrase": self.passphrase.phrase_edit,
                 "references": self.references_edit, "secteur": self.sector_combo}.get(getattr(error, "field", None))
        if field is not None:
            field.setFocus()


def open_checkout_dialog(window) -> CheckoutDialog:
    dialog = window.laptop_dialog = CheckoutDialog(window)  # kept: a shown dialog needs an owner
    dialog.show()
    return dialog
