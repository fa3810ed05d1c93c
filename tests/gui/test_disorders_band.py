"""The Désordres tab's live criticality says what the saved score will be classed: « forte » on a danger."""
from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from core.scoring import case_criticality
from db import models as m
from tests.gui.test_workflows import make_window


def a_quiet_case(database) -> int:
    """An open case with a low score, no danger and no overcrowding."""
    with database.session() as session:
        for case_id in session.scalars(select(m.Case.id).where(m.Case.status != "clos").order_by(m.Case.id)):
            found = case_criticality(session, case_id)
            if not found.flags and found.overall < 15:
                return case_id
    raise AssertionError("the demo base has no quiet open case")


def test_ticking_a_danger_shows_forte_as_the_saved_score_will_be(qtbot, demo_db):
    case_id = a_quiet_case(demo_db)
    window = make_window(qtbot, demo_db)
    window.open_case(case_id)
    page = window.case_page
    tab = page.disorders
    page.tabs.setCurrentWidget(tab)
    assert "forte" not in tab.live.text()
    dangers = [row for item_id, row in tab.tree_items.items()
               if tab.items[item_id].is_danger and row.checkState(0) == Qt.Unchecked
               and row.flags() & Qt.ItemIsUserCheckable]
    lightest = min(dangers, key=lambda row: int(row.text(1)))
    lightest.setCheckState(0, Qt.Checked)
    assert tab.live_score() <= 30  # the score alone would say « moyenne » or « faible »…
    assert "classée forte à cause du danger signalé" in tab.live.text()  # …the label says what will be saved
    window.save_current()
    with demo_db.session() as session:
        saved = case_criticality(session, case_id)
    assert saved.band == "forte" and saved.overall == tab.live_score()
    assert saved.explanation.split(".")[0].split(", ", 1)[1] in tab.live.text()


def test_an_overcrowded_dwelling_is_forte_before_any_tick(qtbot, demo_db):
    case_id = a_quiet_case(demo_db)
    with demo_db.write() as session:
        case = session.get(m.Case, case_id)
        case.household.adults, case.household.children = 3, 2
        case.dwelling.living_area_m2 = 23.5  # five people in 23.5 m²
    window = make_window(qtbot, demo_db)
    window.open_case(case_id)
    tab = window.case_page.disorders
    window.case_page.tabs.setCurrentWidget(tab)
    with demo_db.session() as session:
        saved = case_criticality(session, case_id)
    assert saved.band == "forte" and saved.overcrowded
    assert "classée forte à cause de la suroccupation" in tab.live.text()
