"""Issue 12: backups never go backwards silently, failures are seen, and everything is in the log file."""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import pytest

from core.backups import far_fewer, make_checked_backup, rotate
from core.formatting import fr_number
from db.backup import copy_database, list_backups, new_backup_path, verify_backup
from db.engine import log_dir
from db.integrity import plain_connect


@pytest.fixture
def shrunk_folder(template_bases, tmp_path):
    """This morning's verified backup of 200 cases, and a newer one of an empty base, in one folder."""
    folder = tmp_path / "sauvegardes"
    # Both on one day whatever the hour the test runs (three hours back crossed midnight before 3 a.m.).
    morning = (datetime.now() - timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    full = copy_database(template_bases(True), new_backup_path(folder, when=morning))
    empty = copy_database(template_bases(False), new_backup_path(folder, when=morning + timedelta(hours=1)))
    return folder, full, empty


def test_rotation_never_drops_a_fuller_backup_for_an_emptier_one(shrunk_folder):
    folder, full, empty = shrunk_folder
    assert rotate(folder) == []  # the policy alone would keep only the newest of the day
    assert full.exists() and empty.exists() and verify_backup(full).ok


def test_the_same_day_rotation_still_runs_for_comparable_backups(template_bases, tmp_path):
    folder = tmp_path / "sauvegardes"
    # Both on one day whatever the hour the test runs (three hours back crossed midnight before 3 a.m.).
    morning = (datetime.now() - timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    first = copy_database(template_bases(True), new_backup_path(folder, when=morning))
    second = copy_database(template_bases(True), new_backup_path(folder, when=morning + timedelta(hours=1)))
    assert rotate(folder) == [first] and second.exists()


def test_far_fewer_means_under_half_or_nothing():
    assert far_fewer((0, 0), (200, 1500)) and far_fewer((99, 1500), (200, 1500)) and far_fewer((200, 700), (200, 1500))
    assert not far_fewer((100, 750), (200, 1500)) and not far_fewer((0, 0), (0, 0)) and not far_fewer(None, (5, 5))


def test_the_shrink_warning_counts_one_case_and_many_in_french(db, template_bases):
    from core.backups import shrink_warning
    from db.backup import backup_database, content_counts
    from tests.core.trade_helpers import make_user, new_case

    folder = db.path.parent / "sauvegardes"
    morning = (datetime.now() - timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    full = copy_database(template_bases(True), new_backup_path(folder, when=morning))
    new_case(db, make_user(db))
    made = backup_database(db, new_backup_path(folder, when=morning + timedelta(hours=1)))
    cases, entries = content_counts(full)
    assert content_counts(made) == (1, 1) and cases == 200 and entries > 1000
    warning = shrink_warning(made, plain_connect)
    assert f"({made.name} : 1\u00a0dossier, 1\u00a0entrée de journal) contient beaucoup moins que la précédente, " \
           f"du {morning:%d/%m/%Y} à 09:00 (200\u00a0dossiers, {fr_number(entries)}\u00a0entrées de journal). " \
           "Les deux sont conservées" in warning


def test_a_backup_of_a_shrunk_base_keeps_both_and_warns_in_a_dialog(qtbot, db, template_bases, monkeypatch):
    from core.backups import set_backup_folder
    from gui import backup_dialog

    folder = db.path.parent / "sauvegardes"
    full = copy_database(template_bases(True), new_backup_path(folder, when=datetime.now() - timedelta(hours=2)))
    set_backup_folder(db, folder)
    shown = []
    monkeypatch.setattr(backup_dialog, "_box", lambda parent, icon, title, text, modal: shown.append((title, text)))
    controller = backup_dialog.AutoBackupController(db)
    with db.write() as session:  # a change: the automatic backup is due
        session.connection().exec_driver_sql("UPDATE settings SET value = value")
    controller._done(controller.auto.run())
    assert full.exists() and len(list_backups(folder)) == 2
    assert shown and shown[0][0] == "Sauvegarde beaucoup moins complète"
    assert ".sqlite3 : 0\u00a0dossier, 0\u00a0entrée de journal) contient beaucoup moins" in shown[0][1]
    assert "(200\u00a0dossiers, " in shown[0][1] and "entrées de journal). Les deux sont conservées" in shown[0][1]


def test_a_failed_backup_during_work_and_at_close_opens_a_french_dialog_and_is_logged(qtbot, db, tmp_path, monkeypatch):
    from core.logfile import configure_log_file, log_path
    from gui import backup_dialog

    configure_log_file()
    blocker = tmp_path / "pas-un-dossier"
    blocker.write_text("un fichier là où le dossier des sauvegardes devrait être")
    from db import backup as backup_module

    monkeypatch.setattr(backup_module, "backup_dir_for", lambda database: blocker / "sauvegardes")
    shown = []
    monkeypatch.setattr(backup_dialog, "_box", lambda parent, icon, title, text, modal: shown.append((title, text, modal)))
    controller = backup_dialog.AutoBackupController(db)
    with db.write() as session:
        session.connection().exec_driver_sql("UPDATE settings SET value = value")
    controller._done(controller.auto.run())
    controller.on_close()
    assert [title for title, _text, _modal in shown] == ["Sauvegarde impossible"] * 2
    during, at_close = shown[0][1], shown[1][1]
    assert "sauvegarde automatique a échoué" in during and "Que faire" in during and not shown[0][2]
    assert "fermeture a échoué" in at_close and shown[1][2]  # at close: the user reads it before the window goes
    for handler in __import__("logging").getLogger().handlers:
        handler.flush()
    logged = log_path().read_text(encoding="utf-8")
    assert log_path().parent == log_dir() and "Sauvegarde à la fermeture" in logged


def test_the_command_line_writes_the_log_file_of_the_readme(tmp_path, capsys):
    import main
    from core.logfile import log_path

    assert main.main(["--db", str(tmp_path / "absente.sqlite3"), "check"]) == 1
    for handler in __import__("logging").getLogger().handlers:
        handler.flush()
    assert "Aucune base à cet endroit" in log_path().read_text(encoding="utf-8")
    assert "mediation-habitat" in str(log_path().parent) and log_path().name == "mediation-habitat.log"


def test_a_backup_of_a_damaged_base_fails_and_the_good_one_stays(demo_db, db_path):
    from tests.damage import damage_table

    good = make_checked_backup(demo_db).path
    demo_db.dispose()
    damage_table(db_path, "cases")
    with pytest.raises(Exception) as error:
        make_checked_backup(demo_db)
    assert "endommagée" in str(error.value)
    assert [b.path for b in list_backups(good.parent)] == [good]
    shutil.rmtree(good.parent)


def test_restoring_a_backup_without_checksum_asks_first(qtbot, demo_db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from core.actor import SYSTEM
    from db.backup import backup_database, checksum_path
    from gui.backup_dialog import BackupDialog

    unsigned = backup_database(demo_db)
    checksum_path(unsigned).unlink()
    with demo_db.write() as session:
        session.connection().exec_driver_sql("DELETE FROM journal_entries")
    dialog = BackupDialog(demo_db, SYSTEM)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QMessageBox, "information", lambda *args: QMessageBox.Ok)
    asked = []
    for answer in (QMessageBox.No, QMessageBox.Yes):
        monkeypatch.setattr(QMessageBox, "question", lambda _parent, title, text, *rest, a=answer:
                            asked.append(text) or a)
        result = dialog.restore(unsigned)
        with demo_db.session() as session:
            entries = session.connection().exec_driver_sql("SELECT count(*) FROM journal_entries").scalar()
        assert (entries > 0) is (answer == QMessageBox.Yes) and (result is None) is (answer == QMessageBox.No)
    assert len(asked) == 2 and "somme de contrôle" in asked[0]
