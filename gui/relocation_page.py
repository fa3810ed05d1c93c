"""Relogement: households by stage, their proposals and decisions, SNE renewals coming due."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from core.queries.relocation import OPEN, SNE_DUE, RelocationLine, relocation_board, relocation_proposals
from core.rules.relocation import SNE_RENEWAL_WARNING_DAYS, STAGES
from core.formatting import fr_count
from gui.case_file.relocation_tab import PROPOSAL_COLUMNS, proposal_row
from gui.palette import status_colour
from gui.master_detail import add_master_detail
from gui.widgets import TablePage

DUE = status_colour("due_soon")


def relocation_row(line: RelocationLine) -> dict:
    """A row of the page from a line of core.queries.relocation.relocation_board."""
    due = line.renewal_due
    return {
        "_id": line.relocation_id, "_case_id": line.case_id, "reference": line.reference,
        "household": line.household, "reason": line.reason, "stage": line.stage_label,
        "typology": line.typology, "sne": line.sne_number, "renewal": line.renewal, "dalo": line.dalo_recognized_on,
        "proposals": line.proposals or "", "_colour": DUE if due else None, "_colour_keys": ("renewal",),
        "_bold": due, "_status": "demande de logement social à renouveler bientôt" if due else "",
    }


class RelocationPage(TablePage):
    TITLE = "Relogement"
    COLUMNS = [("reference", "Dossier"), ("household", "Ménage"), ("reason", "Motif"), ("stage", "Étape"),
               ("typology", "Typologie"), ("sne", "N° SNE"), ("renewal", "Renouvellement\nSNE"),
               ("dalo", "DALO\nreconnu le"), ("proposals", "Propositions")]  # headings on two lines: room for the texts
    WIDTHS = (100, 190, 230, 190, 75, 130, 160, 125)
    FLEXIBLE = {"reason": 0.6, "household": 0.7, "stage": 0.6}
    EMPTY_TEXT = "Aucun ménage à cette étape du relogement."
    PROPOSAL_COLUMNS = PROPOSAL_COLUMNS  # the same columns as the case file's relocation tab

    def __init__(self, window, parent=None):
        super().__init__(window, parent)
        self.stage_combo = QComboBox()
        self.stage_combo.setAccessibleName("Étape du relogement")
        self.stage_combo.addItem("Relogements en cours", OPEN)
        self.stage_combo.addItem(f"Renouvellement SNE dans les {SNE_RENEWAL_WARNING_DAYS} jours", SNE_DUE)
        for code, text in STAGES.items():
            self.stage_combo.addItem(text, code)
        self.stage_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        shown = QLabel("Affic&her :")
        shown.setBuddy(self.stage_combo)
        self.tools.addWidget(shown)
        self.tools.addWidget(self.stage_combo)
        self.button("Ouvrir le dossier", lambda: self.activate_row(self.table.current_row()))
        self.proposals = add_master_detail(
            self, Qt.Vertical, (420, 260), "relocation", title="Propositions", columns=self.PROPOSAL_COLUMNS,
            widths=(95, 170, 220, 75, 80, 90, 140, 160),
            empty_text="Aucune proposition de logement pour ce ménage.",
            buttons=(("Ajouter une proposition…", self.add_proposal), ("Décision CAL…", self.cal_decision),
                     ("Réponse du ménage…", self.household_decision)))
        self.splitter = self.proposals.splitter
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self.show_proposals(current.row()))

    def load_params(self) -> tuple[str, date]:
        return self.stage_combo.currentData(), date.today()

    @staticmethod
    def fetch_rows(database, actor, params) -> list[dict]:
        wanted, today = params
        return [relocation_row(line) for line in relocation_board(database, actor, wanted, today)]

    def rows_loaded(self, previous: dict | None) -> None:
        if self.model.rowCount():
            self.table.selectRow(0)  # shows its proposals
        else:
            self.show_proposals(-1)

    def show_proposals(self, row: int) -> None:
        """The proposals made to the household of that row, read in the pool."""
        data = self.model.row(row)
        if not data:
            self.proposals.clear()
            return
        database, actor, relocation_id, household = self.database, self.actor, data["_id"], data["household"]

        def show(lines) -> None:
            self.proposals.set_title(household)
            self.proposals.set_rows([proposal_row(line) for line in lines])

        self.proposals.load(lambda: relocation_proposals(database, actor, relocation_id), show)

    def count_text(self) -> str:
        total = self.model.rowCount()
        return fr_count(total, "ménage") if total else ""

    def _selected_proposal(self) -> dict | None:
        return self.proposals.current()

    def _after_write(self, changes) -> None:
        """Reload; the household written to stays selected (if still at this stage), its proposals shown."""
        kept = self.selected()
        self.reload_after(changes, then=lambda: kept is not None and self.select_id(kept["_id"]))

    def add_proposal(self) -> None:
        from gui.relocation_dialogs import ProposalDialog

        row = self.selected()
        if row is None:
            return
        dialog = ProposalDialog(self.window, row["_case_id"], row["_id"], parent=self)
        if dialog.exec():
            self._after_write(dialog.result_changes)

    def cal_decision(self) -> None:
        from gui.relocation_dialogs import CalDecisionDialog

        self._decide(CalDecisionDialog)

    def household_decision(self) -> None:
        from gui.relocation_dialogs import HouseholdDecisionDialog

        self._decide(HouseholdDecisionDialog)

    def _decide(self, dialog_class) -> None:
        """A decision on the selected proposal (CAL or household), then the page shows it."""
        proposal, row = self._selected_proposal(), self.selected()
        if proposal is None or row is None:
            return
        dialog = dialog_class(self.window, row["_case_id"], proposal["_id"], parent=self)
        if dialog.exec():
            self._after_write(dialog.result_changes)
