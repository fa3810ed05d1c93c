"""Relogement tab: needs, SNE/DALO, proposals with the CAL and household decisions, outcome."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db import models as m
from db.vocab import RELOCATION_STATUSES, label
from gui.relocation_page import RelocationPage, proposal_row, sne_renewal
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


class RelocationTab(QWidget):
    def __init__(self, page):
        super().__init__()
        self.page = page
        self.database = page.database
        self.relocation_id: int | None = None
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.empty = EmptyState("Pas de suivi de relogement pour ce ménage. Ouvrez-en un si le ménage doit être "
                                "relogé (démolition, insalubrité, suroccupation…).")
        self.model = RowsModel(RelocationPage.PROPOSAL_COLUMNS, self)
        self.table = DataTable(self.model)
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

    def load(self, session, case: m.Case) -> None:
        relocation = session.scalar(select(m.Relocation).options(
            selectinload(m.Relocation.proposals).selectinload(m.Proposal.landlord))
            .where(m.Relocation.case_id == case.id))
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
        reason = session.get(m.RelocationReason, relocation.reason)
        renewal = sne_renewal(relocation.sne_filed_on, date.today()) if relocation.status == "en_cours" else None
        lines = [
            f"<b>{label(RELOCATION_STATUSES, relocation.status)}</b> depuis le {_fr(relocation.opened_on)} — "
            f"motif : {reason.label if reason else relocation.reason}",
            f"Demande SNE : {relocation.sne_number or 'non déposée'}"
            + (f", déposée le {_fr(relocation.sne_filed_on)}" if relocation.sne_filed_on else "")
            + (f", à renouveler avant le {_fr(renewal)}" if renewal else ""),
            f"DALO reconnu le : {_fr(relocation.dalo_recognized_on)} — labellisé SYPLO : {_fr(relocation.syplo_labelled)}",
            f"Besoins : typologie {_fr(relocation.needed_typology)}, loyer maximum {_fr(relocation.max_rent)} €, "
            f"communes souhaitées : {relocation.wished_communes or '—'}, "
            f"accessibilité : {_fr(relocation.needs_accessibility)}, étage/ascenseur : {relocation.floor_or_lift or '—'}",
        ]
        if relocation.status == "reloge":
            lines.append(f"Relogé le {_fr(relocation.rehoused_on)} : {relocation.new_address} "
                         f"({'en QPV' if relocation.new_in_qpv else 'hors QPV'}) — reste à charge "
                         f"{_fr(relocation.charge_before)} € → {_fr(relocation.charge_after)} €")
        if relocation.status == "abandon":
            lines.append(f"Abandon : {relocation.abandon_reason}")
        self.details.setText("<br>".join(lines))
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
            self.page.changed()
