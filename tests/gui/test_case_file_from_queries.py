"""The case list's model and the case file's tabs, fed from core query results (no database), and the case
page reading off the GUI thread, refreshing only what a write's Changes names."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from PySide6.QtCore import Qt

from core.actor import Actor
from core.case_list import CaseRow
from core.queries.case_file import CaseDisorders, GridItem
from core.queries.case_tabs import ProposalLine, ReferralLine, RelocationView, TaskLine, VisitLine
from gui.case_table_model import CaseTableModel

TODAY = date.today()
AGENT = Actor(user_id=7, login="sabrina", role="agent", full_name="Sabrina Lemaire")


def stub_page():
    """What a tab asks of its page: no database is reached by showing data."""
    return SimpleNamespace(database=None, actor=AGENT, case_id=1, window=None, case=None)


def case_row(case_id: int, priority="normale") -> CaseRow:
    return CaseRow(id=case_id, reference=f"2026-{case_id:05d}", household=f"DUPONT{case_id} Léa",
                   address="12 rue Nationale, Lille", neighbourhood="Wazemmes", is_qpv=True, kinds="Habitat indigne",
                   status="en_cours", priority=priority, agent="Sabrina Lemaire",
                   last_activity=datetime(2026, 3, 2, 10, 0), opened_on=date(2026, 1, 5))


def test_the_case_table_model_shows_rows_handed_to_it_without_a_database(qapp):
    model = CaseTableModel(None, actor=AGENT)
    rows = {i: case_row(i, "urgente" if i == 2 else "normale") for i in (1, 2, 3)}
    model.set_ids([3, 2, 1], overdue={1}, rows=rows)
    assert model.rowCount() == 3
    assert model.index(0, 0).data() == "2026-00003"
    assert model.index(1, 6).data() == "Urgente"
    assert "Priorité urgente" in model.index(1, 0).data(Qt.ToolTipRole)
    assert "En retard" in model.index(2, 0).data(Qt.ToolTipRole)  # said in words, not only by the red ring
    assert model.index(0, 3).data(Qt.ToolTipRole).startswith("Quartier prioritaire")
    model.complete_ids([3, 2, 1, 4], {1})  # appended below: a row not read yet is simply empty here
    assert model.rowCount() == 4 and model.row_at(3) is None


def test_list_tabs_show_query_lines_and_say_what_is_late(qapp):
    from gui.case_file.lists_tabs import ReferralsTab, TasksTab, VisitsTab

    visits = VisitsTab(stub_page())
    visits.show_data((VisitLine(5, datetime(2026, 3, 1, 9), None, "conclusion_a_renseigner", "Visite technique",
                                ("Sabrina Lemaire",), (), "", "Humidité chambre"),))
    row = visits.model.rows[0]
    assert row["status"] == "Conclusion à renseigner" and row["_colour"] is not None and row["_tooltip"]
    referrals = ReferralsTab(stub_page())
    referrals.show_data((ReferralLine(8, TODAY - timedelta(days=40), "ARS", "Saturnisme", "en_cours",
                                      TODAY - timedelta(days=10), ""),))
    assert referrals.model.rows[0]["_tooltip"] == "Réponse attendue dépassée"
    tasks = TasksTab(stub_page())
    tasks.show_data((TaskLine(3, TODAY + timedelta(days=3), "Rappeler le bailleur", "Sabrina Lemaire", None),
                     TaskLine(4, TODAY - timedelta(days=3), "Relancer la CAF", "", None)))
    assert [r["_colour"] is not None for r in tasks.model.rows] == [False, True]
    tasks.show_data(())
    assert tasks.empty.isVisibleTo(tasks) and not tasks.table.isVisibleTo(tasks)


def relocation(**changes) -> RelocationView:
    view = RelocationView(
        id=4, status="en_cours", opened_on=date(2025, 9, 1), reason="Suroccupation", sne_number="059-25-0042",
        sne_filed_on=date(2025, 9, 3), sne_renewal=date(2026, 9, 3), dalo_recognized_on=None, syplo_labelled=False,
        needed_typology="T4", max_rent=650.0, wished_communes="Lille, Roubaix", needs_accessibility=False,
        floor_or_lift="", rehoused_on=None, new_address="", new_in_qpv=None, charge_before=None, charge_after=None,
        abandon_reason="",
        proposals=(ProposalLine(9, date(2026, 2, 1), "Vilogia", "T4 rue Lepelletier", "T4", 612.0, None, None,
                                "en_attente", ""),))
    return dataclasses.replace(view, **changes)


def test_the_relocation_tab_shows_the_renewal_date_and_the_proposals(qapp):
    from gui.case_file.relocation_tab import RelocationTab

    tab = RelocationTab(stub_page())
    tab.show_data(relocation())
    assert "à renouveler avant le 03/09/2026" in tab.details.text()
    assert tab.model.rows[0]["cal"] == "en attente" and tab.model.rows[0]["landlord"] == "Vilogia"
    assert not tab.buttons["open"].isVisibleTo(tab) and tab.buttons["proposal"].isVisibleTo(tab)
    tab.show_data(relocation(status="reloge", sne_renewal=None, rehoused_on=date(2026, 4, 2),
                             new_address="5 rue Solférino", new_in_qpv=False))
    assert "à renouveler" not in tab.details.text() and "Relogé le 02/04/2026" in tab.details.text()
    tab.show_data(None)
    assert tab.relocation_id is None and tab.buttons["open"].isVisibleTo(tab)


def test_the_disorders_tab_scores_ticks_from_the_grid_it_was_given(qapp):
    from gui.case_file.disorders_tab import DisordersTab

    grid = (GridItem(1, "logement", "Humidité", "Moisissures étendues", 8, False, ("Non-décence",)),
            GridItem(2, "logement", "Électricité", "Fils dénudés accessibles", 10, True, ("Danger imminent",)))
    tab = DisordersTab(stub_page())
    tab.show_data(CaseDisorders(grid, {1: "signale"}, {"logement": 18}, 1.0))
    first = tab.live_score()
    assert first > 0 and not tab.is_dirty()
    tab.tree_items[2].setCheckState(0, Qt.Checked)
    assert tab.live_score() > first and tab.is_dirty()
    assert "Danger : Fils dénudés accessibles" in tab.procedures.text()


def test_a_note_refreshes_only_the_header_and_the_journal(qtbot, demo_db, monkeypatch):
    import gui.case_file.page as page_module
    from tests.gui.test_workflows import open_case
    from tests.gui.typing import type_text

    window, page = open_case(qtbot, demo_db)
    read = []
    real = page_module.case_file_parts

    def recording(source, actor, case_id, parts=tuple(page_module.CASE_FILE_PARTS)):
        read.append(tuple(parts))
        return real(source, actor, case_id, parts)

    monkeypatch.setattr(page_module, "case_file_parts", recording)
    before = page.journal.model.rowCount()
    type_text(qtbot, page.journal.note, "Appel du ménage : rendez-vous pris")
    page.journal.add_button.click()
    assert read == [("header", "journal")]
    assert page.journal.model.rowCount() == before + 1


def test_the_stepwise_load_reads_off_the_gui_thread_and_keeps_no_connection(qtbot, demo_db, monkeypatch):
    import threading

    import gui.case_file.page as page_module
    from tests.gui.test_workflows import open_case

    window, page = open_case(qtbot, demo_db)
    case_id = page.case_id
    window.close_case()
    qtbot.waitUntil(lambda: window.warmed_up)  # the start-up warm-up's own reads are done
    reads = []
    real = page_module.case_file_parts

    def recording(source, actor, case_id, parts=tuple(page_module.CASE_FILE_PARTS)):
        reads.append((tuple(parts), threading.current_thread() is threading.main_thread()))
        return real(source, actor, case_id, parts)

    monkeypatch.setattr(page_module, "case_file_parts", recording)
    window.open_case(case_id, deferred=True)
    deferred = window.case_page
    qtbot.waitUntil(lambda: deferred.loaded)
    # Header and open tab first, then the other tabs; both reads in the pool, none on the GUI thread.
    assert [parts[:2] for parts, _ in reads] == [("header", "summary"), ("disorders", "visits")]
    assert not any(on_gui_thread for _, on_gui_thread in reads)
    assert demo_db.engine.pool.checkedout() == 0  # no session left open by the page
    assert deferred.journal.model.rowCount() > 0 and deferred.title.text().startswith(deferred.case.reference)


def test_the_header_shows_the_signal_logement_reference_when_there_is_one(qtbot, demo_db):
    from tests.gui.test_workflows import open_case

    _window, page = open_case(qtbot, demo_db)
    assert "Signal Logement" not in page.address.text()
    page._fill_header(dataclasses.replace(page.case, external_reference="SL-2026-004217"))
    assert "référence Signal Logement : SL-2026-004217" in page.address.text()


def test_the_legal_checks_and_the_header_read_without_stutter(qtbot, demo_db):
    """No « Conforme — Conforme : » and no « (moyenne (10 à 30)) » in what the agent reads."""
    from sqlalchemy import select as sql_select

    from core.auth import actor_for
    from db import models as models
    from gui.main_window import MainWindow

    with demo_db.session() as session:
        manager = actor_for(session.scalars(sql_select(models.User).where(models.User.role == "manager")).first())
        case_id = session.scalar(sql_select(models.Case.id).order_by(models.Case.id))
    window = MainWindow(demo_db, manager)
    qtbot.addWidget(window)
    window.open_case(case_id)
    page = window.case_page
    legal = page.summary.legal.text()
    assert "— Conforme :" not in legal and "— Non conforme :" not in legal and "— À venir :" not in legal
    assert "Criticité" in page.badges.text() and "))" not in page.badges.text()


def test_the_page_built_ahead_is_laid_out_out_of_sight_and_the_search_keeps_the_focus(qtbot, demo_db):
    """The case file is built and laid out at the window's size while the agent types in the list's search box:
    the list stays shown, the typing goes on in the box, and the first opening lays nothing out again."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    from gui.main_window import MainWindow
    from tests.gui.typing import type_text

    painted, windows = [], []

    class PaintWatch(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt API
            if event.type() == QEvent.Paint and windows:
                page = windows[0].case_page
                if page is not None and watched is getattr(page, "summary", None):
                    painted.append(page.isVisible())
            return False

    watch = PaintWatch()
    window = MainWindow(demo_db)
    windows.append(window)
    QCoreApplication.instance().installEventFilter(watch)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    window.show_view("dossiers")
    list_page = window.current_page()
    search = list_page.search_edit
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    shown = []
    window.stack.currentChanged.connect(shown.append)
    qtbot.waitUntil(lambda: window.case_page is not None and window.case_page.property("laid_out_at") is not None,
                    timeout=10_000)
    page = window.case_page
    qtbot.waitUntil(lambda: bool(painted), timeout=5000)  # painted once into an image, ahead of the first opening…
    QCoreApplication.instance().removeEventFilter(watch)
    assert painted == [False] and not page.isVisible()  # …never on screen
    assert window.current_page() is list_page and shown == []  # nothing else was shown meanwhile
    assert search.hasFocus()
    type_text(qtbot, search, "Lefè")
    assert search.text() == "Lefè"
    assert page.size() == window.stack.size() and page.summary.size().width() > 0
    laid_out = [tab.width() for tab in (page.summary, page.tabs)]
    window.open_case(list_page.model.case_id_at(0), deferred=True)
    qtbot.waitUntil(lambda: page.loaded)
    assert [tab.width() for tab in (page.summary, page.tabs)] == laid_out  # (the header's lines set the height)
