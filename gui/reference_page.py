"""Référentiels: objectives and lines of action, the disorder grid, partners, neighbourhoods, agents."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db import models as m
from db.vocab import ROLES, ZONES, label
from gui.rows_model import RowsModel
from gui.widgets import DataTable, title_label


class ReferencePage(QWidget):
    TABLES = {
        "grid": [("zone", "Zone"), ("theme", "Thème"), ("label", "Désordre"), ("weight", "Poids"),
                 ("danger", "Danger"), ("procedures", "Procédures suggérées"), ("active", "Actif")],
        "partners": [("name", "Partenaire"), ("type", "Type"), ("commune", "Commune"), ("contact", "Contact"),
                     ("phone", "Téléphone"), ("email", "Courriel"), ("active", "Actif")],
        "neighbourhoods": [("commune", "Commune"), ("name", "Quartier"), ("qpv", "QPV"), ("qpv_code", "Code QPV")],
        "agents": [("full_name", "Nom"), ("login", "Identifiant"), ("role", "Rôle"), ("sectors", "Secteurs"),
                   ("email", "Courriel"), ("active", "Actif")],
    }
    WIDTHS = {"grid": (190, 170, 330, 55, 60, 260), "partners": (260, 190, 130, 170, 110, 200),
              "neighbourhoods": (200, 260, 60), "agents": (190, 110, 150, 330, 200)}

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.database = window.database
        self._stale = True
        layout = QVBoxLayout(self)
        layout.addWidget(title_label("Référentiels"))
        note = QLabel("Ces listes alimentent les formulaires, les règles et les bilans. Cette vue les présente "
                      "en consultation ; leur modification depuis l'application n'est pas encore disponible.")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.tabs = QTabWidget()
        self.objectives = QTreeWidget()
        self.objectives.setHeaderLabels(["Code", "Objectif ou piste d'action", "Actif"])
        self.objectives.setColumnWidth(0, 90)
        self.objectives.setColumnWidth(1, 760)
        self.tabs.addTab(self.objectives, "Objectifs et pistes")
        self.models: dict[str, RowsModel] = {}
        for key, caption in (("grid", "Grille des désordres"), ("partners", "Partenaires"),
                             ("neighbourhoods", "Quartiers"), ("agents", "Agents")):
            model = RowsModel(self.TABLES[key], self)
            table = DataTable(model)
            table.set_widths(self.WIDTHS[key])
            self.models[key] = model
            self.tabs.addTab(table, caption)
        layout.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        if not self._stale:
            return
        with self.database.session() as session:
            self._load_objectives(session)
            self.models["grid"].set_rows(self._grid(session))
            self.models["partners"].set_rows(self._partners(session))
            self.models["neighbourhoods"].set_rows(self._neighbourhoods(session))
            self.models["agents"].set_rows(self._agents(session))
        self._stale = False

    def mark_stale(self) -> None:
        pass  # reference data does not change with cases

    def _load_objectives(self, session) -> None:
        self.objectives.clear()
        for objective in session.scalars(select(m.Objective).options(selectinload(m.Objective.lines))
                                         .order_by(m.Objective.position)):
            item = QTreeWidgetItem([objective.code, objective.label, "oui" if objective.active else "non"])
            item.setToolTip(1, objective.description or objective.label)
            for line in objective.lines:
                child = QTreeWidgetItem([line.code, line.label, "oui" if line.active else "non"])
                child.setToolTip(1, line.label)
                item.addChild(child)
            self.objectives.addTopLevelItem(item)
        self.objectives.expandAll()

    def _grid(self, session) -> list[dict]:
        items = session.scalars(select(m.DisorderItem).options(selectinload(m.DisorderItem.procedures))
                                .order_by(m.DisorderItem.zone, m.DisorderItem.position))
        return [{"_id": i.id, "zone": label(ZONES, i.zone), "theme": i.theme, "label": i.label, "weight": i.weight,
                 "danger": "danger" if i.is_danger else "", "procedures": ", ".join(p.label for p in i.procedures),
                 "active": i.active, "_tooltip": i.label} for i in items]

    def _partners(self, session) -> list[dict]:
        rows = session.scalars(select(m.Partner).options(selectinload(m.Partner.type), selectinload(m.Partner.commune))
                               .order_by(m.Partner.name))
        return [{"_id": p.id, "name": p.name, "type": p.type.label, "commune": p.commune.name if p.commune else "",
                 "contact": p.contact_name, "phone": p.phone, "email": p.email, "active": p.active} for p in rows]

    def _neighbourhoods(self, session) -> list[dict]:
        rows = session.execute(select(m.Neighbourhood, m.Commune.name).join(m.Commune)
                               .order_by(m.Commune.name, m.Neighbourhood.name))
        return [{"_id": n.id, "commune": commune, "name": n.name, "qpv": n.is_qpv, "qpv_code": n.qpv_code or ""}
                for n, commune in rows]

    def _agents(self, session) -> list[dict]:
        rows = session.scalars(select(m.User).options(selectinload(m.User.sectors)).order_by(m.User.full_name))
        return [{"_id": u.id, "full_name": u.full_name, "login": u.login, "role": label(ROLES, u.role),
                 "sectors": ", ".join(n.name for n in u.sectors), "email": u.email, "active": u.active,
                 "_tooltip": ", ".join(n.name for n in u.sectors)} for u in rows]
