"""Printing from the application: PDFs built in the thread pool, the window keeps responding."""
from __future__ import annotations

import hashlib
import io
from datetime import datetime

from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QInputDialog
from sqlalchemy import select

from db import models as m
from gui import pdf_actions
from gui.main_window import MainWindow


def test_visit_report_with_photos_builds_while_the_window_responds(qtbot, demo_db, monkeypatch):
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (180, 120, 60)).save(buffer, "JPEG", quality=85)
    content = buffer.getvalue()
    with demo_db.write() as session:
        visit_id, case_id = session.execute(select(m.Visit.id, m.VisitCase.case_id).join(m.VisitCase)
                                            .where(m.Visit.status == "realisee")).first()
        session.add_all([m.Attachment(case_id=case_id, visit_id=visit_id, filename=f"p{i}.jpg", mime_type="image/jpeg",
                                      size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest(),
                                      taken_at=datetime(2026, 5, 1, 9, i), content=content) for i in range(30)])
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    opened, ticks = [], []
    monkeypatch.setattr(pdf_actions, "open_file", lambda path: opened.append(path) or True)
    timer = QTimer(interval=20, timeout=lambda: ticks.append(1))
    timer.start()
    pdf_actions.print_visit(window, visit_id)
    qtbot.waitUntil(lambda: bool(opened), timeout=60000)
    timer.stop()
    assert opened[0].read_bytes().startswith(b"%PDF")
    assert len(ticks) >= 3  # the event loop kept running while the PDF was built


def test_commission_chosen_in_a_list_is_printed(qtbot, demo_db, monkeypatch):
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(pdf_actions, "open_file", lambda path: opened.append(path) or True)
    monkeypatch.setattr(QInputDialog, "getItem", lambda parent, title, text, items, current, editable: (items[1], True))
    pdf_actions.ask_commission(window)
    qtbot.waitUntil(lambda: bool(opened), timeout=30000)
    assert opened[0].name.startswith("commission_") and opened[0].stat().st_size > 1000
