"""Changing a case's status: only the moves the workflow allows, and what each needs."""
from __future__ import annotations

from core.queries.case_file import CaseHeader, closure_reason_choices
from core.services.status import allowed_transitions, change_status
from db.vocab import CASE_STATUSES
from gui.forms import FormDialog


class StatusDialog(FormDialog):
    def __init__(self, page, case: CaseHeader):
        super().__init__(f"Changer le statut — {case.reference}", page, ok_text="Changer le statut")
        self.page = page
        self.case = case
        targets = allowed_transitions(case.status)
        reasons = closure_reason_choices(page.database, page.actor)
        form = self.form
        form.layout_.addRow("Statut actuel :", _label(CASE_STATUSES[case.status]))
        self.status = form.add_choice("status", "Nouveau statut", [(s, CASE_STATUSES[s]) for s in targets])
        self.reason_code = form.add_choice("closure_reason", "Motif de clôture", reasons, empty="— choisir —")
        self.closed_on = form.add_date("closed_on", "Date de clôture")
        reason_caption = "Motif de réouverture" if case.status == "clos" else "Commentaire"
        form.add_long_text("reason", reason_caption)
        self.status.currentIndexChanged.connect(self._status_changed)
        self._status_changed()

    def _status_changed(self) -> None:
        closing = self.form.value("status") == "clos"
        for name in ("closure_reason", "closed_on"):
            widget = self.form.fields[name]
            widget.setEnabled(closing)
            self.form.layout_.labelForField(widget.parentWidget()).setEnabled(closing)

    def perform(self):
        values = self.form.values()
        kwargs = {"reason": values["reason"]}
        if values["status"] == "clos":
            kwargs.update(closure_reason=values["closure_reason"], closed_on=values["closed_on"])
        return change_status(self.page.database, self.page.actor, self.case.id, values["status"], **kwargs)


def _label(text: str):
    from PySide6.QtWidgets import QLabel

    return QLabel(f"<b>{text}</b>")
