"""The case file page: header (reference, household, address, status, priority, objectives) and tabs.

Each tab has `load(case)` called with a freshly read case, and may have
`is_dirty()`, `save() -> bool`, `discard()`.
"""
from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.scoring import case_criticality
from db import models as m
from db.vocab import CASE_STATUSES, PRIORITIES, label

STATUS_COLOURS = {"nouveau": "#1a73e8", "en_cours": "#188038", "en_attente": "#c25e00", "clos": "#5f6368"}
PRIORITY_COLOURS = {"urgente": "#b3261e", "haute": "#c25e00"}


def load_case(session, case_id: int) -> m.Case | None:
    return session.get(m.Case, case_id, options=[
        selectinload(m.Case.household), selectinload(m.Case.dwelling).selectinload(m.Dwelling.commune),
        selectinload(m.Case.dwelling).selectinload(m.Dwelling.neighbourhood),
        selectinload(m.Case.dwelling).selectinload(m.Dwelling.landlord),
        selectinload(m.Case.agent), selectinload(m.Case.kinds), selectinload(m.Case.objectives)])


def warm_up(database) -> None:
    """Import the case file's modules and run its reading queries once, off the GUI thread.

    SQLAlchemy compiles each statement on its first use: for the case file's ~60
    statements that made the first opening ~60 ms longer than the next ones.
    """
    from core.scoring import case_criticality, grid_maxima
    from gui.case_file import attachments_tab, disorders_tab, journal_tab, relocation_tab  # noqa: F401
    from gui.case_file.lists_tabs import ReferralsTab, TasksTab, VisitsTab
    from gui.case_file.summary_tab import reference_choices

    with database.session() as session:
        case_id = session.scalar(select(m.Case.id).order_by(m.Case.id.desc()).limit(1))
        case = load_case(session, case_id) if case_id is not None else None
        if case is None:
            return
        reference_choices(session)
        case_criticality(session, case.id)
        grid_maxima(session)
        for tab in (VisitsTab, ReferralsTab, TasksTab):
            tab.rows(None, session, case)  # their rows() reads only the session and the case


class CaseFilePage(QWidget):
    def __init__(self, window, case_id: int, parent=None, load_now: bool = True):
        """load_now=False: the tabs are filled by finish_loading(), on a later turn of the event loop."""
        from gui.case_file.attachments_tab import AttachmentsTab
        from gui.case_file.disorders_tab import DisordersTab
        from gui.case_file.journal_tab import JournalTab
        from gui.case_file.lists_tabs import ReferralsTab, TasksTab, VisitsTab
        from gui.case_file.relocation_tab import RelocationTab
        from gui.case_file.summary_tab import SummaryTab

        super().__init__(parent)
        self.window = window
        self.database = window.database
        self.actor = window.actor
        self.case_id = case_id
        self.case: m.Case | None = None
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.address = QLabel()
        self.badges = QLabel()
        self.badges.setWordWrap(True)  # a long header wraps instead of widening the window
        self.objectives = QLabel()
        self.objectives.setWordWrap(True)
        back = QPushButton("← Liste des dossiers")
        back.setToolTip("Revenir à la liste (Ctrl+W)")
        back.clicked.connect(window.close_case)
        status_button = QPushButton("Changer le statut…")
        status_button.setToolTip("Ctrl+Maj+S")
        status_button.clicked.connect(self.change_status)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(status_button)
        top.addWidget(back)
        self.tabs = QTabWidget()
        self.summary = SummaryTab(self)
        self.disorders = DisordersTab(self)
        self.visits = VisitsTab(self)
        self.referrals = ReferralsTab(self)
        self.relocation = RelocationTab(self)
        self.journal = JournalTab(self)
        self.attachments = AttachmentsTab(self)
        self.tasks = TasksTab(self)
        for tab, caption in ((self.summary, "&Synthèse"), (self.disorders, "&Désordres"), (self.visits, "&Visites"),
                             (self.referrals, "Sa&isines"), (self.relocation, "&Relogement"),
                             (self.journal, "&Journal"), (self.attachments, "&Pièces jointes"),
                             (self.tasks, "É&chéances")):
            self.tabs.addTab(tab, caption)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.address)
        layout.addWidget(self.badges)
        layout.addWidget(self.objectives)
        layout.addWidget(self.tabs, 1)
        self.loaded = False
        if load_now:
            self.finish_loading()
        else:
            self.title.setText("Chargement du dossier…")
            self.tabs.setEnabled(False)  # nothing typed into a form its data is about to replace

    def finish_loading(self) -> None:
        if not self.loaded:
            self.reload()
            self.loaded = True
            self.tabs.setEnabled(True)

    def load_in_steps(self, on_done=None) -> None:
        """Fill the page in two turns of the event loop (header and open tab, then the others), in one read
        session: at 100,000 cases no turn holds the window more than a few tens of milliseconds."""
        from contextlib import ExitStack

        from PySide6.QtCore import QTimer

        from gui.widgets import alive

        stack = ExitStack()
        session = stack.enter_context(self.database.session())
        visible = self.tabs.currentWidget()
        hidden = [tab for tab in self.all_tabs() if tab is not visible]
        # What the user sees first (header, open tab), then the other tabs together: a turn of the event loop
        # costs a repaint, and all hidden tabs take ~20 ms to fill at 100,000 cases.
        steps = [lambda: (self._load_header(session), self.case is not None and visible.load(session, self.case)),
                 lambda: [tab.load(session, self.case) for tab in hidden]]

        def run_next() -> None:
            if not alive(self):  # closed meanwhile
                stack.close()
                return
            try:
                steps.pop(0)()
            except BaseException:
                stack.close()
                raise
            if steps and self.case is not None:
                QTimer.singleShot(0, run_next)
                return
            stack.close()
            self.loaded = True
            self.tabs.setEnabled(True)
            if on_done is not None:
                on_done()

        run_next()

    def _load_header(self, session) -> None:
        self.case = load_case(session, self.case_id)
        if self.case is None:
            self.title.setText("Dossier introuvable")
        else:
            self._fill_header(self.case, session)

    def all_tabs(self) -> list[QWidget]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def reload(self) -> None:
        with self.database.session() as session:
            self._load_header(session)
            if self.case is not None:
                for tab in self.all_tabs():
                    tab.load(session, self.case)

    def refresh(self) -> None:
        """Called when the page is shown: nothing to do, tabs reload after each write."""

    def _fill_header(self, case: m.Case, session) -> None:
        self.title.setText(f"{case.reference} — {case.household.display_name}")
        dwelling = case.dwelling
        place = ""
        if dwelling.neighbourhood is not None:
            qpv = " (QPV)" if dwelling.neighbourhood.is_qpv else ""
            place = f" — quartier {dwelling.neighbourhood.name}{qpv}"
        self.address.setText(dwelling.full_address + place)
        status_colour = STATUS_COLOURS.get(case.status, "#202124")
        priority = label(PRIORITIES, case.priority)
        priority_colour = PRIORITY_COLOURS.get(case.priority, "#202124")
        agent = case.agent.full_name if case.agent else "aucun agent"
        kinds = ", ".join(k.label for k in case.kinds) or "type non précisé"
        criticality = case_criticality(session, case.id)
        self.badges.setText(
            f"Statut : <b style='color:{status_colour}'>{label(CASE_STATUSES, case.status)}</b>"
            f" &nbsp;·&nbsp; Priorité : <b style='color:{priority_colour}'>{priority}</b>"
            f" &nbsp;·&nbsp; Criticité : <b>{criticality.overall}/100</b> ({criticality.band_label.lower()})"
            f" &nbsp;·&nbsp; {kinds} &nbsp;·&nbsp; Suivi par {agent}"
            f" &nbsp;·&nbsp; Signalé le {case.opened_on:%d/%m/%Y}"
            + (f" &nbsp;·&nbsp; Clos le {case.closed_on:%d/%m/%Y}" if case.closed_on else ""))
        objectives = "; ".join(f"{o.code} {o.label}" for o in case.objectives)
        self.objectives.setText(f"Objectifs : {objectives}" if objectives else "Objectifs : aucun objectif rattaché")

    def count_text(self) -> str:
        return self.case.reference if self.case else ""

    # -- writes --------------------------------------------------------------------
    def changed(self) -> None:
        """After a service call: reload this case and tell the other views."""
        self.window.cases_changed({self.case_id})
        dirty = {tab: tab.is_dirty() for tab in self.all_tabs() if hasattr(tab, "is_dirty")}
        with self.database.session() as session:
            self.case = load_case(session, self.case_id)
            self._fill_header(self.case, session)
            for tab in self.all_tabs():
                if not dirty.get(tab):
                    tab.load(session, self.case)

    def has_unsaved_changes(self) -> bool:
        return any(tab.is_dirty() for tab in self.all_tabs() if hasattr(tab, "is_dirty"))

    def save(self) -> bool:
        for tab in self.all_tabs():
            if hasattr(tab, "is_dirty") and tab.is_dirty():
                if not tab.save():
                    self.tabs.setCurrentWidget(tab)
                    return False
        return True

    def discard_changes(self) -> None:
        for tab in self.all_tabs():
            if hasattr(tab, "discard"):
                tab.discard()

    def change_status(self) -> None:
        from gui.case_file.status_dialog import StatusDialog

        if self.case is not None and StatusDialog(self, self.case).exec():
            self.changed()

    def add_note(self) -> None:
        self.tabs.setCurrentWidget(self.journal)
        self.journal.focus_note()

    def print_current(self) -> None:
        """Ctrl+P on a case: the fiche de suivi (gui/pdf_actions.py)."""
        from gui import pdf_actions

        pdf_actions.print_case(self.window, self.case_id)

    def save_state(self, settings: QSettings) -> None:
        for tab in self.all_tabs():
            if hasattr(tab, "save_state"):
                tab.save_state(settings)
