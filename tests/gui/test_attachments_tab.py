"""Pièces jointes tab: files chosen in the dialog are stored and shown with their thumbnail and date."""
from __future__ import annotations

from io import BytesIO

from PIL import Image
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import func, select

from db import models as m
from gui.main_window import MainWindow
from tests.core.trade_helpers import new_case


def _photo(path):
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:03:14 10:20:30"
    out = BytesIO()
    Image.new("RGB", (200, 150), "green").save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return path


def _open_tab(qtbot, db):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    case_id = new_case(db, window.actor)
    window.open_case(case_id)
    page = window.case_page
    page.tabs.setCurrentWidget(page.attachments)
    return window, page.attachments, case_id


def test_adding_files_through_the_tab_shows_their_thumbnails(qtbot, db, tmp_path, monkeypatch):
    window, tab, case_id = _open_tab(qtbot, db)
    assert tab.list.count() == 0 and tab.empty.isVisibleTo(tab)
    photo = _photo(tmp_path / "façade nord.jpg")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(photo)], ""))
    tab.add_files()
    assert tab.list.count() == 1
    item = tab.list.item(0)
    assert item.text() == "façade nord.jpg\nprise le 14/03/2026"
    assert not item.icon().isNull()
    assert tab.list.isVisibleTo(tab) and not tab.empty.isVisibleTo(tab)
    with db.session() as session:
        stored = session.scalar(select(m.Attachment).where(m.Attachment.case_id == case_id))
        assert stored.content == photo.read_bytes()


def test_a_refused_file_is_explained_in_french_and_the_others_are_added(qtbot, db, tmp_path, monkeypatch):
    window, tab, case_id = _open_tab(qtbot, db)
    photo = _photo(tmp_path / "cuisine.jpg")
    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ\x90\x00")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(bad), str(photo)], ""))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    tab.add_files()
    assert len(warnings) == 1 and "notes.exe" in warnings[0] and "type accepté" in warnings[0]
    assert [tab.list.item(i).text().split("\n")[0] for i in range(tab.list.count())] == ["cuisine.jpg"]


def test_files_are_shown_in_the_order_they_were_taken_or_added(qtbot, db, tmp_path, monkeypatch):
    window, tab, case_id = _open_tab(qtbot, db)
    document = tmp_path / "courrier.pdf"
    document.write_bytes(b"%PDF-1.4\n%%EOF\n")
    photo = _photo(tmp_path / "cave.jpg")  # taken in March 2026, added after the letter
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(document), str(photo)], ""))
    tab.add_files()
    assert [tab.list.item(i).text().split("\n")[0] for i in range(tab.list.count())] == ["cave.jpg", "courrier.pdf"]


def test_removing_asks_first_then_deletes(qtbot, db, tmp_path, monkeypatch):
    window, tab, case_id = _open_tab(qtbot, db)
    photo = _photo(tmp_path / "cave.jpg")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(photo)], ""))
    tab.add_files()
    tab.list.item(0).setSelected(True)
    assert tab.remove_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    tab.remove_selected()
    assert tab.list.count() == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    tab.remove_selected()
    assert tab.list.count() == 0
    with db.session() as session:
        assert session.scalar(select(func.count(m.Attachment.id))) == 0


def test_an_attachment_opens_in_the_system_viewer_and_can_be_saved_as_a_copy(qtbot, db, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QDesktopServices

    window, tab, case_id = _open_tab(qtbot, db)
    assert not tab.open_button.isEnabled() and not tab.save_button.isEnabled()  # nothing chosen yet
    photo = _photo(tmp_path / "façade nord.jpg")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(photo)], ""))
    tab.add_files()
    tab.list.setCurrentRow(0)
    assert tab.open_button.isEnabled() and tab.save_button.isEnabled()

    opened = []  # the viewer itself is the desktop's: here we only see which file it was given
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    qtbot.keyClick(tab.list, Qt.Key_Return)
    assert len(opened) == 1 and opened[0].endswith("façade nord.jpg")
    assert open(opened[0], "rb").read() == photo.read_bytes()
    import os
    import stat

    folder = os.path.dirname(os.path.dirname(opened[0]))
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700  # other users of the machine cannot read it

    copy = tmp_path / "copie.jpg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), ""))
    assert tab.save_selected() == copy and copy.read_bytes() == photo.read_bytes()
    with db.session() as session:
        reads = session.scalar(select(func.count(m.AuditEvent.id)).where(
            m.AuditEvent.action == "piece_jointe.consultation"))
    assert reads == 2  # both readings are in the audit trail


def test_an_agent_cannot_read_an_attachment_outside_their_scope(db, tmp_path):
    import pytest

    from core.errors import PermissionDenied
    from core.services.attachments import add_attachment, read_attachment
    from tests.core.trade_helpers import make_user

    manager = make_user(db, login="chef", role="manager")
    case_id = new_case(db, manager)
    attachment_id = add_attachment(db, manager, case_id, "façade.jpg", _photo(tmp_path / "f.jpg").read_bytes()).entity_id
    outsider = make_user(db, login="agt", role="agent")
    with pytest.raises(PermissionDenied, match="secteurs"):
        read_attachment(db, outsider, attachment_id)
    assert read_attachment(db, manager, attachment_id)[0] == "façade.jpg"
