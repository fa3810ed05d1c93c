"""Fichier › Sauvegardes…: list the backups, make one now, verify one, restore one after confirmation.

Also `AutoBackupController`, which the application starts with the window: a backup
after changes at most every 30 minutes (checked every minute, made off the GUI
thread) and one when the application quits.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.access import can
from core.backups import (
    DAILY,
    MONTHLY,
    WEEKLY,
    AutoBackup,
    backup_folder,
    choose_backup_folder,
    human_size,
    latest_backups,
    make_backup,
    restore_backup,
)
from db.backup import MissingChecksumError, connector, verify_backup
from db.errors import describe_error
from core.formatting import fr_count, fr_seconds
from core.progress import Cancelled
from gui.progress_dialog import run_with_progress, wait_with_progress
from gui.workers import run_in_background
from gui.widgets import ToolRow, keyboard_table, resize_within_screen

log = logging.getLogger(__name__)
COLUMNS = ("Date", "Type", "Taille", "Vérification")


class BackupDialog(QDialog):
    """The backups of the open database. `restored(aside)` is emitted after a restore."""

    restored = Signal(object)

    def __init__(self, database, actor, parent=None):
        super().__init__(parent)
        self.database, self.actor = database, actor
        self.setWindowTitle("Sauvegardes")
        resize_within_screen(self, 720, 460)
        self.busy = False
        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        policy = QLabel(
            "Une sauvegarde vérifiée est faite automatiquement après des modifications (au plus toutes les "
            f"30 minutes) et à la fermeture. Sont conservées : une par jour sur {DAILY} jours, une par semaine "
            f"sur {WEEKLY} semaines et une par mois sur {MONTHLY} mois.")
        policy.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        keyboard_table(self.table, "Sauvegardes disponibles")
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.backup_button = QPushButton("Sauvegarder &maintenant", clicked=self.backup_now)
        self.verify_button = QPushButton("&Vérifier", clicked=self.verify_selected)
        self.restore_button = QPushButton("&Restaurer…", clicked=self.restore_selected)
        self.folder_button = QPushButton("Changer de &dossier…", clicked=self.change_folder)
        close_button = QPushButton("Fermer", clicked=self.accept)
        buttons = ToolRow()  # wraps on a narrow or zoomed screen
        for button in (self.backup_button, self.verify_button, self.restore_button, self.folder_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_label)
        layout.addWidget(policy)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.allowed = can(actor, "backup.manage")
        if not self.allowed:
            self.status.setText("Votre rôle permet de consulter les sauvegardes ; les responsables et les "
                                "administrateurs peuvent en faire et en restaurer.")
        self.refresh()

    # -- listing -------------------------------------------------------------------
    def refresh(self) -> None:
        self.folder_label.setText(f"<b>Dossier des sauvegardes :</b> {backup_folder(self.database)}")
        self.backups = latest_backups(self.database)
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            values = (info.made_at.strftime("%d/%m/%Y %H:%M:%S"), info.label, human_size(info.size),
                      "vérifiée à la création" if info.verified else "non vérifiée")
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 2:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(row, column, item)
        if self.backups and not self.table.selectedItems():
            self.table.selectRow(0)
        if not self.backups:
            self.status.setText("Aucune sauvegarde pour l'instant : faites-en une avec « Sauvegarder maintenant ».")
        self._update_buttons()

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.backup_button.setEnabled(self.allowed and not self.busy)
        self.folder_button.setEnabled(self.allowed and not self.busy)
        self.verify_button.setEnabled(chosen and not self.busy)
        self.restore_button.setEnabled(self.allowed and chosen and not self.busy)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        if text:
            self.status.setText(text)
        self._update_buttons()

    # -- actions ---------------------------------------------------------------------
    def backup_now(self) -> None:
        self._set_busy(True, "Sauvegarde en cours…")

        def cancelled():
            self._set_busy(False, "Sauvegarde annulée : aucun fichier n'a été écrit.")

        self.running = run_with_progress(self, "Sauvegarde de la base",
                                         lambda progress: make_backup(self.database, self.actor, progress),
                                         self._backup_done, on_error=self._failed, on_cancelled=cancelled)

    def _backup_done(self, made) -> None:
        self._set_busy(False)
        self.refresh()
        removed = fr_count(len(made.deleted), "ancienne retirée", "anciennes retirées")
        extra = f" ; {removed} par la rotation" if made.deleted else ""
        self.status.setText(f"Sauvegarde vérifiée : {made.path.name} ({human_size(made.path.stat().st_size)}){extra}.")
        if made.warning:
            warn_shrunk_backup(self, made.warning)

    def _failed(self, info) -> None:
        self._set_busy(False)
        message = describe_error(info[1], self.database)
        log.warning("backup dialog: %s", message)
        self.status.setText(message)
        QMessageBox.warning(self, "Sauvegardes", message)

    def verify_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        self._set_busy(True, f"Vérification complète de la sauvegarde du {info.made_at:%d/%m/%Y %H:%M}…")
        connect = connector(self.database)

        def check(progress):
            return verify_backup(info.path, True, connect, tick=progress.update)

        self.running = run_with_progress(self, "Vérification de la sauvegarde", check, self._verified,
                                         on_error=self._failed,
                                         on_cancelled=lambda: self._set_busy(False, "Vérification annulée."))

    def _verified(self, report) -> None:
        self._set_busy(False)
        if report.ok:
            self.status.setText(f"Sauvegarde intacte : somme de contrôle et intégrité correctes ({fr_seconds(report.seconds)}).")
        else:
            self.status.setText("Sauvegarde endommagée : " + "; ".join(report.problems[:3]))

    def restore_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        answer = QMessageBox.question(
            self, "Restaurer une sauvegarde",
            f"Remplacer la base actuelle par la sauvegarde du {info.made_at:%d/%m/%Y à %H:%M} ?\n\n"
            "Ce qui a été saisi depuis cette sauvegarde ne sera plus dans la base. La base actuelle n'est pas "
            "effacée : elle est gardée de côté, à côté du fichier de la base.\n\n"
            "L'application se fermera ensuite ; relancez-la pour travailler sur la base restaurée.",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer != QMessageBox.Yes:
            return
        self.restore(info.path)

    def restore(self, path: Path, without_checksum: bool = False) -> Path | None:
        """Restore without asking (after the confirmation); emits `restored`."""
        QThreadPool.globalInstance().waitForDone()  # no backup running against the old file
        try:
            aside = wait_with_progress(self, "Restauration de la sauvegarde", lambda progress: restore_backup(
                self.database, self.actor, path, without_checksum, progress))
        except Cancelled:
            self.status.setText("Restauration annulée : la base actuelle n'a pas été touchée.")
            return None
        except MissingChecksumError as error:
            answer = QMessageBox.question(self, "Sauvegarde sans somme de contrôle",
                                          error.message + "\n\nRestaurer cette sauvegarde quand même ?",
                                          QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
            return self.restore(path, without_checksum=True) if answer == QMessageBox.Yes else None
        except Exception as error:  # noqa: BLE001 - shown in French, the current base is untouched
            message = describe_error(error, self.database)
            self.status.setText(message)
            QMessageBox.warning(self, "Restauration refusée", message)
            return None
        kept = f"\n\nL'ancienne base est conservée dans :\n{aside}" if aside else ""
        self.status.setText("Base restaurée.")
        self.restored.emit(aside)
        QMessageBox.information(self, "Base restaurée", f"La sauvegarde a été restaurée.{kept}")
        return aside

    def change_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Dossier des sauvegardes", str(backup_folder(self.database)))
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path | None) -> None:
        try:
            choose_backup_folder(self.database, self.actor, folder)
        except Exception as error:  # noqa: BLE001
            QMessageBox.warning(self, "Sauvegardes", describe_error(error, self.database))
            return
        self.refresh()


class AutoBackupController(QObject):
    """Automatic backups for the running application (see core.backups.AutoBackup)."""

    finished = Signal(object)  # the backup made, or None after a failure
    CHECK_EVERY_MS = 60_000

    def __init__(self, database, parent=None, status=None, window=None):
        super().__init__(parent)
        self.auto = AutoBackup(database)
        self.status = status  # a callable showing a message (the status bar)
        self.window = window  # parent of the dialogs that report a failed backup
        self.running = False
        self.timer = QTimer(self, interval=self.CHECK_EVERY_MS, timeout=self.tick)
        self.timer.start()

    def tick(self) -> None:
        if self.running or not self.auto.due():
            return
        self.running = True
        run_in_background(self.auto.run, self._done, on_error=lambda info: self._done(None))

    def _done(self, path) -> None:
        self.running = False
        self._report(path)
        self.finished.emit(path)

    def _report(self, path) -> None:
        if path is not None:
            if self.status is not None:
                self.status(f"Sauvegarde automatique faite ({path.name}).")
            if self.auto.last_warning:
                warn_shrunk_backup(self.dialog_parent(), self.auto.last_warning, modal=False)
        elif self.auto.last_error:
            if self.status is not None:
                self.status(f"Sauvegarde automatique impossible : {self.auto.last_error}")
            show_backup_failure(self.dialog_parent(), self.auto.last_error, at_close=False)

    def dialog_parent(self):
        return self.window if self.window is not None else QApplication.activeWindow()

    def on_close(self) -> None:
        """At quit: wait for a running backup, then back up what changed since; a failure is shown, not buried."""
        self.timer.stop()
        QThreadPool.globalInstance().waitForDone()
        path = self.auto.on_close()
        if path is None and self.auto.last_error:
            show_backup_failure(None, self.auto.last_error, at_close=True)
        elif path is not None and self.auto.last_warning:
            warn_shrunk_backup(None, self.auto.last_warning)


# Dialogs are not shown under automated runs (tests replace these two functions to record what would appear).
_shown: list[tuple[str, str]] = []


def show_backup_failure(parent, message: str, at_close: bool) -> None:
    """A failed backup opens a French dialog that says what to do (and is written to the log file)."""
    log.error("Sauvegarde %s : %s", "à la fermeture" if at_close else "pendant le travail", message)
    when = ("La sauvegarde faite à la fermeture a échoué : les modifications de cette session ne sont dans "
            "aucune sauvegarde.") if at_close else (
        "La sauvegarde automatique a échoué : vos modifications récentes ne sont dans aucune sauvegarde.")
    then = "relancez l'application et faites" if at_close else "faites"
    advice = ("Vos données enregistrées restent dans la base. Que faire : vérifiez la place libre et l'accès au "
              "dossier des sauvegardes (menu Fichier › Sauvegardes… pour en choisir un autre), puis "
              f"{then} « Sauvegarder maintenant » ; si le message parle d'une base endommagée, relancez "
              "l'application : la dernière sauvegarde vérifiée vous sera proposée.")
    _shown.append(("échec", message))
    _box(parent, QMessageBox.Critical, "Sauvegarde impossible", f"{when}\n\n{message}\n\n{advice}",
         modal=at_close)


def warn_shrunk_backup(parent, message: str, modal: bool = True) -> None:
    """Rotation kept a fuller backup because the new one holds far fewer cases: the user must know."""
    _shown.append(("moins complète", message))
    _box(parent, QMessageBox.Warning, "Sauvegarde beaucoup moins complète", message, modal=modal)


def _box(parent, icon, title: str, text: str, modal: bool) -> None:
    if QApplication.instance() is None:
        return
    box = QMessageBox(icon, title, text, QMessageBox.Ok, parent)
    box.setAccessibleName(title)
    if modal:
        box.exec()
    else:  # during work: the dialog waits for the user without stopping the background jobs
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()


def start_auto_backups(app, window, database) -> AutoBackupController:
    """Automatic backups while the window runs, and one at quit (after the other quit handlers)."""
    controller = AutoBackupController(database, app, status=lambda text: window.statusBar().showMessage(text, 15000),
                                      window=window)
    app.aboutToQuit.connect(controller.on_close)
    app.auto_backups = controller
    return controller


def open_backup_dialog(window) -> BackupDialog:
    """Fichier › Sauvegardes…: after a restore the window closes (the application restarts on the restored base)."""
    dialog = BackupDialog(window.database, window.actor, window)
    dialog.restored.connect(lambda _aside: QTimer.singleShot(0, window.close))
    dialog.exec()
    return dialog
