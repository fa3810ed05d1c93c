"""Choosing several cases: search as you type, tick the ones wanted (commissions, walks)."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from core.queries.case_list import case_list_rows, case_picker_lines
from core.formatting import fr_count

MAX_RESULTS = 200


class CasePicker(QWidget):
    def __init__(self, database, parent=None, statuses=("nouveau", "en_cours", "en_attente"), actor=None):
        super().__init__(parent)
        self.database = database
        self.actor = actor  # an agent picks only among the cases they may see
        self.statuses = statuses
        self.chosen: dict[int, str] = {}
        self.search = QLineEdit(placeholderText="référence, nom, adresse…")
        self.search.setClearButtonEnabled(True)
        caption = QLabel("&Chercher un dossier :")
        caption.setBuddy(self.search)  # Alt+C goes to the field; a screen reader names it by the caption
        self.search.setAccessibleName("Chercher un dossier")
        self.search.setAccessibleDescription("référence, nom ou adresse ; la liste se met à jour à la frappe")
        self.results = QListWidget()
        self.results.setAccessibleName("Dossiers trouvés (Espace pour cocher)")
        self.results.itemChanged.connect(self._toggled)
        self.summary = QLabel("Aucun dossier choisi.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(caption)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.summary)
        self._timer = QTimer(self, singleShot=True, interval=150, timeout=self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.refresh()

    def set_candidates(self, ids: list[int]) -> None:
        """Pre-tick suggested cases (e.g. the usual agenda of a commission kind)."""
        rows = case_list_rows(self.database, self.actor, ids)
        for case_id in ids:
            if case_id in rows:
                self.chosen[case_id] = f"{rows[case_id].reference} — {rows[case_id].household}"
        self.refresh()

    def refresh(self) -> None:
        lines = case_picker_lines(self.database, self.actor, self.search.text(), tuple(self.statuses),
                                  tuple(self.chosen), MAX_RESULTS)
        self.results.blockSignals(True)
        self.results.clear()
        for line in lines:
            case_id = line.id
            item = QListWidgetItem(f"{line.reference} — {line.household} — {line.address}")
            item.setData(Qt.UserRole, case_id)
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if case_id in self.chosen else Qt.Unchecked)
            self.results.addItem(item)
        self.results.blockSignals(False)
        self._update_summary()

    def _toggled(self, item: QListWidgetItem) -> None:
        case_id = item.data(Qt.UserRole)
        if item.checkState() == Qt.Checked:
            self.chosen[case_id] = item.text().rsplit(" — ", 1)[0]
        else:
            self.chosen.pop(case_id, None)
        self._update_summary()

    def _update_summary(self) -> None:
        count = len(self.chosen)
        self.summary.setText("Aucun dossier choisi." if not count else
                             f"{fr_count(count, 'dossier choisi', 'dossiers choisis')}.")

    def chosen_ids(self) -> list[int]:
        return list(self.chosen)
