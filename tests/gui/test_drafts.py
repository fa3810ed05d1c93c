"""A long form's text is autosaved as a draft and comes back after a crash."""
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from core.drafts import load_draft
from gui.drafts import DraftKeeper
from tests.gui.typing import type_text

ROOT = Path(__file__).resolve().parents[2]


def test_typing_is_autosaved_then_restored_in_a_new_form(qtbot, db):
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    keeper = DraftKeeper(db, editor, "visite:7:conclusion", delay_ms=50)
    assert keeper.restore() is False  # nothing to restore yet
    with qtbot.waitSignal(keeper.saved, timeout=3000):
        type_text(qtbot, editor, "Humidité élevée, fenêtre cassée")
    assert load_draft(db, "visite:7:conclusion").content == "Humidité élevée, fenêtre cassée"

    # The form is gone without being saved (crash): a new form gets the text back.
    again = QTextEdit()
    qtbot.addWidget(again)
    keeper2 = DraftKeeper(db, again, "visite:7:conclusion")
    assert keeper2.restore() is True
    assert again.toPlainText() == "Humidité élevée, fenêtre cassée"

    keeper2.discard()  # the form was saved: no draft any more
    assert load_draft(db, "visite:7:conclusion") is None


def test_draft_survives_a_killed_process(db_path, db, tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        sys.path.insert(0, {str(ROOT)!r})
        from PySide6.QtWidgets import QApplication, QPlainTextEdit
        from db.engine import Database
        from gui.drafts import DraftKeeper
        app = QApplication([])
        editor = QPlainTextEdit()
        keeper = DraftKeeper(Database({str(db_path)!r}), editor, "journal:dossier:3", delay_ms=20)
        keeper.saved.connect(lambda: print("saved", flush=True))
        editor.setPlainText("Note de journal tapée avant la panne")
        app.exec()
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "saved"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert load_draft(db, "journal:dossier:3").content == "Note de journal tapée avant la panne"


def test_a_failing_draft_write_is_reported_not_raised(qtbot, db, monkeypatch):
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    keeper = DraftKeeper(db, editor, "visite:8:conclusion", delay_ms=10)

    def disk_full(*_args, **_kwargs):
        import sqlite3

        from sqlalchemy.exc import OperationalError

        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr("gui.drafts.save_draft", disk_full)
    with qtbot.waitSignal(keeper.failed, timeout=3000) as blocker:
        editor.setPlainText("texte")
    assert "disque est plein" in blocker.args[0]
    assert editor.toPlainText() == "texte"
