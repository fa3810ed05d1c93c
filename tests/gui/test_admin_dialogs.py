"""Administration dialogs and the audited case opening, with real widgets."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from core.access import case_scope_condition
from core.actor import SYSTEM, Actor
from core.auth import actor_for
from core.users import add_user
from db import models as m
from tests.conftest import DEMO_TODAY

GOOD = "Beffroi-Lille-2026"


@pytest.fixture
def answers(monkeypatch):
    """Message boxes answer Yes and record what they said."""
    said = []
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda parent, title, text, *a, **k: said.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    return said


def _admin(db) -> Actor:
    user_id = add_user(db, SYSTEM, "chef", "Chef de service", "admin", GOOD).result
    with db.session() as s:
        return actor_for(s.get(m.User, user_id))


def test_users_dialog_creates_and_disables_an_account(qtbot, db, answers):
    from gui.users_dialog import PasswordForm, UsersDialog

    dialog = UsersDialog(db, _admin(db))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading and dialog.lock_spin.isEnabled())
    form = PasswordForm(dialog, "Nouveau compte", with_identity=True)
    form.login_edit.setText("sabrina")
    form.name_edit.setText("Sabrina Haddouche")
    form.password_edit.setText("faible")
    form.confirm_edit.setText("faible")
    from core.users import add_user as add

    form.submit = lambda: add(db, dialog.actor, form.login_edit.text(), form.name_edit.text(), "agent",
                              form.password_edit.text())
    form._check()
    assert "trop faible" in form.error_label.text() and form.error_label.isVisibleTo(form)
    form.password_edit.setText(GOOD)
    form.confirm_edit.setText(GOOD)
    form._check()
    dialog.reload()
    qtbot.waitUntil(lambda: not dialog.loading)
    logins = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert "sabrina" in logins
    dialog.table.selectRow(logins.index("sabrina"))
    dialog.disable()
    qtbot.waitUntil(lambda: not dialog.loading)
    row = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())].index("sabrina")
    assert dialog.table.item(row, 3).text() == "désactivé"


def test_audit_viewer_filters_and_verifies(qtbot, db, answers):
    from gui.audit_viewer import AuditViewer

    admin = _admin(db)
    from core.auth import authenticate

    authenticate(db, "chef", GOOD)
    viewer = AuditViewer(db, admin)
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: not viewer.loading and viewer.action_combo.findData("connexion") >= 0)
    assert viewer.table.rowCount() >= 2
    viewer.action_combo.setCurrentIndex(viewer.action_combo.findData("connexion"))
    viewer.reload()
    qtbot.waitUntil(lambda: not viewer.loading)
    assert viewer.table.rowCount() == 1 and viewer.table.item(0, 3).text() == "connexion"
    viewer.verify()
    qtbot.waitUntil(lambda: not viewer.checking)
    assert "intègre" in answers[-1] and "Aucune ancre" in answers[-1]
    from core.backups import backup_now

    backup_now(db)  # the backup leaves its anchor: the window's check uses it too
    viewer.verify()
    qtbot.waitUntil(lambda: not viewer.checking)
    assert "intègre" in answers[-1] and "présent et inchangé" in answers[-1]


def test_retention_dialog_anonymises_checked_cases(qtbot, demo_db, answers):
    from gui.retention_dialog import RetentionDialog

    with demo_db.write() as s:
        case = s.scalar(select(m.Case).order_by(m.Case.id).limit(1))
        case.last_activity_at = datetime(2022, 3, 1)
        case_id = case.id
    dialog = RetentionDialog(demo_db, SYSTEM, today=DEMO_TODAY)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading)
    row = [r.id for r in dialog.rows].index(case_id)
    dialog.table.item(row, 0).setCheckState(Qt.Checked)
    dialog.anonymise_button.click()
    qtbot.waitUntil(lambda: not dialog.loading)
    assert dialog.changes[-1].case_ids == {case_id}
    assert case_id not in [r.id for r in dialog.rows]
    with demo_db.session() as s:
        assert s.get(m.Case, case_id).household.last_name == "ANONYMISÉ"


def test_the_audit_purge_says_how_many_events_it_deleted_in_french(qtbot, db, answers):
    from gui.retention_dialog import RetentionDialog

    dialog = RetentionDialog(db, SYSTEM, today=DEMO_TODAY)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading)
    dialog.audit_spin.setValue(dialog.audit_spin.minimum())
    dialog.purge()
    months = dialog.audit_spin.minimum()
    assert answers[-1] == f"Journal conservé {months} mois : 0\u00a0événement plus ancien effacé."


def test_main_window_admin_menu_and_audited_case_opening(qtbot, demo_db, answers):
    from gui.main_window import MainWindow

    with demo_db.session() as s:
        admin = actor_for(s.scalar(select(m.User).where(m.User.login == "admin")))
        agent_user = s.scalar(select(m.User).where(m.User.role == "agent", m.User.sectors.any()).order_by(m.User.id))
        agent = actor_for(agent_user)
        outside = s.scalar(select(m.Case.id).where(~case_scope_condition(agent)).limit(1))
        inside = s.scalar(select(m.Case.id).where(case_scope_condition(agent)).limit(1))
    window = MainWindow(demo_db, admin)
    qtbot.addWidget(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert "Ad&ministration" in titles
    agent_window = MainWindow(demo_db, agent)
    qtbot.addWidget(agent_window)
    assert "Ad&ministration" not in [a.text() for a in agent_window.menuBar().actions()]
    agent_window.open_case(outside)
    assert agent_window.case_page is None and "ni dans vos secteurs" in answers[-1]
    agent_window.open_case(inside)
    assert agent_window.case_page is not None
    with demo_db.session() as s:
        opened = list(s.scalars(select(m.AuditEvent.entity_id).where(
            m.AuditEvent.action == "dossier.consultation", m.AuditEvent.user_id == agent.user_id)))
    assert opened == [str(inside)]


def test_encrypted_copy_from_the_administration_menu(qtbot, db, tmp_path, monkeypatch, answers):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from db import crypto
    from gui.admin_menu import encrypted_copy_dialog

    add_user(db, SYSTEM, "canari", "Zorglub-Canari-42", "agent")
    target = tmp_path / "portable.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("la grand-place sous la neige", True))

    class Window:
        database, actor = db, _admin(db)

    encrypted_copy_dialog(Window())
    assert crypto.is_encrypted(target) and b"Zorglub-Canari-42" not in target.read_bytes()
    assert "Copie chiffrée écrite" in answers[-1]
    from db.open import open_encrypted

    copy = open_encrypted(target, "la grand-place sous la neige")
    with copy.session() as s:
        assert s.scalar(select(m.User.full_name).where(m.User.login == "canari")) == "Zorglub-Canari-42"
    copy.dispose()


def test_an_agent_case_list_shows_only_their_cases(qtbot, demo_db):
    from gui.main_window import MainWindow

    with demo_db.session() as s:
        agent = actor_for(s.scalar(select(m.User).where(m.User.role == "agent", m.User.sectors.any()).order_by(m.User.id)))
        visible = set(s.scalars(select(m.Case.id).where(case_scope_condition(agent))))
        everything = s.scalar(select(func.count(m.Case.id)))
    window = MainWindow(demo_db, agent)
    qtbot.addWidget(window)
    window.case_list.load_now()
    from core.case_list import case_ids

    with demo_db.session() as s:  # the list's own default filters, then the agent's scope
        unscoped = set(case_ids(s, window.case_list.current_query()))
    assert set(window.case_list.model.ids) == unscoped & visible
    assert len(visible) < everything and len(unscoped & visible) < len(unscoped)
    assert window.case_list.total == len(visible)
