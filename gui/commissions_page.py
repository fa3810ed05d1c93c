"""Commissions: meetings, their agenda built from chosen cases, a decision per case."""
from __future__ import annotations

from PySide6.QtCore import Qt
from core.access import can
from core.queries.commissions import CommissionAgenda, CommissionLine, commission_agenda, commission_list
from core.formatting import fr_count
from gui.master_detail import add_master_detail
from gui.widgets import TablePage


def commission_row(line: CommissionLine) -> dict:
    """A row of the page from a line of core.queries.commissions.commission_list."""
    return {"_id": line.commission_id, "held_on": line.held_on, "kind": line.kind, "title": line.title,
            "place": line.place, "items": line.items, "_tooltip": line.participants}


def agenda_rows(agenda: CommissionAgenda) -> list[dict]:
    """The rows of the agenda pane from core.queries.commissions.commission_agenda."""
    return [{"_id": item.item_id, "_case_id": item.case_id, "_commission_id": agenda.commission_id,
             "position": item.position, "reference": item.reference, "household": item.household,
             "presentation": item.presentation, "decision": item.decision or "à décider", "_tooltip": item.decision}
            for item in agenda.items]


class CommissionsPage(TablePage):
    TITLE = "Commissions"
    COLUMNS = [("held_on", "Date"), ("kind", "Type"), ("title", "Intitulé"), ("place", "Lieu"), ("items", "Dossiers")]
    WIDTHS = (85, 205, 165, 115)
    FLEXIBLE = {"title": 0.35, "place": 0.5, "kind": 0.6}
    EMPTY_TEXT = "Aucune commission. Créez-en une avec « Nouvelle commission… »."
    ITEM_COLUMNS = [("position", "N°"), ("reference", "Dossier"), ("household", "Ménage"),
                    ("presentation", "Présentation"), ("decision", "Décision")]

    def __init__(self, window, parent=None):
        super().__init__(window, parent)
        self.manages = can(self.actor, "commission.manage")
        new = self.button("Nouvelle commission…", self.new_commission,
                          "Préparer l'ordre du jour à partir de dossiers choisis")
        empty = ("Ordre du jour vide : ajoutez des dossiers à cette commission." if self.manages else
                 "Aucun dossier de vos secteurs ni attribué à vous à l'ordre du jour de cette commission.")
        self.items = add_master_detail(
            self, Qt.Horizontal, (520, 700), "commissions", title="Ordre du jour", columns=self.ITEM_COLUMNS,
            widths=(35, 95, 170, 150), empty_text=empty,
            buttons=(("Ajouter des dossiers…", self.add_cases), ("Saisir la décision…", self.record_decision),
                     ("Ouvrir le dossier", self.open_item)))
        if not self.manages:  # the services refuse it too; the buttons say so beforehand
            for button in (new, *self.items.buttons[:2]):
                button.setEnabled(False)
                button.setToolTip("Réservé aux responsables et aux administrateurs.")
        self.items.table.activated_row.connect(self._item_activated)
        self.splitter = self.items.splitter
        self.table.selectionModel().currentRowChanged.connect(lambda current, _p: self.show_items(current.row()))

    @staticmethod
    def fetch_rows(database, actor, params) -> list[dict]:
        return [commission_row(line) for line in commission_list(database, actor)]

    def rows_loaded(self, previous: dict | None) -> None:
        """The commission shown before stays selected, else the latest; its agenda is shown."""
        if not self.model.rowCount():
            self.show_items(-1)
        elif previous is None or not self.select_id(previous["_id"]):
            self.table.selectRow(0)  # a new current row shows its agenda

    def show_items(self, row: int, then=None) -> None:
        """The agenda of the commission of that row, read in the pool; `then()` once shown."""
        commission_id = self.model.id_at(row)
        if commission_id is None:
            self.items.clear()
            return
        database, actor = self.database, self.actor

        def show(agenda: CommissionAgenda) -> None:
            self.items.set_title(f"{agenda.held_on:%d/%m/%Y}")
            self.items.set_rows(agenda_rows(agenda))

        self.items.load(lambda: commission_agenda(database, actor, commission_id), show, then)

    def count_text(self) -> str:
        total = self.model.rowCount()
        return fr_count(total, "commission") if total else ""

    def selected_commission_id(self):
        return self.model.id_at(self.table.current_row())

    def print_current(self) -> None:
        """Ctrl+P: the agenda and decisions of the chosen commission (PDF)."""
        from gui import pdf_actions

        commission_id = self.selected_commission_id()
        if commission_id is not None:
            pdf_actions.print_commission(self.window, commission_id)

    def _item_activated(self, _row: int) -> None:
        """Enter or double-click on a case of the agenda: its decision (managers), else its case file."""
        if self.manages:
            self.record_decision()
        else:
            self.open_item()

    def open_item(self) -> None:
        item = self.items.current()
        if item:
            self.window.open_case(item["_case_id"], deferred=True)

    def new_commission(self) -> None:
        from gui.commission_dialogs import CommissionDialog

        dialog = CommissionDialog(self.window, parent=self)
        if dialog.exec():
            created = dialog.result_changes.entity_id
            self.reload_after(dialog.result_changes, then=lambda: self.select_id(created))

    def add_cases(self) -> None:
        from gui.commission_dialogs import AddCasesDialog

        commission_id = self.selected_commission_id()
        if commission_id is None:
            return
        dialog = AddCasesDialog(self.window, commission_id, parent=self)
        if dialog.exec():  # the list reloads (its count) and keeps this commission, whose agenda is read again
            self.reload_after(dialog.result_changes)

    def record_decision(self) -> None:
        from gui.commission_dialogs import DecisionDialog

        item = self.items.current()
        if item is None:
            return
        dialog = DecisionDialog(self.window, item, parent=self)
        if dialog.exec():  # then the next case of the agenda is chosen, for the next decision
            current = self.items.table.current_row()

            def next_item() -> None:
                self.show_items(self.table.current_row(), then=lambda: self.items.table.selectRow(
                    min(current + 1, self.items.model.rowCount() - 1)))

            self.reload_after(dialog.result_changes, then=next_item)
