"""The needs dialog of a relocation follow-up reads through core and saves against the version it read."""
from __future__ import annotations

from sqlalchemy import select

from core.auth import actor_for
from core.services.relocation import update_relocation
from db import models as m
from gui.main_window import MainWindow
from gui.relocation_dialogs import NeedsDialog
from tests.gui.test_form_conflicts import answer_conflict


def test_needs_saved_meanwhile_by_a_colleague_are_not_overwritten(qtbot, demo_db):
    with demo_db.session() as session:
        relocation = session.scalars(select(m.Relocation).where(m.Relocation.status == "en_cours")
                                     .order_by(m.Relocation.id)).first()
        case_id, relocation_id, communes = relocation.case_id, relocation.id, relocation.wished_communes
        colleague = actor_for(session.scalars(select(m.User).where(m.User.role == "admin")).first())
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    dialog = NeedsDialog(window, case_id, relocation_id)
    qtbot.addWidget(dialog)
    assert dialog.form.value("wished_communes") == communes  # the saved needs, read through core
    update_relocation(demo_db, colleague, relocation_id, {"wished_communes": "Roubaix"})
    dialog.form.fields["wished_communes"].setText("Lille, Hellemmes")
    seen = {}
    answer_conflict("Garder", seen)
    dialog.submit()
    assert dialog.result_changes is None
    assert "modifié entre-temps" in dialog.form.top_error.text() and "modifié entre-temps" in seen["text"]
    assert dialog.form.value("wished_communes") == "Lille, Hellemmes"  # kept as typed
    with demo_db.session() as session:
        assert session.get(m.Relocation, relocation_id).wished_communes == "Roubaix"
    fresh = NeedsDialog(window, case_id, relocation_id)
    qtbot.addWidget(fresh)
    fresh.form.fields["wished_communes"].setText("Lille, Hellemmes")
    fresh.submit()
    assert fresh.result_changes is not None and fresh.result_changes.fields == ["wished_communes"]
