"""An agent's window lists and offers only the cases of their sectors and those assigned to them."""
from PySide6.QtCore import Qt
from sqlalchemy import select

from core.access import agent_can_reach_case
from core.actor import Actor
from db import models as m
from gui.case_picker import CasePicker
from gui.main_window import MainWindow


def agent_actor(database) -> Actor:
    with database.session() as session:
        user = session.scalars(select(m.User).where(m.User.role == "agent").order_by(m.User.id)).first()
        sectors = frozenset(n.id for n in user.sectors)
    return Actor(user.id, user.login, "agent", user.full_name, sectors)


def test_agent_list_and_picker_stay_in_scope(qtbot, demo_db):
    actor = agent_actor(demo_db)
    window = MainWindow(demo_db, actor)
    qtbot.addWidget(window)
    window.show_view("dossiers")
    window.case_list.load_now()
    listed = list(window.case_list.model.ids)
    with demo_db.session() as session:
        total = session.scalar(select(m.Case.id).order_by(m.Case.id.desc()).limit(1))
        assert 0 < len(listed) < total
        assert all(agent_can_reach_case(session, actor, case_id) for case_id in listed)
    picker = CasePicker(demo_db, actor=actor, statuses=())
    qtbot.addWidget(picker)
    offered = [picker.results.item(i).data(Qt.UserRole) for i in range(picker.results.count())]
    with demo_db.session() as session:
        assert offered and all(agent_can_reach_case(session, actor, case_id) for case_id in offered)
