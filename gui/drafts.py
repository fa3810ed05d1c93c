"""Autosave the text of a long form (QTextEdit / QPlainTextEdit) as a draft, and restore it.

Usage in a form (visit conclusion, journal note…)::

    from gui.drafts import DraftKeeper

    self.conclusion = QPlainTextEdit()
    self.draft = DraftKeeper(database, self.conclusion, f"visite:{visit_id}:conclusion",
                             user_id=actor.user_id, parent=self)
    self.draft.restore()        # puts back the text left by a crash, if any; returns True then

    def save(self):
        ...                      # the service call that really saves the form
        self.draft.discard()     # saved: the draft is no longer needed

    def reject(self):            # user cancels on purpose
        self.draft.discard()
        super().reject()

The draft is written about one second after the user stops typing, when the editor
loses focus and when the application quits; so a crash loses at most the last second.
A failure to write the draft (full disk…) never interrupts typing: it is reported
by the `failed` signal with a French message.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit

from core.drafts import discard_draft, load_draft, save_draft

log = logging.getLogger(__name__)
AUTOSAVE_DELAY_MS = 1000


NOT_READ = object()  # a draft not read yet (None means: read, there is none)


def journal_draft_key(case_id: int) -> str:
    return f"journal:dossier:{case_id}"


class DraftKeeper(QObject):
    saved = Signal()
    restored = Signal(str)
    failed = Signal(str)

    def __init__(self, database, editor: QTextEdit | QPlainTextEdit, form_key: str,
                 user_id: int | None = None, parent: QObject | None = None, delay_ms: int = AUTOSAVE_DELAY_MS):
        super().__init__(parent if parent is not None else editor)
        self.database = database
        self.editor = editor
        self.form_key = form_key
        self.user_id = user_id
        self._saved_text = ""
        self._timer = QTimer(self, singleShot=True, interval=delay_ms, timeout=self.save_now)
        editor.textChanged.connect(self._timer.start)
        editor.destroyed.connect(self._timer.stop)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.save_now)
        editor.installEventFilter(self)

    def text(self) -> str:
        return self.editor.toPlainText()

    def restore(self, draft=NOT_READ) -> bool:
        """Put the saved draft back in the editor, if there is one and it differs (`draft`: already read
        off the GUI thread, None when there is none)."""
        if draft is NOT_READ:
            draft = load_draft(self.database, self.form_key, self.user_id)
        if draft is None or draft.content == self.text():
            return False
        self.editor.setPlainText(draft.content)
        self._timer.stop()  # setPlainText started it: nothing new to save
        self._saved_text = draft.content
        self.restored.emit(draft.content)
        return True

    def switch_to(self, form_key: str | None) -> None:
        """The editor now serves another record (a reused page): what it holds is kept as the previous record's
        draft, then the editor is emptied for the new one (restore() puts back the new record's draft).
        None: no record yet (the editor must not be typed into until a key is given)."""
        self.save_now()
        self.form_key = form_key
        self.editor.blockSignals(True)  # emptied, not typed: nothing to save
        self.editor.clear()
        self.editor.blockSignals(False)
        self._saved_text = ""

    def has_draft(self) -> bool:
        return load_draft(self.database, self.form_key, self.user_id) is not None

    def save_now(self) -> None:
        self._timer.stop()
        try:
            text = self.text()
        except RuntimeError:  # the editor was deleted by Qt
            return
        if text == self._saved_text or self.form_key is None:
            return
        try:
            save_draft(self.database, self.form_key, text, self.user_id)
        except Exception as error:  # noqa: BLE001 - typing must never be interrupted
            from db.errors import describe_error

            message = describe_error(error, self.database)
            log.warning("draft %s not saved: %s", self.form_key, error)
            self.failed.emit(f"Brouillon non enregistré : {message}")
            return
        self._saved_text = text
        self.saved.emit()

    def discard(self) -> None:
        """The form was saved or abandoned on purpose: forget the draft."""
        self._timer.stop()
        discard_draft(self.database, self.form_key, self.user_id)
        # The editor may stay open for the next note: what it shows now is not a draft.
        self._saved_text = self.text()

    def eventFilter(self, watched, event):  # noqa: N802 - Qt API
        from PySide6.QtCore import QEvent

        if watched is self.editor and event.type() == QEvent.FocusOut and self._timer.isActive():
            self.save_now()
        return False
