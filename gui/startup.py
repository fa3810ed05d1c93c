"""Start-up safety for the window: one instance per file, a quick check, and recovery from a backup.

`open_for_window(open_db, target)`:

1. tells what the file is from its first bytes (db.identity.probe_file), before this
   process has any SQLite connection to it: afterwards the process never opens the base
   file except through SQLite (closing any descriptor of it would drop SQLite's locks);
2. takes the instance lock of the file (a second window gets a clear message);
3. runs `PRAGMA quick_check` (+ foreign_key_check) before anything writes to the file;
4. a base that fails, or is empty or unreadable, is NOT opened: the user is offered the
   latest backup that passes its checks (or another file); the damaged base is kept aside;
5. opens the base (migration with a backup first, reference data).

An encrypted base is checked right after it was opened with its key, through its connection.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from core.backups import human_size
from db import crypto
from db.backup import MissingChecksumError, backup_folders, connector, last_verified_backup, restore_database
from db.errors import DamagedDatabaseError, DatabaseError, describe_error
from db.identity import probe_file
from db.instance_lock import InstanceLock
from db.integrity import CheckReport, check_database, check_file, plain_connect
from db.open import sqlite_file
from gui.errors import watch_database

log = logging.getLogger(__name__)
TITLE = "Médiation Habitat"


def open_for_window(open_db, target, interactive: bool = True, lock: bool = True):
    """Return (database, instance lock) ready for the window, or (None, None) when it must not open."""
    try:
        path = sqlite_file(target)
        held = InstanceLock.acquire(path) if path is not None and lock else None
    except DatabaseError as error:
        _tell(interactive, error.message)
        return None, None
    # After a clean close the full-file check runs in the background once the window is up, so a large
    # base opens at once; after a crash, a kill or on first use it runs before anything touches the file.
    check_now = held is None or not held.clean_before
    prompt = crypto.current_prompt()
    if not interactive:
        crypto.set_passphrase_prompt(None)  # unattended: a passphrase comes from the variable, or never
    try:
        database, probe = _open_checked(open_db, path, interactive, check_now)
    except BaseException:
        if held:
            held.release()
        raise
    finally:
        crypto.set_passphrase_prompt(prompt)
    if database is None and held:
        held.release()
        held = None
    app = QApplication.instance()
    if held is not None and app is not None:
        app.aboutToQuit.connect(held.release)  # the next window may open this file once this one quits
    if database is not None:
        watch_database(database)
        if not check_now and probe is not None and probe.kind == "sqlite":
            check_in_background(path, interactive)
    return database, held


BACKGROUND_CHECK_DELAY_MS = 20_000  # once the first views have loaded: the check must not delay them


def check_in_background(path: Path, interactive: bool) -> None:
    """Quick check of a cleanly closed base while the user works; warn if it finds damage."""
    from PySide6.QtCore import QTimer

    from gui.workers import run_in_background

    def job():
        return check_file(path, connect=plain_connect)

    def done(report: CheckReport):
        if not report.ok:
            log.error("Background check of %s failed: %s", path, report.problems)
            _tell(interactive, "La vérification de la base a détecté un problème : "
                               + "; ".join(report.problems[:3])
                               + ". Fermez l'application : au prochain démarrage, la dernière sauvegarde "
                                 "vérifiée vous sera proposée.")

    QTimer.singleShot(BACKGROUND_CHECK_DELAY_MS, lambda: run_in_background(job, done))


def _open_checked(open_db, path: Path | None, interactive: bool, check_now: bool = True):
    """(database or None, the probe of the file as it was opened)."""
    probe = probe_file(path) if path is not None else None  # before any connection of this process
    if probe is not None and probe.damaged:
        if not offer_recovery(path, CheckReport(False, [probe.detail]), plain_connect, interactive):
            return None, probe
        probe = probe_file(path)
    if check_now and probe is not None and probe.kind == "sqlite":
        # Read-write open (it changes nothing): a read-only one cannot replay the -wal a crash left.
        report = check_file(path, connect=lambda file, _read_only: plain_connect(file, False))
        if not report.ok and not offer_recovery(path, report, plain_connect, interactive):
            return None, probe
    try:
        database = open_db()
    except DamagedDatabaseError as error:
        if path is None or not offer_recovery(path, CheckReport(False, error.problems), plain_connect, interactive):
            return None, probe
        database = open_db()
    except DatabaseError as error:
        _tell(interactive, error.message)
        return None, probe
    if probe is not None and probe.kind == "encrypted":
        report = check_database(database)  # through its keyed connection, never by reading the file
        if not report.ok:
            connect = connector(database)
            database.dispose()
            if not offer_recovery(path, report, connect, interactive):
                return None, probe
            database = open_db()
    return database, probe


def _tell(interactive: bool, message: str) -> None:
    log.warning("start-up: %s", message)
    if interactive:
        QMessageBox.critical(None, TITLE, message)
    else:
        import sys

        print(f"Erreur : {message}", file=sys.stderr)


def find_good_backup(path: Path, connect=plain_connect):
    return last_verified_backup(path, connect, backup_folders(path, connect))


def offer_recovery(path: Path, report: CheckReport, connect=plain_connect, interactive: bool = True) -> bool:
    """Tell the user the base is damaged and offer a backup; True once a restore was made."""
    log.error("database %s failed its check: %s", path, report.problems)
    if not interactive:
        _tell(False, f"La base « {path} » est endommagée et n'a pas été ouverte : " + "; ".join(report.problems[:3])
              + ". Restaurez une sauvegarde : uv run main.py restore FICHIER.")
        return False
    dialog = RecoveryDialog(path, report, find_good_backup(path, connect), connect)
    dialog.exec()
    return dialog.restored_from is not None


class RecoveryDialog(QDialog):
    """« La base est endommagée » with the latest good backup and the choices."""

    def __init__(self, path: Path, report: CheckReport, latest, connect=plain_connect, parent=None):
        super().__init__(parent)
        self.path, self.latest, self.connect = path, latest, connect
        self.restored_from: Path | None = None
        self.aside: Path | None = None
        self.setWindowTitle("Base endommagée")
        problems = "<br>".join(f"• {p}" for p in report.problems[:5])
        text = (f"<p><b>La base « {path.name} » ne passe pas sa vérification : elle n'a pas été ouverte</b>, "
                f"pour ne rien abîmer de plus.</p><p>{problems}</p>")
        if latest is not None:
            text += (f"<p>Dernière sauvegarde vérifiée : <b>{latest.made_at:%d/%m/%Y à %H:%M}</b> "
                     f"({human_size(latest.size)}).<br>Les saisies faites après cette date seront à refaire. "
                     "La base endommagée sera gardée de côté.</p>")
        else:
            text += "<p>Aucune sauvegarde vérifiée n'a été trouvée. Choisissez un fichier de sauvegarde.</p>"
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.restore_button = QPushButton("&Restaurer cette sauvegarde", clicked=self.restore_latest)
        self.restore_button.setEnabled(latest is not None)
        self.restore_button.setDefault(latest is not None)
        choose = QPushButton("&Choisir un autre fichier…", clicked=self.choose_file)
        quit_button = QPushButton("&Quitter", clicked=self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(choose)
        buttons.addStretch(1)
        buttons.addWidget(quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(560, 260)

    def restore_latest(self) -> None:
        if self.latest is not None:
            self.restore(self.latest.path)

    def choose_file(self) -> None:
        start = str(self.latest.path.parent if self.latest else self.path.parent)
        name, _ = QFileDialog.getOpenFileName(self, "Sauvegarde à restaurer", start,
                                              "Bases Médiation Habitat (*.sqlite3 *.db);;Tous les fichiers (*)")
        if name:
            self.restore(Path(name))

    def restore(self, backup: Path, without_checksum: bool = False) -> bool:
        QApplication.processEvents()
        try:
            self.aside = restore_database(backup, self.path, self.connect, without_checksum)
        except MissingChecksumError as error:
            if not self._confirm_without_checksum(error.message):
                return False
            return self.restore(backup, without_checksum=True)
        except Exception as error:  # noqa: BLE001 - explained, the user may pick another file
            QMessageBox.warning(self, "Restauration refusée", describe_error(error))
            return False
        self.restored_from = backup
        log.warning("restored %s from %s, damaged base kept as %s", self.path, backup, self.aside)
        self.accept()
        return True

    def _confirm_without_checksum(self, message: str) -> bool:
        answer = QMessageBox.question(self, "Sauvegarde sans somme de contrôle",
                                      message + "\n\nRestaurer cette sauvegarde quand même ?",
                                      QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes
