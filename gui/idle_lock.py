"""The session locks after a configurable idle time (field offices share computers).

Any key, click, wheel or mouse move restarts the countdown. When it runs out,
every open window is covered by an opaque panel (nothing stays readable behind,
and an unsaved form keeps its content) and the password of the same user is
asked. Quitting from the lock ends the session, audited as a logout.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from core.actor import Actor
from core.audit import log_event
from core.auth import logout
from core.queries.admin import session_lock_minutes
from gui.login_dialog import LoginDialog
from gui.palette import colour
from gui.wheel_guard import on_activity
from gui.widgets import relative_font

class Cover(QWidget):
    """An opaque panel over a window while the session is locked."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setAutoFillBackground(True)
        self.setStyleSheet(f"background: {colour('cover')}; color: {colour('on_cover')};")
        label = QLabel("Session verrouillée", alignment=Qt.AlignCenter)
        relative_font(label, 1.8)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched, event):  # noqa: N802 - Qt API
        if event.type() == QEvent.Resize:
            self.setGeometry(watched.rect())
        return False


class IdleLock(QObject):
    locked = Signal()
    unlocked = Signal()

    def __init__(self, database, actor: Actor, idle_ms: int | None = None, parent=None):
        super().__init__(parent)
        self.database = database
        self.actor = actor
        self.covers: list[Cover] = []
        self.dialog: LoginDialog | None = None
        self.timer = QTimer(self, singleShot=True, timeout=self.lock)
        self.timer.setInterval(idle_ms if idle_ms is not None else session_lock_minutes(database, actor) * 60_000)
        self._stop_listening = on_activity(self._active)
        self.timer.start()

    @property
    def is_locked(self) -> bool:
        return bool(self.covers)

    def _active(self, _kind) -> None:
        if not self.is_locked:
            self.timer.start()

    def lock(self) -> None:
        if self.is_locked or self.actor.user_id is None:
            return
        self.timer.stop()
        for window in QApplication.topLevelWidgets():
            if window.isVisible() and not isinstance(window, LoginDialog):
                self.covers.append(Cover(window))
        log_event(self.database, self.actor, "session.verrouillage", "user", self.actor.user_id)
        self.locked.emit()
        self.dialog = LoginDialog(self.database, locked_for=self.actor)
        self.dialog.setWindowModality(Qt.ApplicationModal)
        self.dialog.accepted.connect(self._unlock)
        self.dialog.rejected.connect(self._quit)
        self.dialog.show()

    def _unlock(self) -> None:
        if self.dialog.actor is None or self.dialog.actor.user_id != self.actor.user_id:
            return
        for cover in self.covers:
            cover.deleteLater()
        self.covers = []
        self.dialog = None
        self.unlocked.emit()
        self.timer.start()

    def _quit(self) -> None:
        logout(self.database, self.actor, "fin de session depuis le verrouillage")
        self.actor = Actor(None, self.actor.login, self.actor.role)  # logged out: no second logout at exit
        QApplication.instance().quit()

    def stop(self) -> None:
        self.timer.stop()
        self._stop_listening()
