"""Relogement tab: needs, SNE/DALO, proposals with the CAL and household decisions, outcome."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.queries.case_tabs import ProposalLine, RelocationView
from db.vocab import CAL_DECISIONS, HOUSEHOLD_DECISIONS, RELOCATION_STATUSES, label
from gui.rows_model import RowsModel
from gui.widgets import DataTable, EmptyState


def _fr(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:.0f}"
    return str(value)


PROPOSAL_COLUMNS = [("proposed_on", "Proposée le"), ("landlord", "Bailleur"), ("dwelling", "Logement"),
                    ("typology", "Typologie"), ("rent", "Loyer (€)"), ("cal_date", "CAL le"),
                    ("cal", "Décision CAL"), ("household", "Réponse du ménage"), ("refusal", "Motif du refus")]


def proposal_row(p: ProposalLine) -> dict:
    return {"_id": p.id, "proposed_on": p.proposed_on, "landlord": p.landlord, "dwelling": p.dwelling_description,
            "typology": p.typology, "rent": p.rent, "cal_date": p.cal_date,
            "cal": label(CAL_DECISIONS, p.cal_decision) or "en attente",
            "household": label(HOUSEHOLD_DECISIONS, p.household_decision), "refusal": p.refusal_reason}


def relocation_lines(r: RelocationView) -> list[str]:
    """The relocation's details as the tab shows them (rich text lines)."""
    lines = [
        f"<b>{label(RELOCATION_STATUSES, r.status)}</b> depuis le {_fr(r.opened_on)} — motif : {r.reason}",
        f"Demande SNE : {r.sne_number or 'non déposée'}"
        + (f", déposée le {_fr(r.sne_filed_on)}" if r.sne_filed_on else "")
        + (f", à renouveler avant le {_fr(r.sne_renewal)}" if r.sne_renewal else ""),
        f"DALO reconnu le : {_fr(r.dalo_recognized_on)} — labellisé SYPLO : {_fr(r.syplo_labelled)}",
        f"Besoins : typologie {_fr(r.needed_typology)}, loyer maximum {_fr(r.max_rent)} €, "
        f"communes souhaitées : {r.wished_communes or '—'}, "
        f"accessibilité : {_fr(r.needs_accessibility)}, étage/ascenseur : {r.floor_or_lift or '—'}",
    ]
    if r.status == "reloge":
        lines.append(f"Relogé le {_fr(r.rehoused_on)} : {r.new_address} "
                     f"({'en QPV' if r.new_in_qpv else 'hors QPV'}) — reste à charge "
                     f"{_fr(r.charge_before)} € → {_fr(r.charge_after)} €")
    if r.status == "abandon":
        lines.append(f"Abandon : {r.abandon_reason}")
    return lines


class RelocationTab(QWidget):
    PART = "relocation"

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.database = page.database
        self.relocation_id: int | None = None
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.empty = EmptyState("Pas de suivi de relogement pour ce ménage. Ouvrez-en un si le ménage doit être "
                                "relogé (démolition, insalubrité, suroccupation…).")
        self.model = RowsModel(PROPOSAL_COLUMNS, self)
        self.table = DataTable(self.model, name="Propositions de logement")
        self.table.set_widths((95, 170, 220, 75, 80, 90, 140, 160))
        self.proposals_empty = EmptyState("Aucune proposition de logement pour l'instant.")
        self.buttons = {}
        layout = QVBoxLayout(self)
        # Two rows of three: in one row the six buttons forced the whole window to ~1,160 px.
        for actions in ((("open", "Ouvrir un suivi de relogement…"), ("needs", "Modifier les besoins…"),
                         ("outcome", "Relogé ou abandon…")),
                        (("proposal", "Ajouter une proposition…"), ("cal", "Décision CAL…"),
                         ("household", "Réponse du ménage…"))):
            row = QHBoxLayout()
            for key, text in actions:
                button = QPushButton(text)
                button.clicked.connect(lambda _=False, k=key: self.act(k))
                row.addWidget(button)
                self.buttons[key] = button
            row.addStretch(1)
            layout.addLayout(row)
        layout.addWidget(self.empty)
        layout.addWidget(self.details)
        layout.addWidget(QLabel("<b>Propositions</b>"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.proposals_empty)

    def show_data(self, relocation: RelocationView | None) -> None:
        self.relocation_id = relocation.id if relocation else None
        has = relocation is not None
        self.empty.setVisible(not has)
        self.details.setVisible(has)
        self.buttons["open"].setVisible(not has)
        for key in ("needs", "proposal", "cal", "household", "outcome"):
            self.buttons[key].setVisible(has)
        if not has:
            self.model.set_rows([])
            self.table.setVisible(False)
            self.proposals_empty.setVisible(False)
            return
        self.details.setText("<br>".join(relocation_lines(relocation)))
        rows = [proposal_row(p) for p in relocation.proposals]
        self.model.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.proposals_empty.setVisible(not rows)

    def selected_proposal_id(self):
        return self.model.id_at(self.table.current_row())

    def act(self, key: str) -> None:
        from gui import relocation_dialogs as dialogs

        window, case_id = self.page.window, self.page.case_id
        if key == "open":
            dialog = dialogs.OpenRelocationDialog(window, case_id, parent=self)
        elif key == "needs":
            dialog = dialogs.NeedsDialog(window, case_id, self.relocation_id, parent=self)
        elif key == "proposal":
            dialog = dialogs.ProposalDialog(window, case_id, self.relocation_id, parent=self)
        elif key == "outcome":
            dialog = dialogs.OutcomeDialog(window, case_id, self.relocation_id, parent=self)
        else:
            proposal_id = self.selected_proposal_id()
            if proposal_id is None:
                window.statusBar().showMessage("Choisissez d'abord une proposition dans la liste.", 4000)
                return
            cls = dialogs.CalDecisionDialog if key == "cal" else dialogs.HouseholdDecisionDialog
            dialog = cls(window, case_id, proposal_id, parent=self)
        if dialog.exec():
            self.page.changed(getattr(dialog, "result_changes", None))
