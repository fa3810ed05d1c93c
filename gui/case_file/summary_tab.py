"""Synthèse: household, dwelling and case fields (editable, Ctrl+S), legal checks and criticality."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QMessageBox, QScrollArea, QVBoxLayout, QWidget

from core.errors import ConflictError, DomainError, ValidationError
from core.queries.case_file import CaseSummary, FormChoices, form_choices
from core.services import cases as case_services
from db.vocab import DPE_CLASSES, PRIORITIES, SOCIAL_FINANCINGS, TENURES, TYPOLOGIES
from gui.case_file.legal import legal_checks_html
from gui.forms import Form
from gui.palette import style

def build_household_form(form: Form) -> None:
    form.add_text("last_name", "Nom *")
    form.add_text("first_name", "Prénom")
    form.add_text("phone", "Téléphone", placeholder="03 20 00 00 00")
    form.add_text("email", "Courriel")
    form.add_int("adults", "Adultes", 1, 0, 20)
    form.add_int("children", "Enfants (moins de 18 ans)", 0, 0, 20)
    form.add_check("has_child_under_6", "Enfant de moins de 6 ans")
    form.add_check("has_person_over_75", "Personne de plus de 75 ans")
    form.add_check("has_disability", "Handicap ou mobilité réduite")
    form.add_check("is_isolated", "Personne isolée")
    form.add_check("has_pregnancy", "Grossesse")
    form.add_check("caf_allocataire", "Allocataire CAF/MSA")
    form.add_text("preferred_language", "Langue", "français")


def build_dwelling_form(form: Form, choices: FormChoices, full: bool = True) -> None:
    form.add_text("street_number", "Numéro")
    form.add_text("street", "Voie *", placeholder="rue, avenue…")
    form.add_text("building", "Bâtiment / entrée")
    form.add_text("floor", "Étage")
    form.add_text("door", "Porte")
    form.add_text("postcode", "Code postal *", placeholder="59000")
    form.add_choice("commune_id", "Commune *", choices.communes, empty="— choisir —")
    form.add_choice("neighbourhood_id", "Quartier", choices.neighbourhoods, empty="— aucun —")
    form.add_choice("tenure", "Statut d'occupation *", TENURES)
    form.add_choice("landlord_id", "Bailleur", choices.landlords, empty="— aucun —")
    if not full:
        return
    form.add_choice("social_financing", "Financement social", SOCIAL_FINANCINGS, empty="—")
    form.add_choice("typology", "Typologie", TYPOLOGIES, empty="—")
    form.add_amount("living_area_m2", "Surface habitable", None, 1000, " m²")
    form.add_optional_int("main_rooms", "Pièces principales", None, 30)
    form.add_amount("main_room_area_m2", "Pièce principale", None, 1000, " m²")
    form.add_amount("ceiling_height_m", "Hauteur sous plafond", None, 10, " m")
    form.add_choice("dpe_class", "Classe DPE", DPE_CLASSES, empty="—")
    form.add_date("dpe_date", "Date du DPE", optional=True)
    form.add_amount("energy_kwh_m2_year", "Consommation", None, 2000, " kWh/m²/an")


class SummaryTab(QWidget):
    PART = "summary"

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.database = page.database
        self._loading = False
        self._dirty = False
        self._loaded: dict[str, dict] = {}
        self._versions: dict[str, int] = {}
        choices = page.window.form_choices  # read in the pool at start-up, when it is there
        if choices is None:
            choices = page.window.form_choices = form_choices(self.database, page.actor)
        self.household_form = Form()
        build_household_form(self.household_form)
        self.dwelling_form = Form()
        build_dwelling_form(self.dwelling_form, choices)
        self.case_form = Form()
        self.case_form.add_choice("source", "Origine *", choices.sources)
        self.case_form.add_choice("priority", "Priorité", PRIORITIES)
        self.case_form.add_date("opened_on", "Signalé le")
        self.case_form.add_choice("agent_id", "Agent", choices.agents, empty="— aucun —")
        self.case_form.add_long_text("summary", "Résumé")
        self.legal = QLabel()
        self.legal.setWordWrap(True)
        self.legal.setTextFormat(Qt.RichText)
        self.score = QLabel()
        self.score.setWordWrap(True)
        self.state = QLabel()
        self.state.setStyleSheet(style("warning"))
        columns = QHBoxLayout()
        left = QVBoxLayout()
        for title, form, target in (("Ménage", self.household_form, left), ("Dossier", self.case_form, left),
                                    ("Logement", self.dwelling_form, columns)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(form)
            target.addWidget(box, 0 if target is left else 1)
        left.addStretch(1)
        columns.insertLayout(0, left, 1)
        checks_box = QGroupBox("Vérifications réglementaires et criticité")
        checks_layout = QVBoxLayout(checks_box)
        checks_layout.addWidget(self.score)
        checks_layout.addWidget(self.legal)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.state)
        inner_layout.addWidget(checks_box)
        inner_layout.addLayout(columns)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        QVBoxLayout(self).addWidget(scroll)
        for form in self.forms().values():
            form.watch(self._changed)

    def forms(self) -> dict[str, Form]:
        return {"household": self.household_form, "dwelling": self.dwelling_form, "case": self.case_form}

    def show_data(self, summary: CaseSummary) -> None:
        self._loading = True
        try:
            for key, values in (("household", summary.household), ("dwelling", summary.dwelling),
                                ("case", summary.case)):
                form = self.forms()[key]
                for name, value in values.items():
                    form.set_value(name, value)
                form.clear_errors()
                self._loaded[key] = form.values()
                self._versions[key] = summary.versions[key]
        finally:
            self._loading = False
        self._set_dirty(False)
        self.score.setText(summary.criticality_explanation)
        self.legal.setText(legal_checks_html(summary))

    def _changed(self) -> None:
        if not self._loading:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self.state.setText("Modifications non enregistrées (Ctrl+S pour enregistrer)." if dirty else "")
        self.state.setVisible(dirty)

    def is_dirty(self) -> bool:
        return self._dirty

    def changed_values(self, key: str) -> dict:
        values = self.forms()[key].values()
        return {k: v for k, v in values.items() if self._loaded.get(key, {}).get(k) != v}

    def save(self) -> bool:
        """The whole form in one service call (one transaction): errors land next to their field, a save from
        an older version says who saved meanwhile and keeps what was typed."""
        parts = {key: self.changed_values(key) for key in self.forms()}
        case_values = parts["case"]
        assign = "agent_id" in case_values
        agent = case_values.pop("agent_id", None)
        if not any(parts.values()) and not assign:
            self._set_dirty(False)
            return True
        for form in self.forms().values():
            form.clear_errors()
        try:
            changes = case_services.save_summary(
                self.database, self.page.actor, self.page.case_id, household=parts["household"] or None,
                dwelling=parts["dwelling"] or None, case=case_values or None,
                versions={key: self._versions[key] for key, values in parts.items() if values},
                assign=assign, agent_id=agent)
        except ConflictError as error:
            self._offer_reload(error)
            return False
        except DomainError as error:
            self._show_errors(error)
            return False
        self._set_dirty(False)
        self.page.changed(changes)
        return True

    def _show_errors(self, error: DomainError) -> None:
        items = error.errors if isinstance(error, ValidationError) else [error]
        for key, form in self.forms().items():
            mine = [item for item in items if item.field in form.errors]
            if key == "case":  # what no form names (a permission, a rule) shows at the top of the case part
                mine += [item for item in items if not any(item.field in f.errors for f in self.forms().values())]
            if mine:
                form.show_error(ValidationError(mine[0].message, mine[0].field, errors=mine))
        self.page.tabs.setCurrentWidget(self)

    def _offer_reload(self, error: ConflictError) -> None:
        box = QMessageBox(QMessageBox.Warning, "Dossier modifié entre-temps", error.message, parent=self)
        reload_button = box.addButton("&Recharger le dossier (ma saisie est abandonnée)", QMessageBox.DestructiveRole)
        keep = box.addButton("&Garder ma saisie", QMessageBox.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        if box.clickedButton() is reload_button:
            self._set_dirty(False)
            self.page.reload()
        else:
            self.forms()["case"].top_error.setText(error.message)
            self.forms()["case"].top_error.setVisible(True)

    def discard(self) -> None:
        self._set_dirty(False)

