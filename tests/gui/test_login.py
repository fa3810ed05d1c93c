"""Login dialog, first administrator, throttling and the idle session lock, with real widgets."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QWidget
from sqlalchemy import select

from core.actor import SYSTEM
from core.users import add_user
from db import models as m
from gui.idle_lock import IdleLock
from gui.login_dialog import FirstAdministratorDialog, LoginDialog, unattended_actor
from tests.gui.typing import type_text

GOOD = "Beffroi-Lille-2026"


def _login(qtbot, dialog, login, password):
    dialog.login_edit.setText(login)
    dialog.password_edit.setText(password)
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)


def test_login_dialog_accepts_the_right_password(qtbot, db):
    add_user(db, SYSTEM, "camille", "Camille Martin", "agent", GOOD)
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    _login(qtbot, dialog, "camille", "erreur")
    assert dialog.error_label.isVisibleTo(dialog) and "incorrect" in dialog.error_label.text()
    assert dialog.result() != QDialog.Accepted
    _login(qtbot, dialog, "camille", GOOD)
    assert dialog.result() == QDialog.Accepted
    assert dialog.actor.login == "camille" and dialog.actor.role == "agent"


def test_throttling_disables_the_button_and_refuses_even_the_right_password(qtbot, db):
    add_user(db, SYSTEM, "camille", "Camille Martin", "agent", GOOD)
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    for _ in range(5):
        _login(qtbot, dialog, "camille", "mauvais")
    assert "Trop d'essais" in dialog.error_label.text()
    assert not dialog.ok_button.isEnabled()
    dialog.ok_button.setEnabled(True)  # even if the button is forced, the core refuses
    _login(qtbot, dialog, "camille", GOOD)
    assert dialog.actor is None and "Trop d'essais" in dialog.error_label.text()


def test_first_start_creates_an_administrator(qtbot, db):
    dialog = FirstAdministratorDialog(db)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Hélène Dupont")
    dialog.password_edit.setText("trop court")
    dialog.confirm_edit.setText("trop court")
    dialog.create()
    assert "trop faible" in dialog.error_label.text()
    dialog.password_edit.clear()
    dialog.confirm_edit.clear()
    type_text(qtbot, dialog.password_edit, "Hélène-Beffroi-59")
    type_text(qtbot, dialog.confirm_edit, "Hélène-Beffroi-59")
    dialog.create()
    assert dialog.result() == QDialog.Accepted and dialog.actor.role == "admin"
    with db.session() as s:
        admin = s.scalar(select(m.User).where(m.User.login == "admin"))
        assert admin.password_hash.startswith("$argon2id$") and admin.full_name == "Hélène Dupont"


def test_screenshots_log_in_alone_only_on_demo_data(demo_db):
    assert unattended_actor(demo_db).role == "admin"
    from core.demo import DEMO_MARKER

    with demo_db.write() as s:  # the same cases, no longer marked as demo: real data needs a login
        s.delete(s.get(m.Setting, DEMO_MARKER))
    assert unattended_actor(demo_db) is None


def test_session_locks_when_idle_and_unlocks_with_the_password(qtbot, db):
    user_id = add_user(db, SYSTEM, "camille", "Camille Martin", "manager", GOOD).result
    from core.auth import authenticate

    actor = authenticate(db, "camille", GOOD)
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(400, 300)
    window.show()
    lock = IdleLock(db, actor, idle_ms=300)
    try:
        for _ in range(4):  # activity keeps the session open
            qtbot.wait(120)
            qtbot.mouseMove(window, window.rect().center())
            QTest.keyClick(window.windowHandle(), Qt.Key_Shift)  # where the system's keys arrive
        assert not lock.is_locked
        qtbot.waitUntil(lambda: lock.is_locked, timeout=2000)
        cover = lock.covers[0]
        assert cover.isVisible() and cover.geometry() == window.rect()
        dialog = lock.dialog
        assert dialog.login_edit.text() == "camille" and dialog.login_edit.isReadOnly()
        qtbot.keyClick(dialog, Qt.Key_Escape)  # Escape does not end the session
        assert lock.is_locked and dialog.isVisible()
        _login(qtbot, dialog, "camille", "pas le bon")
        assert lock.is_locked
        _login(qtbot, dialog, "camille", GOOD)
        assert not lock.is_locked
    finally:
        lock.stop()
    with db.session() as s:
        actions = list(s.scalars(select(m.AuditEvent.action).where(m.AuditEvent.user_id == user_id).order_by(m.AuditEvent.id)))
    assert actions[-4:] == ["connexion", "session.verrouillage", "connexion.echec", "connexion"]
