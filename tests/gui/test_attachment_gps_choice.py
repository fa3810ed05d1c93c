"""The agent's choice, when attaching photos, to keep or drop where they were taken."""
from __future__ import annotations

from io import BytesIO

from PIL import Image
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from db import models as m
from gui.main_window import MainWindow
from tests.core.trade_helpers import new_case


def _photo_with_position(path):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (50.0, 37.0, 12.5), 3: "E", 4: (3.0, 3.0, 36.0)}
    out = BytesIO()
    Image.new("RGB", (120, 90), "green").save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return path


def _positions(db, case_id):
    with db.session() as session:
        contents = session.scalars(select(m.Attachment.content).where(m.Attachment.case_id == case_id)
                                   .order_by(m.Attachment.id)).all()
    return [Image.open(BytesIO(c)).getexif().get_ifd(0x8825) for c in contents]


def test_photos_lose_their_position_unless_the_agent_ticks_the_box(qtbot, db, tmp_path, monkeypatch):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    case_id = new_case(db, window.actor)
    window.open_case(case_id)
    tab = window.case_page.attachments
    window.case_page.tabs.setCurrentWidget(tab)
    assert not tab.keep_location.isChecked() and "GPS" in tab.keep_location.text()
    first = _photo_with_position(tmp_path / "cage d'escalier.jpg")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(first)], ""))
    tab.add_files()
    tab.keep_location.setChecked(True)
    second = _photo_with_position(tmp_path / "façade.jpg")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(second)], ""))
    tab.add_files()
    without, kept = _positions(db, case_id)
    assert without == {} and kept[2] == (50.0, 37.0, 12.5)
    tab.grab().save(str(tmp_path / "onglet-pieces-jointes.png"))
