from PySide6.QtCore import QDate
from sqlalchemy import select

from core.auth import actor_for
from db import models as m
from gui.agenda_page import week_start
from gui.main_window import MainWindow
from tests.conftest import DEMO_TODAY


def test_shots(qtbot, demo_db):
    for login in ("sabrina", None):
        with demo_db.session() as session:
            q = select(m.User).where(m.User.login == login) if login else select(m.User).where(m.User.role == "manager")
            actor = actor_for(session.scalars(q).first())
        window = MainWindow(demo_db, actor)
        qtbot.addWidget(window)
        window.resize(1400, 860)
        window.pages["agenda"].week = week_start(DEMO_TODAY)
        window.show()
        for key in ("relogement", "echeances", "agenda", "commissions", "tableau-de-bord"):
            window.show_view(key)
            page = window.pages[key]
            if key == "tableau-de-bord":
                page.start_edit.setDate(QDate(2025, 1, 1))
                page.end_edit.setDate(QDate(2026, 11, 25))
                page.data = None
                page.refresh()
                qtbot.waitUntil(lambda: page.data is not None, timeout=20000)
            if key == "echeances":
                page.all_check.setChecked(True)
            qtbot.wait(600)
            window.grab().save(f"/tmp/shots/{login or 'manager'}_{key}.png")
        if login:
            page = window.pages["relogement"]
            page.stage_combo.setCurrentIndex(1)
            qtbot.wait(600)
            window.grab().save(f"/tmp/shots/{login}_relogement_sne.png")
