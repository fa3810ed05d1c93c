"""Tableau de bord: the contract's indicators per objective and per neighbourhood for a period.

Figures come from core.queries.dashboard (the definitions of the PDF bilan, limited to
the reader's scope), computed in the thread pool. A click on a bar or on a figure opens
the list of the cases behind it. The bilan PDF needs the `report.read` permission.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QHorizontalBarSeries, QValueAxis,
)
from PySide6.QtCore import QDate, QLocale, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QLabel, QPushButton, QTabWidget,
    QVBoxLayout, QWidget,
)
from core.access import can
from core.pdf.bilan_data import INDICATORS
from core.queries.dashboard import DashboardFigures, dashboard_cases, dashboard_communes, dashboard_figures
from core.formatting import fr_count, fr_number
from gui.case_table_model import CaseTableModel
from gui.palette import CHART_SERIES, colour, style
from gui.forms import DateEdit
from gui.tool_row import ToolRow
from gui.widgets import DataTable, EmptyState, relative_font, resize_within_screen, scaled, title_label
from gui.workers import run_in_background

CHART_INDICATORS = ["suivis", "ouverts", "clos", "reloges"]
COLOURS = [colour(name) for name in CHART_SERIES]
LABELS = {i.key: i.label for i in INDICATORS}
SHORT = {"suivis": "Suivis", "ouverts": "Ouverts", "clos": "Clos", "visites": "Visites", "saisines": "Saisines",
         "desordres": "Désordres confirmés", "reloges": "Relogés", "reloges_hors_qpv": "dont hors QPV"}
NO_NEIGHBOURHOOD = -1
TOP_NEIGHBOURHOODS = 12


class CasesDialog(QDialog):
    """The cases behind a figure; Enter or double-click opens one."""

    def __init__(self, window, title: str, ids: list[int], parent=None):
        super().__init__(parent or window)
        self.window = window
        self.setWindowTitle(title)
        resize_within_screen(self, scaled(self, 1000), scaled(self, 560))
        self.model = CaseTableModel(window.database, self, actor=window.actor)
        self.model.set_ids(ids)
        self.table = DataTable(self.model)
        self.table.activated_row.connect(self.open_row)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{title}</b> — {fr_count(len(ids), 'dossier')}"))
        layout.addWidget(self.table if ids else EmptyState("Aucun dossier derrière ce chiffre."), 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def open_row(self, row: int) -> None:
        case_id = self.model.case_id_at(row)
        if case_id is not None and hasattr(self.window, "open_case"):
            self.accept()
            self.window.open_case(case_id, deferred=True)


class FigureTable(DataTable):
    """A table of figures: the arrows choose a cell, Enter, Space or a click opens the cases behind it."""

    drill = Signal(QModelIndex)

    def __init__(self, model, name: str):
        super().__init__(model, name=name)
        self.setSelectionBehavior(QAbstractItemView.SelectItems)  # the chosen figure is the one shown
        self.horizontalHeader().setStretchLastSection(False)
        self.clicked.connect(self.drill.emit)
        self.setAccessibleDescription("Entrée ou Espace sur un chiffre : les dossiers correspondants")

    def keyPressEvent(self, event):  # noqa: N802 - Qt API
        if event.key() in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Space) and self.currentIndex().isValid():
            self.drill.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class FigureChartView(QChartView):
    """A chart whose bars open their cases with a click; from the keyboard, Enter or Space goes to the table
    of the same figures, where Enter or Space opens them."""

    def __init__(self):
        super().__init__()
        self.table: FigureTable | None = None
        self.setAccessibleDescription("Entrée : aller au tableau des mêmes chiffres")

    def keyPressEvent(self, event):  # noqa: N802 - Qt API
        if event.key() in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Space) and self.table is not None:
            model = self.table.model()
            if model.rowCount() and model.columnCount() > 1 and not self.table.currentIndex().isValid():
                self.table.setCurrentIndex(model.index(0, model.columnCount() - len(INDICATORS)))
            self.table.setFocus(Qt.OtherFocusReason)
            return
        super().keyPressEvent(event)


class DashboardPage(QWidget):
    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.database = window.database
        self.actor = window.actor
        self.data: DashboardFigures | None = None
        self._generation = 0
        self._drill_generation = 0
        self.last_dialog: CasesDialog | None = None
        self._build()

    # -- layout ------------------------------------------------------------------
    def _build(self) -> None:
        today = date.today()
        self.start_edit = DateEdit(QDate(today.year, 1, 1), calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.end_edit = DateEdit(QDate(today.year, today.month, today.day), calendarPopup=True,
                                  displayFormat="dd/MM/yyyy")
        self.commune_combo = QComboBox()
        # An agent's figures count her own cases (core.queries.dashboard): « toute la métropole » would mislead.
        self.commune_combo.addItem("Toute la métropole" if can(self.actor, "report.read") else "Toutes les communes",
                                   None)
        self.commune_combo.setAccessibleName("Périmètre")
        for commune_id, name in dashboard_communes(self.database, self.actor):
            self.commune_combo.addItem(name, commune_id)
        for edit, name in ((self.start_edit, "Début de la période"), (self.end_edit, "Fin de la période")):
            edit.setAccessibleName(name)
        refresh = QPushButton("Actualiser", clicked=self.refresh)
        self.bilan_button = bilan = QPushButton("Bilan PDF…", clicked=self.print_bilan)
        if can(self.actor, "report.read"):
            bilan.setToolTip("Bilan par objectif de la période, avec graphiques et liste des dossiers")
        else:
            bilan.setEnabled(False)
            bilan.setToolTip("Le bilan PDF est réservé aux responsables et aux administrateurs.")
        controls = ToolRow()  # wraps on a narrow window or with large text; buttons get an Alt+letter
        controls.addWidget(title_label("Tableau de bord"))
        controls.addStretch(1)
        for widget in (QLabel("Du :"), self.start_edit, QLabel("au :"), self.end_edit, QLabel("Périmètre :"),
                       self.commune_combo, refresh, bilan):
            controls.addWidget(widget)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("padding: 2px 0 6px 0;")
        relative_font(self.summary, 1.2)  # was a fixed 11 pt: grows with the user's text size
        self.objective_chart = FigureChartView()
        self.objective_chart.setAccessibleName("Graphique des dossiers par objectif (chiffres dans le tableau)")
        self.objective_chart.setRenderHint(QPainter.Antialiasing)
        self.objective_chart.setMinimumHeight(scaled(self.objective_chart, 200))
        self.objective_model = QStandardItemModel(self)
        self.objective_table = FigureTable(self.objective_model, name="Indicateurs par objectif")
        self.objective_table.drill.connect(lambda index: self.drill(index, "objective"))
        self.neighbourhood_model = QStandardItemModel(self)
        self.neighbourhood_table = FigureTable(self.neighbourhood_model, name="Indicateurs par quartier")
        self.neighbourhood_table.setSortingEnabled(True)
        self.neighbourhood_table.drill.connect(lambda index: self.drill(index, "neighbourhood"))
        self.neighbourhood_chart = FigureChartView()
        self.neighbourhood_chart.setAccessibleName(
            "Graphique des quartiers les plus concernés (chiffres dans le tableau)")
        self.neighbourhood_chart.setRenderHint(QPainter.Antialiasing)
        self.objective_chart.table = self.objective_table  # the keyboard's way to the bars' figures
        self.neighbourhood_chart.table = self.neighbourhood_table
        neighbourhood_tab = QWidget()
        nb_layout = QVBoxLayout(neighbourhood_tab)
        nb_layout.addWidget(self.neighbourhood_chart, 3)
        nb_layout.addWidget(self.neighbourhood_table, 2)
        objective_tab = QWidget()
        tab_layout = QVBoxLayout(objective_tab)
        tab_layout.addWidget(self.objective_chart, 3)
        tab_layout.addWidget(self.objective_table, 2)
        self.tabs = QTabWidget()
        self.tabs.addTab(objective_tab, "&Par objectif")
        self.tabs.addTab(neighbourhood_tab, "Par &quartier")
        hint = QLabel("Cliquez sur une barre ou sur un chiffre pour voir les dossiers correspondants ; au clavier, "
                      "choisissez un chiffre du tableau avec les flèches, puis Entrée ou Espace.")
        hint.setWordWrap(True)
        hint.setStyleSheet(style("muted"))
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(hint)

    # -- data --------------------------------------------------------------------
    def period(self) -> tuple[date, date, int | None]:
        start, end = self.start_edit.date().toPython(), self.end_edit.date().toPython()
        return min(start, end), max(start, end), self.commune_combo.currentData()

    def refresh(self) -> None:
        self._generation += 1
        generation, (start, end, commune_id) = self._generation, self.period()
        database, actor = self.database, self.actor
        self.summary.setText("Calcul des indicateurs…")
        busy = getattr(self.window, "set_busy", None)
        run_in_background(lambda: dashboard_figures(database, actor, start, end, commune_id),
                          lambda data: self._show(generation, data),
                          busy=(lambda on: busy(on, "Calcul du tableau de bord…")) if busy else None)

    def _show(self, generation: int, data: DashboardFigures) -> None:
        if generation != self._generation:
            return  # a newer request is on its way
        self.data = data
        totals = data.totals
        self.summary.setText(
            f"{data.label[0].upper()}{data.label[1:]} — "
            f"{fr_count(totals.get('suivis', 0), 'dossier suivi', 'dossiers suivis')}, "
            f"{fr_count(totals.get('ouverts', 0), 'ouvert')}, {fr_number(totals.get('clos', 0))} clos, "
            f"{fr_count(totals.get('reloges', 0), 'ménage relogé', 'ménages relogés')} dont "
            f"{fr_number(totals.get('reloges_hors_qpv', 0))} hors QPV.")
        self._fill_objectives(data)
        self._fill_neighbourhoods(data)

    def _fill_objectives(self, data: DashboardFigures) -> None:
        model = self.objective_model
        model.clear()
        _headers(model, ["Objectif"])
        for objective_id, code, text in data.objectives:
            figures = data.by_objective.get(objective_id, {})
            first = QStandardItem(f"{code} — {text}")
            first.setData(objective_id, Qt.UserRole)
            model.appendRow([first] + [_figure(figures.get(i.key, 0), i.key) for i in INDICATORS])
        self.objective_table.resizeColumnsToContents()
        self.objective_table.setColumnWidth(0, scaled(self.objective_table, 380))
        chart = QChart()
        chart.setTitle("Dossiers par objectif")
        series = QBarSeries()
        self.bar_sets = []
        for key, colour in zip(CHART_INDICATORS, COLOURS):
            bar_set = QBarSet(LABELS[key])
            bar_set.setColor(QColor(colour))
            for objective_id, _code, _text in data.objectives:
                bar_set.append(data.by_objective.get(objective_id, {}).get(key, 0))
            bar_set.clicked.connect(lambda index, key=key: self.drill_objective(index, key))
            series.append(bar_set)
            self.bar_sets.append(bar_set)
        _add_bar_axes(chart, series, [code for _id, code, _text in data.objectives], Qt.AlignBottom)
        chart.legend().setAlignment(Qt.AlignBottom)
        self.objective_chart.setChart(chart)

    def _fill_neighbourhoods(self, data: DashboardFigures) -> None:
        model = self.neighbourhood_model
        model.clear()
        _headers(model, ["Quartier", "QPV"])
        rows = sorted(data.by_neighbourhood.items(), key=lambda kv: -kv[1].get("suivis", 0))
        for nb_id, figures in rows:
            name, is_qpv = data.names.get(nb_id, ("Hors quartier suivi", False))
            first = QStandardItem(name)
            first.setData(NO_NEIGHBOURHOOD if nb_id is None else nb_id, Qt.UserRole)
            model.appendRow([first, QStandardItem("oui" if is_qpv else "non")]
                            + [_figure(figures.get(i.key, 0), i.key) for i in INDICATORS])
        self.neighbourhood_table.resizeColumnsToContents()
        self.neighbourhood_table.setColumnWidth(0, scaled(self.neighbourhood_table, 220))
        self._neighbourhood_chart(data, rows[:TOP_NEIGHBOURHOODS])

    def _neighbourhood_chart(self, data: DashboardFigures, rows: list) -> None:
        """The neighbourhoods with the most cases followed, largest at the top; a bar opens its cases."""
        rows = list(reversed(rows))
        self.neighbourhood_keys = [NO_NEIGHBOURHOOD if nb_id is None else nb_id for nb_id, _ in rows]
        names = [data.names.get(nb_id, ("Hors quartier suivi", False))[0] for nb_id, _ in rows]
        chart = QChart()
        chart.setTitle(f"Dossiers suivis — les {len(rows)} quartiers les plus concernés")
        series = QHorizontalBarSeries()
        self.neighbourhood_set = QBarSet(LABELS["suivis"])
        self.neighbourhood_set.setColor(QColor(COLOURS[0]))
        for _nb_id, figures in rows:
            self.neighbourhood_set.append(figures.get("suivis", 0))
        self.neighbourhood_set.clicked.connect(
            lambda index: self.show_cases("neighbourhood", self.neighbourhood_keys[index], "suivis", names[index]))
        series.append(self.neighbourhood_set)
        _add_bar_axes(chart, series, names, Qt.AlignLeft)
        chart.legend().hide()
        self.neighbourhood_chart.setChart(chart)

    # -- drill-down ---------------------------------------------------------------
    def drill(self, index, group: str) -> None:
        model = index.model()
        key = model.item(index.row(), index.column()).data(Qt.UserRole + 1)
        if key is None:
            return  # a name, not a figure
        group_key = model.item(index.row(), 0).data(Qt.UserRole)
        self.show_cases(group, group_key, key, model.item(index.row(), 0).text())

    def drill_objective(self, index: int, indicator: str) -> None:
        if self.data and 0 <= index < len(self.data.objectives):
            objective_id, code, _text = self.data.objectives[index]
            self.show_cases("objective", objective_id, indicator, code)

    def show_cases(self, group: str, group_key, indicator: str, where: str) -> None:
        """Read the cases behind a figure in the pool (of the period the figures were computed for), then
        list them in a dialog (`last_dialog`)."""
        data, database, actor = self.data, self.database, self.actor
        key = None if group == "neighbourhood" and group_key == NO_NEIGHBOURHOOD else group_key
        self._drill_generation += 1
        generation = self._drill_generation

        def show(ids) -> None:
            if generation == self._drill_generation:
                self.last_dialog = CasesDialog(self.window, f"{LABELS[indicator]} — {where}", list(ids), self)
                self.last_dialog.show()

        busy = getattr(self.window, "set_busy", None)
        run_in_background(lambda: dashboard_cases(database, actor, data.start, data.end, data.commune_id, indicator,
                                                  group, key), show,
                          busy=(lambda on: busy(on, "Recherche des dossiers…")) if busy else None)

    def print_bilan(self) -> None:
        from gui import pdf_actions

        start, end, commune_id = self.period()
        commune = self.commune_combo.currentText() if commune_id else None
        pdf_actions.print_bilan(self.window, start, end, commune=commune)


def _add_bar_axes(chart: QChart, series, categories: list[str], category_side) -> None:
    """Add the series with its category axis on one side and a whole-number axis from 0 on the other."""
    chart.addSeries(series)
    category_axis = QBarCategoryAxis()
    category_axis.append(categories)
    value_axis = QValueAxis()
    value_axis.setLabelFormat("%.0f")  # whole numbers; with localised numbers, « %d » shows nothing
    chart.setLocale(QLocale(QLocale.French, QLocale.France))
    chart.setLocalizeNumbers(True)  # « 1 500 » on the axis, as French readers write it
    value_axis.setMin(0)
    value_side = Qt.AlignLeft if category_side == Qt.AlignBottom else Qt.AlignBottom
    for axis, side in ((category_axis, category_side), (value_axis, value_side)):
        chart.addAxis(axis, side)
        series.attachAxis(axis)
    value_axis.applyNiceNumbers()


def _headers(model: QStandardItemModel, first: list[str]) -> None:
    """Short column titles (the full name of each indicator in the tooltip)."""
    model.setHorizontalHeaderLabels(first + [SHORT[i.key] for i in INDICATORS])
    for offset, indicator in enumerate(INDICATORS, start=len(first)):
        model.horizontalHeaderItem(offset).setToolTip(indicator.label)


def _figure(value: int, indicator: str) -> QStandardItem:
    item = QStandardItem(fr_number(value))
    item.setData(indicator, Qt.UserRole + 1)
    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
    item.setToolTip("Cliquer pour voir les dossiers")
    return item
