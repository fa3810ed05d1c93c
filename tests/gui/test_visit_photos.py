"""Photos taken during a visit are attached to the case and the visit when it is concluded."""
from datetime import datetime

from PIL import Image
from sqlalchemy import select

from core.actor import Actor
from db import models as m
from gui.main_window import MainWindow
from gui.visit_dialogs import ConcludeVisitDialog


def test_conclusion_attaches_the_visit_photos(qtbot, demo_db, tmp_path, monkeypatch):
    photo = tmp_path / "fuite-salle-de-bain.jpg"
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:11:20 10:15:00"
    Image.new("RGB", (64, 48), (120, 90, 60)).save(photo, exif=exif)
    with demo_db.session() as session:
        manager = session.scalars(select(m.User).where(m.User.role == "manager")).first()
        visit = session.scalars(select(m.Visit).join(m.VisitCase).where(m.Visit.status == "planifiee")
                                .order_by(m.Visit.id)).first()
        visit_id, case_id = visit.id, visit.cases[0].id
    window = MainWindow(demo_db, Actor(manager.id, manager.login, "manager", manager.full_name))
    qtbot.addWidget(window)
    dialog = ConcludeVisitDialog(window, visit_id)
    qtbot.addWidget(dialog)
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileNames", lambda *a, **k: ([str(photo)], ""))
    dialog._choose_photos()
    assert dialog.photo_list.count() == 1
    dialog.form.fields["done_at"].setDateTime(datetime(2026, 11, 20, 11, 0))
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    with demo_db.session() as session:
        attachment = session.scalars(select(m.Attachment).where(m.Attachment.visit_id == visit_id)).one()
    assert attachment.case_id == case_id
    assert attachment.filename == "fuite-salle-de-bain.jpg"
    assert attachment.taken_at == datetime(2026, 11, 20, 10, 15)
