"""Small forms an administrator uses to edit reference data (Référentiels page).

Each dialog calls one core.services.reference action; its ValidationError lands
under the field it names.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from core.errors import ValidationError
from core.queries import reference as reads
from core.services import reference as services
from core.users import update_user
from db.vocab import CIVILITIES, ZONES
from gui.forms import FormDialog


class ObjectiveDialog(FormDialog):
    def __init__(self, window, objective_id: int | None = None, parent=None):
        super().__init__("Objectif" if objective_id else "Nouvel objectif", parent)
        self.window, self.objective_id = window, objective_id
        row = reads.objective_form(window.database, window.actor, objective_id) if objective_id else None
        if row is None:
            self.form.add_text("code", "Code *", placeholder="par exemple O7")
        self.form.add_text("label", "Libellé *", row.label if row else "")
        self.form.add_long_text("description", "Description", row.description if row else "")
        self.form.add_check("active", "Actif (proposé dans les dossiers)", row.active if row else True)

    def perform(self):
        values = self.form.values()
        key = self.objective_id or values.get("code", "")
        return services.save_objective(self.window.database, self.window.actor, key, values["label"],
                                       values["description"], values["active"])


class LineOfActionDialog(FormDialog):
    def __init__(self, window, objective_id: int | None, line_id: int | None = None, parent=None):
        super().__init__("Piste d'action" if line_id else "Nouvelle piste d'action", parent)
        self.window, self.line_id = window, line_id
        read = reads.line_of_action_form(window.database, window.actor, line_id)
        row = read.row
        if row is not None:
            objective_id = row.objective_id
        self.form.add_choice("objective", "Objectif *", list(read.objectives), objective_id, empty="— choisir —")
        self.form.add_text("label", "Libellé *", row.label if row else "")
        if row is not None:
            self.form.add_int("position", "Position", row.position, minimum=1, maximum=999)
        self.form.add_check("active", "Active", row.active if row else True)

    def perform(self):
        values = self.form.values()
        return services.save_line_of_action(self.window.database, self.window.actor, values["objective"],
                                            values["label"], values.get("position"), values["active"],
                                            line_id=self.line_id)


class DisorderItemDialog(FormDialog):
    def __init__(self, window, item_id: int | None = None, parent=None):
        super().__init__("Désordre de la grille" if item_id else "Nouveau désordre", parent)
        self.window, self.item_id = window, item_id
        read = reads.disorder_item_form(window.database, window.actor, item_id)
        row, procedures = read.row, read.procedures
        chosen = set(row.procedures) if row else set()
        form = self.form
        form.add_choice("zone", "Zone *", ZONES, row.zone if row else None)
        form.add_text("theme", "Thème *", row.theme if row else "")
        form.add_text("label", "Désordre *", row.label if row else "")
        form.add_int("weight", "Poids (0 à 100)", row.weight if row else 10, minimum=0, maximum=100)
        form.add_check("is_danger", "Danger (signalé en priorité)", row.is_danger if row else False)
        self.procedures = QListWidget()
        self.procedures.setMaximumHeight(130)
        for code, text in procedures:
            entry = QListWidgetItem(text)
            entry.setData(Qt.UserRole, code)
            entry.setCheckState(Qt.Checked if code in chosen else Qt.Unchecked)
            self.procedures.addItem(entry)
        form.add("procedures", "Procédures suggérées", self.procedures)
        form.add_check("active", "Actif (proposé dans la grille)", row.active if row else True)

    def checked_procedures(self) -> list[str]:
        return [self.procedures.item(i).data(Qt.UserRole) for i in range(self.procedures.count())
                if self.procedures.item(i).checkState() == Qt.Checked]

    def perform(self):
        value = self.form.value
        return services.save_disorder_item(
            self.window.database, self.window.actor, self.item_id, value("zone"), value("theme"), value("label"),
            value("weight"), value("is_danger"), self.checked_procedures(), value("active"))


class PartnerDialog(FormDialog):
    def __init__(self, window, partner_id: int | None = None, parent=None):
        super().__init__("Partenaire" if partner_id else "Nouveau partenaire", parent)
        self.window, self.partner_id = window, partner_id
        read = reads.partner_form(window.database, window.actor, partner_id)
        row, types = read.row, list(read.types)
        get = (lambda name: getattr(row, name)) if row else (lambda name: "")
        form = self.form
        form.add_text("name", "Nom *", get("name"))
        form.add_choice("partner_type", "Type *", types, get("partner_type") or None, empty="— choisir —")
        form.add_text("contact_name", "Contact", get("contact_name"))
        form.add_text("phone", "Téléphone", get("phone"))
        form.add_text("email", "Courriel", get("email"))
        form.add_long_text("address", "Adresse (rue, complément)", get("address"))
        form.add_text("postcode", "Code postal", get("postcode"), placeholder="par exemple 59000")
        form.add_text("city", "Ville", get("city"))
        form.add_check("active", "Actif (proposé dans les orientations)", row.active if row else True)

    def perform(self):
        v = self.form.values()
        return services.save_partner(self.window.database, self.window.actor, self.partner_id, v["name"],
                                     v["partner_type"], v["phone"], v["email"], v["address"], v["active"],
                                     contact_name=v["contact_name"], postcode=v["postcode"], city=v["city"])


class NeighbourhoodDialog(FormDialog):
    def __init__(self, window, neighbourhood_id: int | None = None, parent=None):
        super().__init__("Quartier" if neighbourhood_id else "Nouveau quartier", parent)
        self.window, self.neighbourhood_id = window, neighbourhood_id
        read = reads.neighbourhood_form(window.database, window.actor, neighbourhood_id)
        row, communes = read.row, list(read.communes)
        form = self.form
        form.add_choice("commune_id", "Commune *", communes, row.commune_id if row else None, empty="— choisir —")
        form.add_text("name", "Quartier *", row.name if row else "")
        form.add_check("is_qpv", "Quartier prioritaire de la politique de la ville (QPV)", row.is_qpv if row else False)
        form.add_text("qpv_code", "Code QPV", row.qpv_code if row else "", placeholder="par exemple QN05901M")

    def perform(self):
        v = self.form.values()
        return services.save_neighbourhood(self.window.database, self.window.actor, self.neighbourhood_id,
                                           v["commune_id"], v["name"], v["is_qpv"], v["qpv_code"])


class VocabularyEntryDialog(FormDialog):
    """An entry of a small vocabulary; row_id is « list:code » (None: a new entry, its list chosen here)."""

    def __init__(self, window, row_id: str | None = None, parent=None):
        super().__init__("Entrée de liste" if row_id else "Nouvelle entrée de liste", parent)
        self.window = window
        self.vocabulary, self.code = row_id.split(":", 1) if row_id else (None, None)
        row = reads.vocabulary_entry_form(window.database, window.actor, self.vocabulary, self.code) if row_id else None
        lists = [(key, name) for key, (_model, name) in services.VOCABULARIES.items()]
        combo = self.form.add_choice("vocabulary", "Liste *", lists, self.vocabulary, empty="— choisir —")
        combo.setEnabled(row is None)  # an entry does not move to another list
        self.form.add_text("label", "Libellé *", row.label if row else "")
        if row is not None:
            self.form.add_int("position", "Position", row.position, minimum=0, maximum=999)
        self.form.add_check("active", "Active (proposée dans les formulaires)", row.active if row else True)

    def perform(self):
        values = self.form.values()
        if not values["vocabulary"]:
            raise ValidationError("Choisissez la liste.", field="vocabulary")
        return services.save_vocabulary_entry(self.window.database, self.window.actor, values["vocabulary"],
                                              self.code, values["label"], values["active"], values.get("position"))


class CommuneDialog(FormDialog):
    def __init__(self, window, commune_id: int | None = None, parent=None):
        super().__init__("Commune" if commune_id else "Nouvelle commune", parent)
        self.window, self.commune_id = window, commune_id
        row = reads.commune_form(window.database, window.actor, commune_id) if commune_id else None
        self.form.add_text("name", "Nom *", row.name if row else "")
        self.form.add_text("insee_code", "Code INSEE *", row.insee_code if row else "", placeholder="par exemple 59350")
        self.form.add_text("postcode", "Code postal *", row.postcode if row else "", placeholder="par exemple 59000")

    def perform(self):
        v = self.form.values()
        return services.save_commune(self.window.database, self.window.actor, self.commune_id, v["insee_code"],
                                     v["name"], v["postcode"])


class AgentSectorsDialog(FormDialog):
    """The neighbourhoods an agent covers (their case scope), via core.users.update_user."""

    def __init__(self, window, user_id: int, parent=None):
        super().__init__("Secteurs de l'agent", parent)
        self.window, self.user_id = window, user_id
        read = reads.agent_sectors_form(window.database, window.actor, user_id)
        self.sectors = QListWidget()
        self.sectors.setMinimumHeight(260)
        for neighbourhood_id, place in read.places:
            entry = QListWidgetItem(place)
            entry.setData(Qt.UserRole, neighbourhood_id)
            entry.setCheckState(Qt.Checked if neighbourhood_id in read.chosen else Qt.Unchecked)
            self.sectors.addItem(entry)
        self.form.add("sectors", f"Quartiers suivis par {read.name}", self.sectors)
        self.form.add_choice("civility", "Civilité (courriers)", list(CIVILITIES.items()), read.civility)
        self.form.add_text("job_title", "Fonction (signature)", read.job_title, placeholder="par exemple Agente de proximité")

    def checked(self) -> list[int]:
        return [self.sectors.item(i).data(Qt.UserRole) for i in range(self.sectors.count())
                if self.sectors.item(i).checkState() == Qt.Checked]

    def perform(self):
        return update_user(self.window.database, self.window.actor, self.user_id, sector_ids=self.checked(),
                           civility=self.form.value("civility") or "", job_title=self.form.value("job_title"))
