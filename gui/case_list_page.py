"""Dossiers: search as you type, a filter bar, saved filters, a lazy list over ids.

The core filters, searches and sorts (core.case_list); the id query runs in the
thread pool so typing never waits for it.
"""
from __future__ import annotations

import dataclasses
import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core import saved_filters
from core.case_list import COLUMNS, CaseQuery
from core.queries.case_list import (case_list_choices, case_list_count, case_list_first_page, case_list_ids,
                                    case_list_rows,
                                    saved_filter, saved_filter_names)
from core.scoring import BAND_LABELS
from db.vocab import CASE_STATUSES, PRIORITIES
from core.formatting import fr_count, fr_number
from gui.case_table_model import CHECKOUT_COLUMN, PAGE_SIZE, CaseTableModel, marker_icon
from gui.tool_row import ToolRow
from gui.widgets import DataTable, EmptyState, after_next_paint, alive, title_label
from gui.column_fit import ColumnFitter
from gui.workers import reserve, run_in_background

FIRST_ROWS = 60  # rows read with a list's first page: more than a tall window shows; the rest come with the list
FIRST_WHOLE_LIST_DELAY_MS = 400  # after the first screen of the session; later lists read theirs at once
OPEN_STATUSES = ("nouveau", "en_cours", "en_attente")
DEFAULT_WIDTHS = (115, 175, 230, 125, 175, 85, 75, 145, 110, 190)
# The long texts, in the order they give up width when the window is narrow, with the share each keeps at
# least (gui.column_fit): the address first, the household's name last. The others are never cut.
_GIVES_WAY = (("address", 0.3), ("kinds", 0.4), ("neighbourhood", 0.7), ("household", 0.65))
FLEXIBLE_COLUMNS = {[key for key, _h in COLUMNS].index(key): keep for key, keep in _GIVES_WAY}


def index_of(combo: QComboBox, wanted: tuple) -> int:
    """Index of the item whose data is this tuple (Qt hands tuples back as lists)."""
    return next((i for i in range(combo.count()) if tuple(combo.itemData(i) or ()) == tuple(wanted)), 0)


def marker_legend() -> ToolRow:
    """What the dots and the ring beside a reference mean, shown under the list (no hovering needed)."""
    legend = ToolRow()
    legend.addWidget(QLabel("Repères :"))
    for priority, overdue, words in (("haute", False, "priorité haute"), ("urgente", False, "priorité urgente"),
                                     ("normale", True, "en retard (échéance, saisine ou visite dépassée)")):
        entry = QWidget()  # the mark and its words stay together when the row wraps
        box = QHBoxLayout(entry)
        box.setContentsMargins(0, 0, 0, 0)
        mark = QLabel()
        mark.setPixmap(marker_icon(priority, overdue).pixmap(14, 14))
        box.addWidget(mark)
        box.addWidget(QLabel(words))
        legend.addWidget(entry)
    return legend


def make_query(**values) -> CaseQuery:
    """A CaseQuery from the filter values the core knows (unknown ones are ignored)."""
    known = {f.name for f in dataclasses.fields(CaseQuery)}
    return CaseQuery(**{k: v for k, v in values.items() if k in known})


class CaseListPage(QWidget):
    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.database = window.database
        self.model = CaseTableModel(self.database, self, actor=window.actor)
        self.model.loader = self._load
        self.total = 0
        self._stale = True
        self._overdue_all: frozenset[int] | None = None  # every late case the actor may see, once read whole
        self._total_known: int | None = None  # how many cases the actor may see, until the data changes
        self._generation = 0
        self._started = False  # the first list of the session delays its whole ids (FIRST_WHOLE_LIST_DELAY_MS)
        self._search_timer = QTimer(self, singleShot=True, interval=150, timeout=self.apply_filters)
        self._build()

    # -- layout ------------------------------------------------------------------
    def _build(self) -> None:
        self.search_edit = QLineEdit(placeholderText="Rechercher : référence, nom, adresse, téléphone, note…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Recherche de dossiers")
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._open_first_if_single)
        new_button = QPushButton("Nouveau dossier…")
        new_button.clicked.connect(self.window.new_case)
        top = QHBoxLayout()
        top.addWidget(title_label("Dossiers"))
        top.addWidget(self.search_edit, 1)

        self.status_combo = QComboBox()
        self.status_combo.addItem("Dossiers ouverts", OPEN_STATUSES)
        self.status_combo.addItem("Tous les statuts", ())
        for code, text in CASE_STATUSES.items():
            self.status_combo.addItem(text, (code,))
        self.priority_combo = QComboBox()
        self.priority_combo.addItem("Toutes priorités", ())
        self.priority_combo.addItem("Haute ou urgente", ("haute", "urgente"))
        for code, text in PRIORITIES.items():
            self.priority_combo.addItem(text, (code,))
        self.kind_combo = QComboBox()
        self.band_combo = QComboBox()
        self.band_combo.addItem("Toute criticité", ())
        for code, text in BAND_LABELS.items():
            self.band_combo.addItem(text, (code,))
        self.agent_combo = QComboBox()
        self.neighbourhood_combo = QComboBox()
        self.mine_check = QCheckBox("Mes dossiers")
        self.overdue_check = QCheckBox("En retard")
        self.overdue_check.setToolTip("Dossiers ayant au moins une échéance dépassée")
        self.combos = (self.status_combo, self.priority_combo, self.kind_combo, self.band_combo, self.agent_combo,
                       self.neighbourhood_combo)
        for combo in self.combos:
            # Combos of a set width: the row wraps on a narrow window; the full text shows when open.
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(15)  # the filter row wraps: room for « Dossiers ouverts »
        for widget in self.combos:
            widget.currentIndexChanged.connect(lambda _i: self.apply_filters())
        for box in (self.mine_check, self.overdue_check):
            box.toggled.connect(lambda _on: self.apply_filters())
        # A push button with a menu keeps room for its arrow: a tool button drew it over the last letter.
        self.saved_button = QPushButton("Filtres enregistrés")
        self.saved_menu = QMenu(self)
        self.saved_menu.aboutToShow.connect(self._fill_saved_menu)
        self.saved_button.setMenu(self.saved_menu)
        bar = ToolRow()  # wraps when the window is narrow or the text large
        for widget, tip in ((self.status_combo, "Statut"), (self.priority_combo, "Priorité"),
                            (self.kind_combo, "Type de dossier"), (self.band_combo, "Criticité"),
                            (self.agent_combo, "Agent"), (self.neighbourhood_combo, "Quartier")):
            widget.setToolTip(tip)
            widget.setAccessibleName(tip)
            bar.addWidget(widget)
        for widget in (self.mine_check, self.overdue_check, self.saved_button, new_button):
            bar.addWidget(widget)

        self.table = DataTable(self.model, name="Liste des dossiers")
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(len(COLUMNS) - 1, Qt.DescendingOrder)
        self.table.set_widths(DEFAULT_WIDTHS)
        # « emporté par … » beside the status, where the eye looks for what is happening to a case
        self.table.horizontalHeader().moveSection(CHECKOUT_COLUMN, [key for key, _ in COLUMNS].index("status") + 1)
        self.column_fit = ColumnFitter(self.table, flexible=FLEXIBLE_COLUMNS)
        self.table.activated_row.connect(self.open_row)
        self.empty_label = EmptyState(self._nothing_yet_text())
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(marker_legend())
        layout.addWidget(self.empty_label)
        self.empty_label.setVisible(False)
        order = (self.search_edit, *self.combos, self.mine_check, self.overdue_check, self.saved_button, new_button,
                 self.table)
        for first, second in zip(order, order[1:]):
            self.setTabOrder(first, second)
        self._fill_choices()
        self.table.remember("case_list")

    def _fill_choices(self) -> None:
        choices = case_list_choices(self.database, self.window.actor)
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        self.kind_combo.addItem("Tous les types", ())
        for code, text in choices.kinds:
            self.kind_combo.addItem(text, (code,))
        self.kind_combo.blockSignals(False)
        for combo, first in ((self.agent_combo, "Tous les agents"), (self.neighbourhood_combo, "Tous les quartiers")):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
        self.agent_combo.addItem("Sans agent", 0)
        for user_id, name in choices.agents:
            self.agent_combo.addItem(name, user_id)
        for place_id, name in choices.neighbourhoods:
            self.neighbourhood_combo.addItem(name, place_id)

        for combo in (self.agent_combo, self.neighbourhood_combo):
            combo.blockSignals(False)

    # -- filters -------------------------------------------------------------------
    def filter_values(self) -> dict:
        agent = self.agent_combo.currentData()
        if self.mine_check.isChecked() and self.window.actor.user_id is not None:
            agent = self.window.actor.user_id
        return {
            "text": self.search_edit.text(),
            "statuses": tuple(self.status_combo.currentData() or ()),
            "priorities": tuple(self.priority_combo.currentData() or ()),
            "kinds": tuple(self.kind_combo.currentData() or ()),
            "criticality_bands": tuple(self.band_combo.currentData() or ()),
            "agent_id": agent or None,
            "unassigned": agent == 0,
            "neighbourhood_id": self.neighbourhood_combo.currentData(),
            "overdue_only": self.overdue_check.isChecked(),
            "mine": self.mine_check.isChecked(),
        }

    def set_filter_values(self, values: dict) -> None:
        widgets = (*self.combos, self.mine_check, self.overdue_check, self.search_edit)
        for widget in widgets:
            widget.blockSignals(True)
        self.search_edit.setText(values.get("text", ""))
        for combo, key in ((self.status_combo, "statuses"), (self.priority_combo, "priorities"),
                           (self.kind_combo, "kinds"), (self.band_combo, "criticality_bands")):
            wanted = tuple(values.get(key) or ())
            combo.setCurrentIndex(max(0, index_of(combo, wanted)))
        agent = 0 if values.get("unassigned") else values.get("agent_id")
        for combo, value in ((self.agent_combo, agent), (self.neighbourhood_combo, values.get("neighbourhood_id"))):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.mine_check.setChecked(bool(values.get("mine")))
        self.overdue_check.setChecked(bool(values.get("overdue_only")))
        for widget in widgets:
            widget.blockSignals(False)
        self.apply_filters()

    def current_query(self) -> CaseQuery:
        values = self.filter_values()
        values.pop("mine")
        query = self.model.query
        return make_query(**values, sort=query.sort, descending=query.descending)

    def apply_filters(self) -> None:
        self._search_timer.stop()  # applied now: the typing pause's load would read the same list again
        self._load(self.current_query())

    def _load(self, query: CaseQuery) -> None:
        """Load in the pool, first page first; only the latest request is shown.

        The first page (with its rows) takes a few milliseconds where the full sorted id
        list of 100,000 cases takes 0.1-0.2 s: the user sees the sorted or searched list
        at once, and the rest of it is appended when ready.
        """
        if not self.isVisible():
            # Built but not shown (start-up, restored sort order): load when shown, not in the background now.
            self.model.query = query
            self._stale = True
            return
        self._generation += 1
        generation = self._generation
        database, actor = self.database, self.window.actor
        # Overdue markers change with the data, not with a search or a sort: the whole set, once read, serves
        # every list until the data changes (mark_overdue_stale).
        known_overdue, known_total = self._overdue_all, self._total_known
        row_height = max(1, self.table.verticalHeader().defaultSectionSize())
        rows_of_first = max(FIRST_ROWS, 2 * self.table.viewport().height() // row_height)  # a tall screen's too

        def first_page():  # an agent sees only their sectors and assigned cases (core.queries.case_list)
            return case_list_first_page(database, actor, query, PAGE_SIZE, known_overdue, known_total,
                                        rows_of_first=rows_of_first)

        without_rows: list[int] = []  # the first page's cases whose rows come with the rest of the list

        def whole_list():
            whole = case_list_ids(database, actor, query, with_overdue=known_overdue is None)
            total = case_list_count(database, actor)  # read again here, off the search's path: others may add cases
            rows = case_list_rows(database, actor, without_rows) if without_rows else {}
            return whole, total, rows

        def first_done(page):
            if generation != self._generation or not alive(self):  # newer request, or window closed meanwhile
                return
            self.total = self._total_known = page.total
            complete = len(page.ids) < PAGE_SIZE
            without_rows.extend(i for i in page.ids if i not in page.rows)
            self.model.set_ids(list(page.ids), query, set(page.overdue), rows=page.rows, complete=complete)
            self._after_load()
            first_of_session, self._started = not self._started, True
            if complete:
                return
            if not first_of_session:
                # Read once the first rows are on screen: their paint then has the interpreter to itself (and
                # the case file's warm-up, which waits for no job to run, does not start in between either).
                release = reserve()

                def read_whole_list() -> None:
                    if generation == self._generation and alive(self):
                        run_in_background(whole_list, whole_done, busy=busy)
                    release()

                after_next_paint(self.table.viewport(), read_whole_list)
                return
            # The first list of the session: its 100,000 ids are not needed to show the first screen, and a
            # search typed at once would have shared the interpreter with them, then dropped them.
            QTimer.singleShot(FIRST_WHOLE_LIST_DELAY_MS, lambda: generation == self._generation and alive(self)
                              and run_in_background(whole_list, whole_done, busy=busy))

        def whole_done(result):
            if generation != self._generation or not alive(self):
                return
            whole, total, rows = result
            overdue = known_overdue if known_overdue is not None else whole.overdue
            if known_overdue is None and whole.overdue_everywhere:
                self._overdue_all = frozenset(overdue)
            self.model.cache.update(rows)
            self.total = self._total_known = total
            self.model.complete_ids(list(whole.ids), set(overdue))
            self._after_load()

        window = self.window

        def busy(on: bool) -> None:
            if alive(window):
                window.set_busy(on)

        run_in_background(first_page, first_done, busy=busy)

    def load_now(self) -> None:
        """Synchronous reload (tests and screenshots need the list at once)."""
        query = self.current_query()
        self._generation += 1
        whole = case_list_ids(self.database, self.window.actor, query)
        if whole.overdue_everywhere:
            self._overdue_all = whole.overdue
        self.total = self._total_known = case_list_count(self.database, self.window.actor)
        self.model.set_ids(list(whole.ids), query, set(whole.overdue))
        self._after_load()

    def listed_ids(self) -> list[int]:
        """Every case of the list as filtered and sorted, even while only its first page is shown."""
        if self.model.complete:
            return list(self.model.ids)
        return list(case_list_ids(self.database, self.window.actor, self.model.query, with_overdue=False).ids)

    def _nothing_yet_text(self) -> str:
        if self.window.actor.role == "agent":
            return ("Aucun dossier dans vos secteurs ni attribué à vous pour l'instant. Créez-en un avec Ctrl+N "
                    "(Fichier › Nouveau dossier), ou demandez à votre responsable de vous attribuer des dossiers.")
        return ("Aucun dossier pour l'instant. Créez le premier avec Ctrl+N (Fichier › Nouveau dossier), ou reprenez "
                "un tableur ou un export Signal Logement avec Fichier › Importer….")

    def _after_load(self) -> None:
        shown = self.model.rowCount()
        self._stale = False
        if self.total == 0:
            self.empty_label.setText(self._nothing_yet_text())
        else:
            self.empty_label.setText("Aucun dossier ne correspond à la recherche ou aux filtres.")
        self.empty_label.setVisible(shown == 0)
        if self.window.current_page() is self:
            self.window.count_label.setText(self.count_text())

    def count_text(self) -> str:
        if not self.model.complete:
            return f"{fr_number(self.model.rowCount())} premiers dossiers affichés, suite en cours de chargement…"
        shown = self.model.rowCount()
        if shown != self.total:
            return f"{fr_number(shown)} / {fr_count(self.total, 'dossier')}"
        return fr_count(self.total, "dossier")

    # -- page protocol ---------------------------------------------------------------
    def refresh(self) -> None:
        if self._stale:
            self._stale = False
            if self.model.rowCount() == 0:
                self.empty_label.setText("Chargement des dossiers…")
                self.empty_label.setVisible(True)
            self._load(self.current_query())

    def showEvent(self, event):  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refresh()  # a load deferred while the page was hidden happens now

    def mark_overdue_stale(self) -> None:
        """Late markers are recomputed with the next load (new échéances may have made cases late)."""
        self._overdue_all = None

    def mark_stale(self) -> None:
        self._stale = True
        self._overdue_all = self._total_known = None
        if self.isVisible():
            self.apply_filters()

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def open_row(self, row: int) -> None:
        case_id = self.model.case_id_at(row)
        if case_id is not None:
            self.window.open_case(case_id, deferred=True)

    def _open_first_if_single(self) -> None:
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.load_now()
        if self.model.rowCount() >= 1:
            self.table.setFocus()
            self.table.selectRow(0)
            if self.model.rowCount() == 1:
                self.open_row(0)

    # -- saved filters -----------------------------------------------------------------
    def _fill_saved_menu(self) -> None:
        self.saved_menu.clear()
        names = saved_filter_names(self.database, self.window.actor)
        for name in names:
            self.saved_menu.addAction(name, lambda n=name: self.apply_saved(n))
        if not names:
            self.saved_menu.addAction("Aucun filtre enregistré").setEnabled(False)
        self.saved_menu.addSeparator()
        self.saved_menu.addAction("Enregistrer les filtres actuels…", self.save_current_filter)
        if names:
            delete = self.saved_menu.addMenu("Supprimer")
            for name in names:
                delete.addAction(name, lambda n=name: saved_filters.delete(self.database, self.window.actor, n))

    def save_current_filter(self) -> None:
        name, ok = QInputDialog.getText(self, "Enregistrer les filtres", "Nom du filtre :")
        if ok and name.strip():
            saved_filters.save(self.database, self.window.actor, name.strip(), json.dumps(self.filter_values()))

    def apply_saved(self, name: str) -> None:
        definition = saved_filter(self.database, self.window.actor, name)
        if definition is not None:
            self.set_filter_values(json.loads(definition))
