"""The case file page: header (reference, household, address, status, priority, objectives) and tabs.

Each tab names the part of the case file it shows (`PART`, a read of core.queries.case_tabs.CASE_FILE_PARTS)
and has `show_data(data)` called with what that read returned (plain data, no session); it may have
`is_dirty()`, `save() -> bool`, `discard()`. After a write, only the parts its `Changes` may have touched
are read again (PARTS_CHANGED_BY).

The page is built once per window (ahead, a piece per turn of the event loop: `build_step`) and shows every
case opened afterwards (`show_case`): a tab may have `forget()`, called before another case fills it, to drop
what `show_data` does not replace (a note being typed, filters, an error), and `build_steps`, the parts of its
construction left for later turns.
"""
from __future__ import annotations

import importlib

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from core.errors import DomainError, NotFound
from core.queries.case_file import CaseHeader
from core.audit import record_case_opened
from core.drafts import load_draft
from core.queries.case_tabs import CASE_FILE_PARTS, case_file_parts
from gui.drafts import NOT_READ, journal_draft_key
from db.vocab import CASE_STATUSES, PRIORITIES, label
from gui.palette import colour
from gui.tool_row import ToolRow
from gui.widgets import alive, relative_font
from gui.workers import run_in_background

STATUS_COLOURS = {"nouveau": colour("info"), "en_cours": colour("success"), "en_attente": colour("warning"), "clos": colour("muted")}
PRIORITY_COLOURS = {"urgente": colour("danger"), "haute": colour("warning")}
# Alt+letter of the tabs below: a button or caption inside a tab takes another one.
TAB_MNEMONICS = "sdvirjpc"
# The tabs in their order: (page attribute, caption), and the class of each (imported when first built).
TABS = (("summary", "&Synthèse"), ("disorders", "&Désordres"), ("visits", "&Visites"), ("referrals", "Sa&isines"),
        ("relocation", "&Relogement"), ("journal", "&Journal"), ("attachments", "&Pièces jointes"),
        ("tasks", "É&chéances"))
TAB_CLASSES = {
    "summary": ("gui.case_file.summary_tab", "SummaryTab"), "disorders": ("gui.case_file.disorders_tab", "DisordersTab"),
    "visits": ("gui.case_file.lists_tabs", "VisitsTab"), "referrals": ("gui.case_file.lists_tabs", "ReferralsTab"),
    "relocation": ("gui.case_file.relocation_tab", "RelocationTab"),
    "journal": ("gui.case_file.journal_tab", "JournalTab"),
    "attachments": ("gui.case_file.attachments_tab", "AttachmentsTab"), "tasks": ("gui.case_file.lists_tabs", "TasksTab"),
}
# What a write may have changed in the case file, by the entity its Changes names (the header and the
# journal, where services note what they did, are always read again).
PARTS_CHANGED_BY = {
    "case": ("summary", "disorders"), "household": ("summary", "disorders"), "dwelling": ("summary",),
    "visit": ("visits", "summary", "disorders", "attachments", "tasks"), "referral": ("referrals", "tasks"),
    "task": ("tasks",), "journal_entry": (), "relocation": ("relocation",), "proposal": ("relocation",),
    "attachment": ("attachments",),
}


def warm_up_steps(database, actor=None) -> list:
    """Import the case file's modules and run its reads once, off the GUI thread, in short steps.

    SQLAlchemy compiles each statement on its first use: for the case file's ~60 statements that made the
    first opening ~60 ms longer than the next ones. Each step holds the interpreter for 10-90 ms (about
    300 ms in all at 100,000 cases): run one at a time, when no other job is running, so that a search
    typed at start-up does not share the interpreter with all of it. The last step returns the forms'
    choice lists; the others return None.
    """
    from core.actor import SYSTEM

    actor = actor or SYSTEM  # apart from the form choices (returned), nothing read here is shown

    def tabs(*modules):
        def step() -> None:
            for module in modules:
                importlib.import_module(f"gui.case_file.{module}")
        return step

    def sealing_key():
        from core.audit import preload_sealing_key

        preload_sealing_key(database)  # the opening's audit event seals with it

    latest = []  # the case the reads warm up on, found by the first of them

    def parts(*names):
        def step() -> None:
            from core.queries.case_list import latest_case_id

            if not latest:
                latest.append(latest_case_id(database, actor))
            if latest[0] is not None:  # attachments left out: reading photos compiles nothing more
                case_file_parts(database, actor, latest[0], names)
        return step

    def relocation() -> None:
        from core.queries.case_list import latest_case_id

        case_id = latest_case_id(database, actor, with_relocation=True)
        if case_id is not None:
            case_file_parts(database, actor, case_id, ("relocation",))

    def choices():
        from core.queries.case_file import form_choices

        return form_choices(database, actor)

    # The reads split as the imports are: a search typed meanwhile waits for one of them, not for all.
    return [tabs("summary_tab"), tabs("disorders_tab", "attachments_tab"), tabs("lists_tabs", "journal_tab"),
            tabs("relocation_tab"), sealing_key, parts("header"), parts("summary"), parts("disorders", "visits"),
            parts("referrals", "tasks", "journal", "relocation"), relocation, choices]


def warm_up(database, actor=None):
    """Every step at once (a script or test that wants the case file ready); the forms' choice lists."""
    result = None
    for step in warm_up_steps(database, actor):
        result = step()
    return result


class CaseFilePage(QWidget):
    """Built once per window and reused for every case opened (show_case): building its eight tabs took
    longer than reading a case, on every opening."""

    def __init__(self, window, case_id: int | None = None, parent=None, load_now: bool = True):
        """load_now=False: the tabs are filled by finish_loading(), on a later turn of the event loop."""
        super().__init__(parent)
        self.window = window
        self.database = window.database
        self.actor = window.actor
        self.case_id: int | None = None
        self.case: CaseHeader | None = None
        self.loaded = False
        self.audit_in_first_read = False
        self.preloaded_journal_draft = NOT_READ
        self._polished = False
        self._opening = 0  # which show_case a background read belongs to (a later one makes it stale)
        self._build_header()
        self.tabs = QTabWidget()
        for attribute, _caption in TABS:
            setattr(self, attribute, None)  # built by build_step() or show_case()
        self.waiting = QLabel("Chargement du dossier…")
        self.waiting.setAlignment(Qt.AlignCenter)
        self.body = QStackedWidget()  # the tabs, or « Chargement » while they still show the previous case
        self.body.addWidget(self.tabs)
        self.body.addWidget(self.waiting)
        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        layout.addWidget(self.address)
        layout.addWidget(self.badges)
        layout.addWidget(self.objectives)
        layout.addWidget(self.body, 1)
        if case_id is not None:
            self.show_case(case_id, load_now)

    def _build_header(self) -> None:
        self.title = QLabel()
        relative_font(self.title, 1.65, bold=True)  # grows with the user's text size (was a fixed 15 pt)
        self.title.setWordWrap(True)
        self.address = QLabel()
        self.address.setWordWrap(True)
        self.badges = QLabel()
        self.badges.setWordWrap(True)  # a long header wraps instead of widening the window
        self.objectives = QLabel()
        self.objectives.setWordWrap(True)
        back = QPushButton("← Liste des dossiers")
        back.setToolTip("Revenir à la liste (Ctrl+W)")
        back.clicked.connect(self.window.close_case)
        status_button = QPushButton("Changer le statut…")
        status_button.setToolTip("Ctrl+Maj+S")
        status_button.clicked.connect(self.change_status)
        self.top = ToolRow(mnemonics=False)  # the buttons go under the title on a narrow window (Ctrl+Maj+S, Ctrl+W)
        self.top.addWidget(self.title)
        self.top.addStretch(1)
        self.top.addWidget(status_button)
        self.top.addWidget(back)

    def add_tab(self, attribute: str, caption: str) -> QWidget:
        """Build one tab, in its place among those already built."""
        if getattr(self, attribute, None) is None:
            module, name = TAB_CLASSES[attribute]
            tab = getattr(importlib.import_module(module), name)(self)
            setattr(self, attribute, tab)
            index = [a for a, _ in TABS].index(attribute)
            self.tabs.insertTab(sum(1 for a, _ in TABS[:index] if getattr(self, a, None) is not None), tab, caption)
        return getattr(self, attribute)

    def build_step(self) -> bool:
        """Build one more piece of the page (a tab, or a few fields of the Synthèse); False once it is whole."""
        for attribute, caption in TABS:
            tab = getattr(self, attribute, None)
            if tab is None:
                self.add_tab(attribute, caption)
                return True
            steps = getattr(tab, "build_steps", None)
            if steps:
                steps.pop(0)()
                return True
        if not self._polished:  # style and fonts of its ~600 widgets, done here rather than at the first opening
            self._polished = True
            self.ensurePolished()
            return True
        return False

    def build_whole(self) -> None:
        while self.build_step():
            pass

    def show_case(self, case_id: int, load_now: bool = True) -> None:
        """Show this case in the page's widgets: what the previous case left (header, a note being typed, the
        journal's filters, errors) is cleared, and the tabs stay out of sight until the new data fills them."""
        self.build_whole()
        self._opening += 1
        self.case_id = case_id
        self.case = None
        self.loaded = False
        self.audit_in_first_read = not load_now  # a stepwise opening audits in the pool, with its first read
        self.preloaded_journal_draft = NOT_READ
        self.title.setText("Chargement du dossier…")
        self.waiting.setText("Chargement du dossier…")
        for caption in (self.address, self.badges, self.objectives):
            caption.clear()
        for tab in self.all_tabs():
            if hasattr(tab, "forget"):
                tab.forget()
        self.tabs.setCurrentIndex(0)
        # Nothing typed into a form its data is about to replace: the tabs are out of sight until the header and
        # the open tab are filled, and the other tabs out of reach until they are (enabling or disabling the
        # whole page, hundreds of widgets, took ~20 ms each time).
        self.body.setCurrentWidget(self.waiting)
        self.tabs.tabBar().setEnabled(False)
        if load_now:
            self.finish_loading()

    def finish_loading(self) -> None:
        if not self.loaded:
            self.reload()
            self.loaded = True
            self.tabs.tabBar().setEnabled(True)

    def load_in_steps(self, on_done=None) -> None:
        """Read in the pool, fill on the GUI thread: first the header and the open tab, then the others.

        No session outlives a read: each step reads plain data (core.queries) in one short session
        off the GUI thread, and the widgets are filled from it when it arrives.
        """
        visible = self.tabs.currentWidget()
        first = ("header", visible.PART)
        opening = self._opening
        rest = tuple(tab.PART for tab in self.all_tabs() if tab is not visible)
        database, actor, case_id, audit_first = self.database, self.actor, self.case_id, self.audit_in_first_read

        def read(parts, audit=False):
            def job():
                if audit:  # the opening is audited before anything of the case is read (refused outside scope)
                    record_case_opened(database, actor, case_id)
                data = case_file_parts(database, actor, case_id, parts)
                if "journal" in parts:
                    data["journal_draft"] = load_draft(database, journal_draft_key(case_id), actor.user_id)
                return data

            return job

        def current() -> bool:  # not closed, and not showing another case since
            return alive(self) and self._opening == opening

        def first_done(data: dict) -> None:
            if current():
                self._show(data)

        def rest_done(data: dict) -> None:
            if not current():
                return
            self._show(data)
            self.loaded = True
            self.tabs.tabBar().setEnabled(True)
            if on_done is not None:
                on_done()

        def failed(info) -> None:
            if not current():
                return
            if isinstance(info[1], DomainError):
                self._show_missing(info[1])
                return
            import sys

            sys.excepthook(*info)

        def both(report):  # one job: the other tabs are read while the GUI thread fills the first one
            report(read(first, audit=audit_first)())
            return read(rest)()

        run_in_background(both, rest_done, on_error=failed, on_progress=first_done)

    def _show(self, data: dict) -> None:
        """Fill the header and the tabs whose part is in data (a tab being edited keeps its input)."""
        if "header" in data:
            self.case = data["header"]
            self._fill_header(self.case)
        if "journal_draft" in data:
            self.preloaded_journal_draft = data["journal_draft"]
        for tab in self.all_tabs():
            if tab.PART in data and not (hasattr(tab, "is_dirty") and tab.is_dirty()):
                tab.show_data(data[tab.PART])
        if self.case is not None:
            self.body.setCurrentWidget(self.tabs)

    def _show_missing(self, error: DomainError) -> None:
        """The case was deleted meanwhile, or (reassigned) is no longer within the agent's reach."""
        self.case = None
        self.waiting.setText("")
        self.body.setCurrentWidget(self.waiting)  # nothing of another case stays in sight
        self.title.setText("Dossier introuvable" if isinstance(error, NotFound) else "Dossier inaccessible")
        self.address.setText(error.message)
        self.badges.clear()
        self.objectives.clear()

    def ready_for_input(self) -> bool:
        """The forms show this case's data and take input (False while it is being read)."""
        return self.body.currentWidget() is self.tabs and self.tabs.tabBar().isEnabled()

    def all_tabs(self) -> list[QWidget]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def reload(self, parts: tuple[str, ...] = tuple(CASE_FILE_PARTS)) -> None:
        """Read these parts now (one short read session) and show them."""
        try:
            data = case_file_parts(self.database, self.actor, self.case_id, parts)
        except DomainError as error:
            self._show_missing(error)
            return
        self._show(data)

    def refresh(self) -> None:
        """Called when the page is shown: nothing to do, tabs reload after each write."""

    def _fill_header(self, case: CaseHeader) -> None:
        self.title.setText(f"{case.reference} — {case.household}")
        place = ""
        if case.neighbourhood is not None:
            place = f" — quartier {case.neighbourhood}{' (QPV)' if case.is_qpv else ''}"
        external = f" — référence Signal Logement : {case.external_reference}" if case.external_reference else ""
        self.address.setText(case.address + place + external)
        status_colour = STATUS_COLOURS.get(case.status, colour("text"))
        priority = label(PRIORITIES, case.priority)
        priority_colour = PRIORITY_COLOURS.get(case.priority, colour("text"))
        agent = case.agent or "aucun agent"
        kinds = ", ".join(case.kinds) or "type non précisé"
        self.badges.setText(
            f"Statut : <b style='color:{status_colour}'>{label(CASE_STATUSES, case.status)}</b>"
            f" &nbsp;·&nbsp; Priorité : <b style='color:{priority_colour}'>{priority}</b>"
            f" &nbsp;·&nbsp; Criticité : <b>{case.criticality}/100</b>, {case.criticality_band.lower()}"
            f" &nbsp;·&nbsp; {kinds} &nbsp;·&nbsp; Suivi par {agent}"
            f" &nbsp;·&nbsp; Signalé le {case.opened_on:%d/%m/%Y}"
            + (f" &nbsp;·&nbsp; Clos le {case.closed_on:%d/%m/%Y}" if case.closed_on else ""))
        objectives = "; ".join(case.objectives)
        self.objectives.setText(f"Objectifs : {objectives}" if objectives else "Objectifs : aucun objectif rattaché")

    def count_text(self) -> str:
        return self.case.reference if self.case else ""

    # -- writes --------------------------------------------------------------------
    def changed(self, changes=None) -> None:
        """After a service call: tell the other views, and read again what the write may have changed
        here (everything when the Changes is not known)."""
        if changes is not None:
            self.window.apply_changes(changes)  # only the views this write concerns (gui/view_refresh.py)
        else:
            self.window.cases_changed({self.case_id})
        entity = getattr(changes, "entity", None)
        if entity in PARTS_CHANGED_BY:
            parts = ("header", "journal", *PARTS_CHANGED_BY[entity])
            self.reload(tuple(dict.fromkeys(parts)))
        else:
            self.reload()

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

        if self.case is not None:
            dialog = StatusDialog(self, self.case)
            if dialog.exec():
                self.changed(dialog.result_changes)

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
