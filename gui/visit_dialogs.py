"""Visit dialogs: schedule, reschedule or cancel, conclude (disorders one by one), collective walk."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from core.errors import ConflictError, DomainError
from core.queries.agenda import (CaseFindings, active_agents, visit_conclusion_form, visit_form_choices,
                                 visit_line)
from core.services import visits as services
from db.vocab import DISORDER_STATES
from gui.case_picker import CasePicker
from gui.conflicts import ask_reload
from gui.forms import Form, FormDialog, error_label
from gui.palette import style
from gui.widgets import resize_within_screen, scaled

TRI_STATE = [(None, "— non précisé —"), (True, "oui"), (False, "non")]
FINDING_CHOICES = [(None, "— pas vu —"), ("confirme", "Confirmé"), ("non_confirme", "Non confirmé")]


def _agent_list(window, chosen: set[int]) -> QListWidget:
    widget = QListWidget()
    widget.setMaximumHeight(110)
    for user_id, name in active_agents(window.database, window.actor):
        item = QListWidgetItem(name)
        item.setData(Qt.UserRole, user_id)
        item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable)
        item.setCheckState(Qt.Checked if user_id in chosen else Qt.Unchecked)
        widget.addItem(item)
    return widget


def _checked(widget: QListWidget) -> list:
    return [widget.item(i).data(Qt.UserRole) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.Checked]


class ScheduleVisitDialog(FormDialog):
    """A home visit for one case, or a collective one (walk, drop-in) for a neighbourhood."""

    def __init__(self, window, case_id: int | None = None, parent=None, collective: bool = False):
        super().__init__("Planifier une visite", parent, ok_text="Planifier")
        self.window, self.case_id = window, case_id
        choices = visit_form_choices(window.database, window.actor)
        types, places = choices.types, choices.places
        self.collective_types = {code for code, _label, collective in types if collective}
        form = self.form
        wanted = [(c, lbl) for c, lbl, coll in types if coll == collective or case_id is not None or not collective]
        form.add_choice("visit_type", "Type de visite", wanted)
        form.add_datetime("scheduled_at", "Date et heure")
        self.undated = QCheckBox("Date à fixer plus tard")
        self.undated.toggled.connect(lambda on: form.fields["scheduled_at"].setEnabled(not on))
        form.layout_.addRow("", self.undated)
        me = {window.actor.user_id} if window.actor.user_id else set()
        self.agents = form.add("agent_ids", "Agents", _agent_list(window, me))
        form.add_choice("neighbourhood_id", "Quartier (visite collective)", places, empty="— aucun —")
        self.picker = None
        if case_id is None:
            self.picker = CasePicker(window.database, actor=window.actor)
            self.picker.setMinimumHeight(scaled(self.picker, 180))
            form.add("case_ids", "Dossiers concernés", self.picker)
        form.add_long_text("observations", "Préparation / remarques")
        resize_within_screen(self, scaled(self, 640), scaled(self, 620 if case_id is None else 420))

    def perform(self):
        form = self.form
        case_ids = [self.case_id] if self.case_id is not None else self.picker.chosen_ids()
        return services.schedule_visit(
            self.window.database, self.window.actor, case_ids, form.value("visit_type"),
            None if self.undated.isChecked() else form.value("scheduled_at"), _checked(self.agents),
            form.value("neighbourhood_id"), form.value("observations"))


class WalkDialog(ScheduleVisitDialog):
    """A diagnostic en marchant: a collective visit in a neighbourhood, with the cases it concerns."""

    def __init__(self, window, parent=None):
        super().__init__(window, None, parent, collective=True)
        self.setWindowTitle("Diagnostic en marchant")
        combo = self.form.fields["visit_type"]
        combo.setCurrentIndex(max(0, combo.findData("diagnostic_marchant")))


class RescheduleVisitDialog(FormDialog):
    def __init__(self, window, visit_id: int, parent=None):
        super().__init__("Reprogrammer ou annuler la visite", parent, ok_text="Enregistrer")
        self.window, self.visit_id = window, visit_id
        visit = visit_line(window.database, window.actor, visit_id)
        self.version, current = visit.version, visit.scheduled_at
        form = self.form
        form.add_choice("what", "Que faire ?", [("reschedule", "Reprogrammer à une autre date"),
                                                ("cancel", "Annuler la visite"),
                                                ("missed", "La visite n'a pas eu lieu")])
        form.add_datetime("scheduled_at", "Nouvelle date", current)
        form.add_text("reason", "Motif", aliases=("cancel_reason",))

    def perform(self):
        values = self.form.values()
        database, actor = self.window.database, self.window.actor
        if values["what"] == "reschedule":
            return services.reschedule_visit(database, actor, self.visit_id, values["scheduled_at"], values["reason"],
                                             expected_version=self.version)
        return services.cancel_visit(database, actor, self.visit_id, values["reason"],
                                     missed=values["what"] == "missed", expected_version=self.version)

    def load(self) -> None:
        visit = visit_line(self.window.database, self.window.actor, self.visit_id)
        self.version = visit.version
        self.form.set_value("scheduled_at", visit.scheduled_at)


class ConcludeVisitDialog(QDialog):
    """Conclude a visit: presence, each disorder confirmed or not, procedures, next steps, findings.

    Observations and next steps are kept as drafts while typing (gui.drafts), so a crash
    loses nothing; they are discarded once the conclusion is saved.
    """

    def __init__(self, window, visit_id: int, parent=None):
        super().__init__(parent)
        self.window, self.database, self.visit_id = window, window.database, visit_id
        self.result_changes = None
        self.finding_combos: dict[int, dict[int, QComboBox]] = {}
        self.procedure_boxes: dict[int, dict[str, QCheckBox]] = {}
        self.common_rows: list[tuple] = []
        found = visit_conclusion_form(self.database, window.actor, visit_id)
        visit = found.visit
        self.version = visit.version  # sent with the conclusion: a save from an older version is refused
        self.collective = visit.collective
        title = f"Conclure : {visit.type_label}"
        if visit.scheduled_at:
            title += f" du {visit.scheduled_at:%d/%m/%Y}"
        self.setWindowTitle(title)
        self.form = Form()
        self.form.add_datetime("done_at", "Réalisée le", found.done_at or min(visit.scheduled_at or datetime.now(),
                                                                               datetime.now()))
        self.form.add_choice("occupant_present", "Occupant présent", TRI_STATE)
        self.form.add_choice("landlord_present", "Bailleur présent", TRI_STATE)
        self.observations = self.form.add_long_text("observations", "Observations", found.observations)
        self.next_steps = self.form.add_long_text("next_steps", "Suites à donner", found.next_steps)
        self.grid_items = found.grid
        case_boxes = [self._case_box(case, found.procedures) for case in found.cases]
        self.photo_case_id = found.cases[0].case_id if found.cases else None
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self.form)
        if self.photo_case_id is not None:
            body_layout.addWidget(self._photo_box())
        for box in case_boxes:
            body_layout.addWidget(box)
        if self.collective:
            body_layout.addWidget(self._common_box())
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Enregistrer la conclusion")
        buttons.button(QDialogButtonBox.Cancel).setText("Fermer sans conclure")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        resize_within_screen(self, scaled(self, 860), scaled(self, 720))  # the body scrolls on a small screen
        self._keep_drafts()

    def _keep_drafts(self) -> None:
        from gui.drafts import DraftKeeper

        user_id = self.window.actor.user_id
        self.drafts = [DraftKeeper(self.database, self.observations, f"visite:{self.visit_id}:observations",
                                   user_id=user_id, parent=self),
                       DraftKeeper(self.database, self.next_steps, f"visite:{self.visit_id}:suites",
                                   user_id=user_id, parent=self)]
        restored = [draft.restore() for draft in self.drafts]
        if any(restored):
            self.error.setStyleSheet(style("info"))
            self.error.setText("Brouillon retrouvé : le texte saisi précédemment a été remis.")
            self.error.setVisible(True)

    def _case_box(self, case: CaseFindings, procedures) -> QGroupBox:
        box = QGroupBox(f"{case.reference} — {case.household}")
        layout = QVBoxLayout(box)
        grid = QGridLayout()
        rows = case.disorders
        combos: dict[int, QComboBox] = {}
        grid.addWidget(QLabel("<b>Désordre signalé</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Constat</b>"), 0, 1)
        for line, (item_id, state, text) in enumerate(rows, start=1):
            caption = QLabel(text + (f" ({DISORDER_STATES[state].lower()})" if state != "signale" else ""))
            caption.setWordWrap(True)
            combo = QComboBox()
            for code, caption_text in FINDING_CHOICES:
                combo.addItem(caption_text, code)
            combo.setCurrentIndex(max(0, combo.findData(state if state != "signale" else None)))
            caption.setBuddy(combo)
            grid.addWidget(caption, line, 0)
            grid.addWidget(combo, line, 1)
            combos[item_id] = combo
        if not rows:
            grid.addWidget(QLabel("Aucun désordre signalé sur ce dossier."), 1, 0)
        layout.addLayout(grid)
        extra = QHBoxLayout()
        add_combo = QComboBox()
        add_combo.setAccessibleName(f"Désordre constaté sur place à ajouter au dossier {case.reference}")
        add_combo.addItem("— ajouter un désordre constaté sur place —", None)
        present = {item_id for item_id, _s, _t in rows}
        for item_id, text, _zone in self.grid_items:
            if item_id not in present:
                add_combo.addItem(text, item_id)
        add_button = QPushButton("Ajouter comme confirmé")
        add_button.clicked.connect(lambda: self._add_found(case.case_id, add_combo, grid, combos))
        extra.addWidget(add_combo, 1)
        extra.addWidget(add_button)
        layout.addLayout(extra)
        layout.addWidget(QLabel("<b>Procédures retenues</b>"))
        suggested = case.suggested_procedures
        procedure_grid = QGridLayout()
        boxes = {}
        for index, (code, text) in enumerate(procedures):
            check = QCheckBox(text + (" (suggérée)" if code in suggested else ""))
            boxes[code] = check
            procedure_grid.addWidget(check, index // 3, index % 3)
        layout.addLayout(procedure_grid)
        self.finding_combos[case.case_id] = combos
        self.procedure_boxes[case.case_id] = boxes
        return box

    def _add_found(self, case_id, add_combo: QComboBox, grid: QGridLayout, combos) -> None:
        item_id = add_combo.currentData()
        if item_id is None:
            return
        combo = QComboBox()
        for code, caption_text in FINDING_CHOICES:
            combo.addItem(caption_text, code)
        combo.setCurrentIndex(combo.findData("confirme"))
        line = grid.rowCount()
        grid.addWidget(QLabel(add_combo.currentText() + " (constaté sur place)"), line, 0)
        grid.addWidget(combo, line, 1)
        combos[item_id] = combo
        add_combo.removeItem(add_combo.currentIndex())

    def _common_box(self) -> QGroupBox:
        box = QGroupBox("Constats sur les parties communes")
        self.common_layout = QVBoxLayout(box)
        add = QPushButton("Ajouter un constat")
        add.clicked.connect(self._add_common_row)
        self.common_layout.addWidget(add)
        return box

    def _add_common_row(self) -> None:
        row = QHBoxLayout()
        item = QComboBox()
        item.addItem("— désordre de la grille —", None)
        for item_id, text, zone in self.grid_items:
            if zone == "batiment":
                item.addItem(text, item_id)
        location = QLineEdit(placeholderText="Lieu (hall, cage B…)")
        description = QLineEdit(placeholderText="Constat")
        severity = QSpinBox()
        severity.setRange(1, 3)
        severity.setPrefix("gravité ")
        for widget in (item, location, description, severity):
            row.addWidget(widget)
        self.common_layout.insertLayout(self.common_layout.count() - 1, row)
        self.common_rows.append((item, location, description, severity))
        item.setFocus()

    def _photo_box(self) -> QGroupBox:
        """Photos taken during the visit, attached to the (first) case with the visit once it is concluded."""
        box = QGroupBox("Photos de la visite")
        self.photo_list = QListWidget()
        self.photo_list.setAccessibleName("Photos de la visite")
        self.photo_list.setMaximumHeight(80)
        choose = QPushButton("Ajouter des photos…")
        choose.clicked.connect(self._choose_photos)
        layout = QVBoxLayout(box)
        layout.addWidget(self.photo_list)
        layout.addWidget(choose, 0, Qt.AlignLeft)
        return box

    def _choose_photos(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        paths, _filter = QFileDialog.getOpenFileNames(self, "Photos de la visite", "",
                                                      "Images (*.jpg *.jpeg *.png *.webp);;Tous les fichiers (*)")
        for path in paths:
            self.photo_list.addItem(path)

    def photo_paths(self) -> list:
        from pathlib import Path

        if self.photo_case_id is None:
            return []
        return [Path(self.photo_list.item(i).text()) for i in range(self.photo_list.count())]

    def _attach_photos(self) -> None:
        from gui.case_file.attachments_tab import add_file

        problems = [reason for path in self.photo_paths()
                    if (reason := add_file(self.database, self.window.actor, self.photo_case_id, path,
                                           visit_id=self.visit_id))]
        if problems:
            QMessageBox.warning(self, "Photos non ajoutées",
                                "La conclusion est enregistrée, mais ces photos n'ont pas été jointes :\n"
                                + "\n".join(problems))

    def values(self) -> dict:
        findings = {case_id: {item_id: combo.currentData() for item_id, combo in combos.items()
                              if combo.currentData() is not None}
                    for case_id, combos in self.finding_combos.items()}
        procedures = {case_id: [code for code, box in boxes.items() if box.isChecked()]
                      for case_id, boxes in self.procedure_boxes.items()}
        commons = [{"item_id": item.currentData(), "location": location.text(), "description": description.text(),
                    "severity": severity.value()} for item, location, description, severity in self.common_rows
                   if item.currentData() is not None or description.text().strip()]
        form = self.form
        return dict(done_at=form.value("done_at"), findings=findings, procedures=procedures,
                    next_steps=form.value("next_steps"), observations=form.value("observations"),
                    occupant_present=form.value("occupant_present"), landlord_present=form.value("landlord_present"),
                    common_findings=commons)

    def submit(self) -> None:
        self.form.clear_errors()
        self.error.setVisible(False)
        self.error.setStyleSheet(style("danger"))
        try:
            self.result_changes = services.conclude_visit(self.database, self.window.actor, self.visit_id,
                                                          expected_version=self.version, **self.values())
        except ConflictError as error:
            self._conflict(error)
            return
        except DomainError as error:
            if error.field in self.form.fields:
                self.form.show_error(error)
            else:
                self.error.setText(error.message)
                self.error.setVisible(True)
            return
        for draft in self.drafts:
            draft.discard()
        self._attach_photos()
        self.accept()

    def _conflict(self, error: ConflictError) -> None:
        """Reloading takes the newest version and keeps the texts typed here (the conclusion is the agent's own
        work); keeping shows the message and changes nothing."""
        if ask_reload(self, error, "Visite modifiée entre-temps"):
            self.version = visit_line(self.database, self.window.actor, self.visit_id).version
            error_text = ("Visite rechargée : vérifiez votre conclusion au regard de ce que votre collègue a "
                          "enregistré, puis enregistrez de nouveau.")
        else:
            error_text = error.message
        self.error.setText(error_text)
        self.error.setVisible(True)

    def reject(self) -> None:
        # Closing without concluding keeps what was typed for next time.
        for draft in self.drafts:
            draft.save_now()
        super().reject()
