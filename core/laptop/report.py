"""What a check-in brought back and what needs a decision: plain data, French text, JSON for the office base."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

from core.formatting import fr_count
from core.laptop.merge import WHOLE_RECORD

TABLE_LABELS = {
    "households": "Ménage", "dwellings": "Logement", "cases": "Dossier", "visits": "Visite",
    "case_kinds": "Type de dossier", "case_objectives": "Objectif", "case_disorders": "Désordre",
    "case_external_records": "Signalement importé", "visit_cases": "Dossier d'une visite",
    "visit_agents": "Agent d'une visite", "visit_procedures": "Procédure d'une visite",
    "common_area_findings": "Constat en parties communes", "referrals": "Saisine",
    "relocations": "Suivi de relogement", "proposals": "Proposition de logement",
    "journal_entries": "Entrée du journal", "attachments": "Pièce jointe", "tasks": "Échéance",
}
FIELD_LABELS = {  # columns without a form field of the same key (core.fields)
    "status": "Statut", "priority": "Priorité", "summary": "Résumé", "agent_id": "Agent", "opened_on": "Signalé le",
    "closed_on": "Clos le", "closure_reason": "Motif de clôture", "observations": "Observations",
    "next_steps": "Suites à donner", "scheduled_at": "Date prévue", "done_at": "Réalisée le", "text": "Texte",
    "caption": "Légende", "title": "Intitulé", "due_on": "Échéance", "done_on": "Faite le", "answer": "Réponse",
    "state": "État", "comment": "Commentaire", "shareable": "Partageable", "reference": "Référence",
    WHOLE_RECORD: "Fiche entière",
}


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    from core.fields import BY_KEY

    return BY_KEY[name].label if name in BY_KEY else name


def display_value(value, side: str = "") -> str:
    """A JSON value as a person reads it (dates in French, oui/non, « (vide) »)."""
    if isinstance(value, dict):
        return "fiche présente" if side else "fiche"
    if value is None:
        return "(supprimée)" if side == "record" else "(vide)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, str):
        for parse, pattern in ((datetime.fromisoformat, "%d/%m/%Y %H:%M"),):
            if len(value) in (10, 19) and value[4:5] == "-" and value[7:8] == "-":
                try:
                    moment = parse(value)
                except ValueError:
                    break
                return moment.strftime("%d/%m/%Y" if len(value) == 10 else pattern)
        return value if value.strip() else "(vide)"
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class MergedRecord:
    table: str  # French label
    case_reference: str
    what: str = ""


@dataclass(frozen=True)
class ConflictView:
    id: int | None
    case_reference: str
    table: str  # French label
    field: str  # French label
    field_name: str
    base: str
    office: str
    laptop: str
    office_by: str
    office_at: datetime | None
    laptop_by: str
    laptop_at: datetime | None
    status: str = "ouvert"
    chosen: str = ""

    def sentence(self) -> str:
        def who(name, at):
            return f"{name or '?'}{' le ' + at.strftime('%d/%m/%Y %H:%M') if at else ''}"

        return (f"{self.case_reference} · {self.table} · {self.field} : bureau « {self.office} » "
                f"({who(self.office_by, self.office_at)}), portable « {self.laptop} » "
                f"({who(self.laptop_by, self.laptop_at)})")


@dataclass
class CheckinReport:
    checkout_uuid: str
    holder: str
    taken_at: datetime | None
    applied_at: datetime | None = None
    already_applied: bool = False
    created: list[MergedRecord] = field(default_factory=list)
    updated: list[MergedRecord] = field(default_factory=list)
    deleted: list[MergedRecord] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)  # provisional -> office
    audit_events: int = 0
    conflicts: list[ConflictView] = field(default_factory=list)

    @property
    def nothing_new(self) -> bool:
        return not (self.created or self.updated or self.deleted or self.conflicts or self.audit_events)

    def lines(self) -> list[str]:
        taken = f" le {self.taken_at:%d/%m/%Y à %H:%M}" if self.taken_at else ""
        lines = [f"Portable emporté par {self.holder}{taken}."]
        if self.already_applied:
            when = f" le {self.applied_at:%d/%m/%Y à %H:%M}" if self.applied_at else ""
            return lines + [f"Ce contenu a déjà été rapporté{when} : rien n'a été modifié."]
        if self.nothing_new:
            return lines + ["Rien de nouveau sur ce portable : rien n'a été modifié."]
        lines.append(f"Ajouts : {len(self.created)} ; modifications : {len(self.updated)} ; suppressions : "
                     f"{len(self.deleted)} ; événements du journal d'audit repris : {self.audit_events}.")
        lines += [f"Nouveau dossier {old} : référence {new}." for old, new in self.references]
        if self.conflicts:
            lines.append(fr_count(len(self.conflicts), "conflit à arbitrer", "conflits à arbitrer")
                         + " (la valeur du bureau est gardée d'ici là) :")
            lines += ["  " + c.sentence() for c in self.conflicts]
        else:
            lines.append("Aucun conflit : tout est rentré.")
        return lines

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, default=str)

    @classmethod
    def from_json(cls, text: str) -> "CheckinReport":
        data = json.loads(text)
        moment = lambda v: datetime.fromisoformat(v) if v else None  # noqa: E731
        data["taken_at"], data["applied_at"] = moment(data["taken_at"]), moment(data["applied_at"])
        for key in ("created", "updated", "deleted"):
            data[key] = [MergedRecord(**r) for r in data[key]]
        data["references"] = [tuple(r) for r in data["references"]]
        data["conflicts"] = [ConflictView(**{**c, "office_at": moment(c["office_at"]),
                                             "laptop_at": moment(c["laptop_at"])}) for c in data["conflicts"]]
        return cls(**data)
