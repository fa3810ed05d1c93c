"""Référentiels: objectives and lines of action, the disorder grid, partners, neighbourhoods, communes,
the small vocabularies (lists) and the agents' sectors."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.queries.reference import ReferenceTables, reference_tables
from db.vocab import ROLES, ZONES, label
from gui import reference_dialogs as dialogs
from gui.rows_model import RowsModel
from gui.widgets import DataTable, ToolRow, keyboard_table, scaled, title_label
from gui.workers import read_then


def table_rows(tables: ReferenceTables) -> dict[str, list[dict]]:
    """The rows of each table of the page (RowsModel dicts), from what core.queries.reference read."""
    return {
        "grid": [{"_id": i.id, "zone": label(ZONES, i.zone), "theme": i.theme, "label": i.label, "weight": i.weight,
                  "danger": "danger" if i.is_danger else "", "procedures": ", ".join(i.procedure_labels),
                  "active": i.active, "_tooltip": i.label} for i in tables.grid],
        "partners": [{"_id": p.id, "name": p.name, "type": p.type_label, "commune": p.commune,
                      "contact": p.contact_name, "phone": p.phone, "email": p.email, "active": p.active}
                     for p in tables.partners],
        "neighbourhoods": [{"_id": n.id, "commune": n.commune, "name": n.name, "qpv": n.is_qpv,
                            "qpv_code": n.qpv_code} for n in tables.neighbourhoods],
        "communes": [{"_id": c.id, "name": c.name, "insee_code": c.insee_code, "postcode": c.postcode}
                     for c in tables.communes],
        "vocabularies": [{"_id": f"{v.vocabulary}:{v.code}", "vocabulary": v.vocabulary_name, "label": v.label,
                          "code": v.code, "position": v.position, "active": v.active} for v in tables.vocabularies],
        "agents": [{"_id": u.id, "full_name": u.full_name, "login": u.login, "role": label(ROLES, u.role),
                    "sectors": ", ".join(u.sectors), "email": u.email, "active": u.active,
                    "_tooltip": ", ".join(u.sectors)} for u in tables.agents],
    }


class ReferencePage(QWidget):
    TABLES = {
        "grid": [("zone", "Zone"), ("theme", "Thème"), ("label", "Désordre"), ("weight", "Poids"),
                 ("danger", "Danger"), ("procedures", "Procédures suggérées"), ("active", "Actif")],
        "partners": [("name", "Partenaire"), ("type", "Type"), ("commune", "Commune"), ("contact", "Contact"),
                     ("phone", "Téléphone"), ("email", "Courriel"), ("active", "Actif")],
        "neighbourhoods": [("commune", "Commune"), ("name", "Quartier"), ("qpv", "QPV"), ("qpv_code", "Code QPV")],
        "communes": [("name", "Commune"), ("insee_code", "Code INSEE"), ("postcode", "Code postal")],
        "vocabularies": [("vocabulary", "Liste"), ("label", "Libellé"), ("code", "Code"), ("position", "Position"),
                         ("active", "Active")],
        "agents": [("full_name", "Nom"), ("login", "Identifiant"), ("role", "Rôle"), ("sectors", "Secteurs"),
                   ("email", "Courriel"), ("active", "Actif")],
    }
    WIDTHS = {"grid": (190, 170, 330, 55, 60, 260), "partners": (260, 190, 130, 170, 110, 200),
              "neighbourhoods": (200, 260, 60), "communes": (240, 110, 110), "vocabularies": (200, 340, 200, 70),
              "agents": (190, 110, 150, 330, 200)}

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.database = window.database
        self.actor = actor = getattr(window, "actor", None)
        self.editable = actor is not None and actor.role == "admin"
        self._stale = True
        self.loading = False
        layout = QVBoxLayout(self)
        layout.addWidget(title_label("Référentiels"))
        text = ("Ces listes alimentent les formulaires, les règles et les bilans. " + (
            "Sélectionnez une ligne puis « Modifier… » (ou double-cliquez). Une ligne déjà utilisée ne se supprime "
            "pas : décochez « Actif » pour qu'elle ne soit plus proposée. Les comptes des agents se gèrent depuis "
            "l'administration des utilisateurs, leurs secteurs ici." if self.editable else
            "Cette vue les présente en consultation ; leur modification est réservée aux administrateurs."))
        self.note = QLabel(text)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.tabs = QTabWidget()
        self.objectives = QTreeWidget()
        self.objectives.setHeaderLabels(["Code", "Objectif ou piste d'action", "Actif"])
        keyboard_table(self.objectives, "Objectifs et pistes d'action")
        self.objectives.setColumnWidth(0, scaled(self.objectives, 90))
        self.objectives.setColumnWidth(1, scaled(self.objectives, 760))
        self.objectives.itemDoubleClicked.connect(lambda *_a: self.edit_objective_or_line())
        self.buttons: dict[str, QPushButton] = {}
        self.tabs.addTab(self._with_tools(self.objectives, [
            ("Ajouter un objectif…", self.add_objective), ("Ajouter une piste…", self.add_line),
            ("Modifier…", self.edit_objective_or_line)]), "O&bjectifs et pistes")
        self.models: dict[str, RowsModel] = {}
        self.tables: dict[str, DataTable] = {}
        editors = {"grid": dialogs.DisorderItemDialog, "partners": dialogs.PartnerDialog,
                   "neighbourhoods": dialogs.NeighbourhoodDialog, "communes": dialogs.CommuneDialog,
                   "vocabularies": dialogs.VocabularyEntryDialog}
        for key, caption in (("grid", "&Grille des désordres"), ("partners", "&Partenaires"),
                             ("neighbourhoods", "&Quartiers"), ("communes", "&Communes"), ("vocabularies", "&Listes"),
                             ("agents", "Age&nts")):
            model = RowsModel(self.TABLES[key], self)
            table = DataTable(model, name=caption.replace("&", ""))
            table.set_widths(self.WIDTHS[key])
            self.models[key], self.tables[key] = model, table
            tools = []
            if key == "agents":
                table.activated_row.connect(lambda _row: self.edit_row("agents", dialogs.AgentSectorsDialog))
                tools = [("Modifier les secteurs…",
                          lambda _c=False: self.edit_row("agents", dialogs.AgentSectorsDialog))]
            if key in editors:
                dialog = editors[key]
                table.activated_row.connect(lambda _row, k=key, d=dialog: self.edit_row(k, d))
                tools = [("Ajouter…", lambda _c=False, d=dialog: self.open_dialog(d(self.window, None, self))),
                         ("Modifier…", lambda _c=False, k=key, d=dialog: self.edit_row(k, d))]
            self.tabs.addTab(self._with_tools(table, tools, key), caption)
        layout.addWidget(self.tabs, 1)

    def _with_tools(self, view: QWidget, tools: list, key: str = "objectives") -> QWidget:
        """The view, with a row of editing buttons above it for an administrator."""
        if not self.editable or not tools:
            return view
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 4, 0, 0)
        row = ToolRow()
        for caption, slot in tools:
            button = QPushButton(caption)
            button.clicked.connect(slot)
            self.buttons[f"{key}:{caption}"] = button
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        box.addWidget(view, 1)
        return holder

    # -- editing (administrator) -----------------------------------------------------------
    def open_dialog(self, dialog) -> bool:
        """Run a form dialog; reload the tables when it saved something."""
        if dialog.exec() and dialog.result_changes is not None:
            apply_changes = getattr(self.window, "apply_changes", None)
            if apply_changes is not None:  # other views show these labels too
                apply_changes(dialog.result_changes)
            self._stale = True
            self.refresh()
            return True
        return False

    def edit_row(self, key: str, dialog_class) -> None:
        if not self.editable:
            return
        row = self.models[key].row(self.tables[key].current_row())
        if row is None:
            self._ask_for_selection()
            return
        self.open_dialog(dialog_class(self.window, row["_id"], self))

    def _selected_objective_item(self):
        """(objective id, line id or None) of the selected tree row."""
        item = self.objectives.currentItem()
        if item is None:
            return None, None
        if item.parent() is None:
            return item.data(0, Qt.UserRole), None
        return item.parent().data(0, Qt.UserRole), item.data(0, Qt.UserRole)

    def add_objective(self) -> None:
        self.open_dialog(dialogs.ObjectiveDialog(self.window, None, self))

    def add_line(self) -> None:
        objective_id, _ = self._selected_objective_item()
        self.open_dialog(dialogs.LineOfActionDialog(self.window, objective_id, None, self))

    def edit_objective_or_line(self) -> None:
        if not self.editable:
            return
        objective_id, line_id = self._selected_objective_item()
        if objective_id is None:
            self._ask_for_selection()
        elif line_id is None:
            self.open_dialog(dialogs.ObjectiveDialog(self.window, objective_id, self))
        else:
            self.open_dialog(dialogs.LineOfActionDialog(self.window, objective_id, line_id, self))

    def _ask_for_selection(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(self, "Référentiels", "Sélectionnez d'abord la ligne à modifier.")

    def refresh(self) -> None:
        """Read every list in the pool when something changed since the last reading."""
        if not self._stale or self.loading:
            return
        self._stale = False
        self.loading = True
        database, actor = self.database, self.actor
        read_then(self, lambda: reference_tables(database, actor), self.show_tables, failed=self._reading_failed)

    def _reading_failed(self) -> None:
        self.loading = False
        self._stale = True  # try again when next shown

    def show_tables(self, tables: ReferenceTables) -> None:
        self.loading = False
        self._fill_objectives(tables)
        for key, rows in table_rows(tables).items():
            self.models[key].set_rows(rows)
        if self._stale and self.isVisible():  # changed again while this reading ran
            self.refresh()

    def mark_stale(self) -> None:
        """Reference data changed (the window calls this for reference and account changes only)."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def _fill_objectives(self, tables: ReferenceTables) -> None:
        self.objectives.clear()
        for objective in tables.objectives:
            item = QTreeWidgetItem([objective.code, objective.label, "oui" if objective.active else "non"])
            item.setData(0, Qt.UserRole, objective.id)
            item.setToolTip(1, objective.description or objective.label)
            for line in objective.lines:
                child = QTreeWidgetItem([line.code, line.label, "oui" if line.active else "non"])
                child.setData(0, Qt.UserRole, line.id)
                child.setToolTip(1, line.label)
                item.addChild(child)
            self.objectives.addTopLevelItem(item)
        self.objectives.expandAll()
