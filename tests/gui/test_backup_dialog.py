"""The Sauvegardes dialog, automatic backups at quit, and the start-up recovery of a damaged base."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select, text

from core.actor import Actor
from core.backups import backup_folder, backup_now
from db import models as m
from db.backup import list_backups
from gui.backup_dialog import AutoBackupController, BackupDialog
from gui.startup import RecoveryDialog, open_for_window
from tests.damage import damage_table

MANAGER = Actor(user_id=None, login="resp", role="manager", full_name="Responsable")
AGENT = Actor(user_id=None, login="agent", role="agent", full_name="Agent")


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch):
    shown = []
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda *args, _n=name, **kw: shown.append((_n, args[2])))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    return shown


def case_count(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(m.Case))


def test_dialog_makes_lists_and_restores_a_backup(qtbot, demo_db, tmp_path):
    dialog = BackupDialog(demo_db, MANAGER)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0 and "Aucune sauvegarde" in dialog.status.text()
    qtbot.mouseClick(dialog.backup_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=15000)
    assert "Sauvegarde vérifiée" in dialog.status.text()
    assert dialog.table.item(0, 3).text() == "vérifiée à la création"

    with demo_db.write() as session:  # work done after the backup…
        session.execute(text("DELETE FROM journal_entries"))
        session.execute(text("DELETE FROM tasks"))
    dialog.table.selectRow(0)
    with qtbot.waitSignal(dialog.restored, timeout=15000) as blocker:
        dialog.restore_selected()  # confirmation answered « Oui » by the fixture
    aside = blocker.args[0]
    assert aside is not None and Path(aside).exists()
    with demo_db.session() as session:  # …is undone, and the base is usable at once
        assert session.scalar(text("SELECT count(*) FROM journal_entries")) > 0
    assert case_count(demo_db) == 200


def test_an_agent_sees_backups_but_cannot_make_or_restore(qtbot, demo_db):
    backup_now(demo_db)
    dialog = BackupDialog(demo_db, AGENT)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert not dialog.backup_button.isEnabled() and not dialog.restore_button.isEnabled()
    assert dialog.verify_button.isEnabled()


def test_verify_reports_a_damaged_backup(qtbot, demo_db):
    path, _ = backup_now(demo_db)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    dialog = BackupDialog(demo_db, MANAGER)
    qtbot.addWidget(dialog)
    dialog.verify_selected()
    qtbot.waitUntil(lambda: "endommagée" in dialog.status.text(), timeout=15000)


def test_changes_are_backed_up_when_the_application_quits(qtbot, db):
    controller = AutoBackupController(db)
    with db.write() as session:
        session.add(m.Setting(key="essai", value="1"))
    assert controller.auto.due()  # changed, and never backed up
    controller.on_close()
    assert [b.kind for b in list_backups(backup_folder(db))] == ["auto"]


def test_a_damaged_base_is_not_opened_and_the_latest_good_backup_is_offered(qtbot, demo_db, db_path, monkeypatch):
    good, _ = backup_now(demo_db)
    good_made = list_backups(good.parent)[0].made_at
    demo_db.dispose()
    damage_table(db_path, "households")
    offered = {}

    def accept_offer(dialog):
        offered["text"] = dialog.message.text()
        dialog.restore_latest()
        return 1

    monkeypatch.setattr(RecoveryDialog, "exec", accept_offer)
    from db.open import open_database

    opened = []

    def open_db():
        opened.append(open_database(db_path))
        return opened[-1]

    database, lock = open_for_window(open_db, str(db_path))
    try:
        assert "ne passe pas sa vérification" in offered["text"]
        assert f"{good_made:%d/%m/%Y à %H:%M}" in offered["text"]
        assert case_count(database) == 200
        assert list(db_path.parent.glob("test-remplacee-*.sqlite3"))  # the damaged base is kept aside
    finally:
        database.dispose()
        lock.release()


def test_refusing_the_offer_leaves_the_base_closed(qtbot, demo_db, db_path, monkeypatch):
    backup_now(demo_db)
    demo_db.dispose()
    damage_table(db_path, "households")
    monkeypatch.setattr(RecoveryDialog, "exec", lambda dialog: dialog.reject())
    calls = []
    database, lock = open_for_window(lambda: calls.append(1), str(db_path))
    assert database is None and lock is None and calls == []  # never opened, never written


def test_a_second_window_on_the_same_base_is_refused(qtbot, db, db_path, no_modal_boxes):
    first, lock = open_for_window(lambda: db, str(db_path))
    try:
        second, none = open_for_window(lambda: db, str(db_path))
        assert second is None and none is None
        assert "déjà ouverte" in no_modal_boxes[-1][1]
    finally:
        lock.release()


def test_clean_close_skips_the_blocking_check_and_checks_in_background(qtbot, tmp_path, monkeypatch):
    """After a clean close the window opens at once; the check still runs, off the GUI thread."""
    import gui.startup as startup
    from db.open import open_database

    path = tmp_path / "propre.sqlite3"
    open_database(path).dispose()
    calls = []
    real_check = startup.check_file
    monkeypatch.setattr(startup, "check_file", lambda *a, **k: calls.append(a[0]) or real_check(*a, **k))
    monkeypatch.setattr(startup, "BACKGROUND_CHECK_DELAY_MS", 10)
    for expected_blocking in (True, False):  # first use: checked before opening; after a clean close: not
        calls.clear()
        database, lock = startup.open_for_window(lambda: open_database(path), path, interactive=False)
        blocking = list(calls)
        assert bool(blocking) is expected_blocking
        if not expected_blocking:
            qtbot.waitUntil(lambda: len(calls) == 1, timeout=5000)  # the background check
        database.dispose()
        lock.release()


def test_annuler_during_a_backup_leaves_no_file(qtbot, demo_db, monkeypatch):
    from db import backup as db_backup

    monkeypatch.setattr(db_backup, "STEP_PAGES", 1)  # the demo base copies in one step otherwise
    dialog = BackupDialog(demo_db, MANAGER)
    qtbot.addWidget(dialog)
    folder = backup_folder(demo_db)
    before = sorted(folder.iterdir()) if folder.exists() else []
    dialog.backup_now()
    qtbot.mouseClick(dialog.running.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30000)
    assert dialog.status.text() == "Sauvegarde annulée : aucun fichier n'a été écrit."
    assert (sorted(folder.iterdir()) if folder.exists() else []) == before and dialog.table.rowCount() == 0


def test_annuler_during_a_restore_leaves_the_base_as_it_was(qtbot, demo_db, monkeypatch):
    from PySide6.QtCore import QTimer

    from db import backup as db_backup
    from gui.progress_dialog import ProgressDialog

    path, _ = backup_now(demo_db)
    with demo_db.write() as session:  # work done after the backup, that a restore would undo
        session.execute(text("DELETE FROM journal_entries"))
    monkeypatch.setattr(db_backup, "STEP_PAGES", 1)
    dialog = BackupDialog(demo_db, MANAGER)
    qtbot.addWidget(dialog)
    emitted = []
    dialog.restored.connect(emitted.append)

    def click_annuler():
        shown = dialog.findChild(ProgressDialog)
        if shown is None:
            QTimer.singleShot(10, click_annuler)
            return
        qtbot.mouseClick(shown.cancel_button, Qt.LeftButton)
    QTimer.singleShot(0, click_annuler)
    assert dialog.restore(path) is None
    assert dialog.status.text() == "Restauration annulée : la base actuelle n'a pas été touchée."
    with demo_db.session() as session:
        assert session.scalar(text("SELECT count(*) FROM journal_entries")) == 0 and not emitted
    leftovers = [p.name for p in Path(demo_db.path).parent.iterdir() if "restauration" in p.name or "remplacee" in p.name]
    assert leftovers == []
