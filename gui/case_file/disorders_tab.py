"""Désordres: the grid by zone and theme; ticking shows the criticality and procedures at once."""
from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from core.errors import DomainError
from core.queries.case_file import CaseDisorders, GridItem
from core.scoring import classed, score
from core.services.disorders import set_reported_disorders
from db.vocab import DISORDER_STATES, ZONES, label
from gui.palette import status_colour, style
from gui.rows_model import status_mark
from gui.widgets import relative_font, scaled

DANGER = status_colour("danger")


class DisordersTab(QWidget):
    PART = "disorders"

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.database = page.database
        self._loading = False
        self._dirty = False
        self.items: dict[int, GridItem] = {}
        self.tree_items: dict[int, QTreeWidgetItem] = {}
        self.states: dict[int, str] = {}
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Désordre", "Poids", "État", "Procédures associées"])
        for column, width in enumerate((480, 60, 120)):  # designed at the default font, grown with the text
            self.tree.setColumnWidth(column, scaled(self.tree, width))
        self.tree.setAccessibleName("Grille des désordres (Espace pour cocher)")
        self.tree.itemChanged.connect(self._item_changed)
        self.live = QLabel()
        self.live.setWordWrap(True)
        relative_font(self.live, 1.2)  # was a fixed 11 pt: grows with the user's text size
        self.procedures = QLabel()
        self.procedures.setWordWrap(True)
        self.state = QLabel()
        self.state.setStyleSheet(style("warning"))
        self.save_button = QPushButton("Enregistrer les désordres")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.state, 1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        intro = QLabel("Cochez les désordres signalés (Espace coche la ligne choisie). Ceux qu'une visite "
                       "a déjà constatés ou écartés restent dans l'historique. Un triangle rouge marque un "
                       "désordre qui signale un danger.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.live)
        layout.addWidget(self.procedures)
        layout.addLayout(row)
        self.maxima = {}
        self.factor = 1.0
        self.overcrowded = False

    def show_data(self, data: CaseDisorders) -> None:
        self._loading = True
        self.tree.clear()
        self.tree_items.clear()
        self.items.clear()
        self.maxima = dict(data.maxima)
        self.factor = data.factor
        self.overcrowded = data.overcrowded
        self.states = dict(data.states)
        themes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for item in data.grid:
            self.items[item.id] = item
            themes[item.zone][item.theme].append(item)
        for zone in ZONES:
            zone_item = QTreeWidgetItem([label(ZONES, zone)])
            zone_item.setFlags(Qt.ItemIsEnabled)
            self.tree.addTopLevelItem(zone_item)
            for theme, items in themes[zone].items():
                theme_item = QTreeWidgetItem([theme])
                theme_item.setFlags(Qt.ItemIsEnabled)
                zone_item.addChild(theme_item)
                for item in items:
                    theme_item.addChild(self._grid_row(item))
                theme_item.setExpanded(any(i.id in self.states for i in items))
            zone_item.setExpanded(True)
        self._loading = False
        self._set_dirty(False)
        self._update_live()

    def forget(self) -> None:
        """Another case is opened in this page: an error left by a save of the previous one goes."""
        if self.state.styleSheet() != style("warning"):  # (setting a style sheet polishes the label again)
            self.state.setStyleSheet(style("warning"))
        self._set_dirty(False)

    def _grid_row(self, item: GridItem) -> QTreeWidgetItem:
        state = self.states.get(item.id)
        row = QTreeWidgetItem([item.label, str(item.weight), label(DISORDER_STATES, state),
                               ", ".join(item.procedures)])
        row.setData(0, Qt.UserRole, item.id)
        ruled = state in ("confirme", "non_confirme")
        flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        if not ruled:
            flags |= Qt.ItemIsUserCheckable
        row.setFlags(flags)
        row.setCheckState(0, Qt.Checked if state in ("signale", "confirme") else Qt.Unchecked)
        if item.is_danger:  # red, a triangle seen without a mouse, and the word for screen readers
            row.setForeground(0, QBrush(DANGER))
            row.setIcon(0, status_mark(DANGER))
            row.setData(0, Qt.AccessibleDescriptionRole, "danger")
            row.setToolTip(0, "Danger : désordre signalant un danger pour les occupants")
        self.tree_items[item.id] = row
        return row

    def checked_ids(self) -> list[int]:
        return [item_id for item_id, row in self.tree_items.items() if row.checkState(0) == Qt.Checked]

    def _item_changed(self, row: QTreeWidgetItem, column: int) -> None:
        if self._loading or column != 0 or row.data(0, Qt.UserRole) is None:
            return
        item_id = row.data(0, Qt.UserRole)
        self._loading = True
        checked = row.checkState(0) == Qt.Checked
        stored = self.states.get(item_id)
        row.setText(2, label(DISORDER_STATES, stored) if checked and stored else ("à enregistrer" if checked else ""))
        self._loading = False
        self._set_dirty(set(self.checked_ids()) != {i for i, s in self.states.items() if s in ("signale", "confirme")})
        self._update_live()

    def live_score(self) -> int:
        return self._scores()[0]

    def _scores(self):
        raw = defaultdict(int)
        for item_id in self.checked_ids():
            raw[self.items[item_id].zone] += self.items[item_id].weight
        overall = score(sum(raw.values()), sum(self.maxima.values()), self.factor)
        zones = {zone: score(raw[zone], self.maxima.get(zone, 0), self.factor) for zone in ZONES}
        return overall, zones

    def _update_live(self) -> None:
        overall, zones = self._scores()
        procedures: dict[str, list[str]] = defaultdict(list)
        dangers = []
        for item_id in self.checked_ids():
            item = self.items[item_id]
            if item.is_danger:
                dangers.append(item.label)
            for procedure in item.procedures:
                procedures[procedure].append(item.label)
        detail = " ; ".join(f"{label(ZONES, z).split(' (')[0].lower()} {v}/100" for z, v in zones.items())
        # The saved band's rule (core.scoring): a danger or severe overcrowding classes it « forte » at least.
        self.live.setText(f"<b>Criticité : {overall}/100</b> — {classed(overall, bool(dangers), self.overcrowded)} "
                          f"({detail})"
                          + (f" — majorée de {round((self.factor - 1) * 100)} % (enfants)" if self.factor > 1 else ""))
        text = ("Procédures suggérées : " + " ; ".join(f"<b>{p}</b> ({len(i)} désordre{'s' if len(i) > 1 else ''})"
                                                       for p, i in procedures.items())
                if procedures else "Aucune procédure suggérée : aucun désordre coché.")
        if dangers:
            text += f"<br><span style='color:{DANGER.name()}'>Danger : {' ; '.join(dangers)}</span>"
        self.procedures.setText(text)

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self.save_button.setEnabled(dirty)
        self.state.setText("Désordres modifiés, non enregistrés (Ctrl+S)." if dirty else "")

    def is_dirty(self) -> bool:
        return self._dirty

    def save(self) -> bool:
        try:
            changes = set_reported_disorders(self.database, self.page.actor, self.page.case_id, self.checked_ids())
        except DomainError as error:
            self.state.setText(error.message)
            self.state.setStyleSheet(style("danger"))
            return False
        self.state.setStyleSheet(style("warning"))
        self._set_dirty(False)
        self.page.changed(changes)
        return True

    def discard(self) -> None:
        self._set_dirty(False)
