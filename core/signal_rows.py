"""One « Signal Logement » report: the platform's cells to our case, with every problem named by its column.

The row is first translated to the values of our own import (core.import_rows),
so the field rules are those of the forms; what our model has no field for is
kept as the platform's text (unmatched disorders, visit, closure comment) or
written in the import note of the case.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import signal_logement as sl
from core.errors import ValidationError
from core.formatting import fr_count
from core.import_rows import Lookups, RowResult, parse_row
from db import models as m
from db.base import now
from db.search import fold as fold_uncached

# The same few words (statuses, communes, yes/no) come back on every row: fold each once.
fold = lru_cache(maxsize=16384)(fold_uncached)

# Our field -> the platform column it comes from (to name the column of an error).
KEY_COLUMNS = {
    "last_name": "Nom occupant", "first_name": "Prénom occupant", "phone": "Tél. occupant",
    "email": "E-mail occupant", "adults": "Nb personnes", "children": "Nb enfants",
    "has_child_under_6": "Enfants -6 ans", "caf_allocataire": "Allocataire", "street_number": "Adresse",
    "street": "Adresse", "building": "Complément", "floor": "Étage", "door": "Appartement",
    "postcode": "Code postal", "commune": "Commune", "commune_id": "Commune", "tenure": "Logement social",
    "landlord": "Nom bailleur", "living_area_m2": "Superficie", "source": "Type déclarant",
    "opened_on": "Déposé le", "summary": "Description", "status": "Statut", "closed_on": "Fermé le",
    "closure_reason": "Motif de clôture",
}
# Fields fed by several columns (or by another one than the column their errors are named after).
FIELD_SOURCES = {
    "commune_id": ("Commune", "Code INSEE"), "tenure": ("Logement social", "Type occupant"),
    "landlord_id": ("Nom bailleur", "Dénomination bailleur"), "building": ("Complément", "Escalier"),
    "adults": ("Nb personnes",), "status": ("Statut",),
}
BUILDING_MAX = 60


@dataclass
class Context:
    """What every row is matched against, loaded once per import."""

    lookups: Lookups
    communes_by_insee: dict[str, str]
    communes_by_key: dict[str, str]
    postcodes: dict[str, str]
    items_by_code: dict[str, int]
    items_by_label: dict[str, int]
    procedures: dict[str, str]
    known: dict[str, tuple[int, datetime | None]]
    today: date
    # The session's identity map holds rows weakly: keeping the communes and partners here spares the
    # field checks (core.services.fields.check_dwelling) one query per row.
    pinned: list = field(default_factory=list)

    @classmethod
    def load(cls, session: Session) -> "Context":
        communes = list(session.execute(select(m.Commune.name, m.Commune.insee_code, m.Commune.postcode)))
        items = list(session.execute(select(m.DisorderItem.id, m.DisorderItem.code, m.DisorderItem.label)
                                     .where(m.DisorderItem.active)))
        procedures = {}
        for code, label in session.execute(select(m.ProcedureType.code, m.ProcedureType.label)):
            procedures[fold(label)] = procedures[fold(code)] = code
        known = {reference: (case_id, updated) for reference, case_id, updated in session.execute(
            select(m.Case.external_reference, m.Case.id, m.ExternalRecord.platform_updated_at)
            .outerjoin(m.ExternalRecord, m.ExternalRecord.case_id == m.Case.id)
            .where(m.Case.external_source == sl.SOURCE))}
        return cls(
            lookups=Lookups.load(session),
            communes_by_insee={insee: name for name, insee, _ in communes},
            communes_by_key={sl.place_key(name): name for name, _, _ in communes},
            postcodes={name: postcode for name, _, postcode in communes},
            items_by_code={code: item_id for item_id, code, _ in items},
            items_by_label={fold(label): item_id for item_id, _, label in items},
            procedures=procedures, known=known, today=now().date(),
            pinned=list(session.scalars(select(m.Commune))) + list(session.scalars(select(m.Partner))),
        )


@dataclass
class Visit:
    when: datetime
    status: str
    occupant_present: bool | None
    procedures: list[str]
    observations: str


@dataclass
class Report:
    """A platform row read: our values, the platform's words, and what to do with it."""

    line: int
    raw: list
    reference: str | None = None
    row: RowResult | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    updated_at: datetime | None = None
    disorder_ids: list[int] = field(default_factory=list)
    unmatched_disorders: list[str] = field(default_factory=list)
    visit: Visit | None = None
    visit_text: str = ""
    platform: dict = field(default_factory=dict)
    note: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    action: str = "new"  # "new", "update" (platform has newer data) or "unchanged"
    case_id: int | None = None
    present: frozenset = frozenset()  # the platform columns the file has

    def has(self, field_name: str) -> bool:
        """Whether the file carries the column(s) a field of ours comes from."""
        return _carries(self.present, field_name)

    def attempt(self, column: str, function):
        try:
            return function()
        except ValidationError as error:
            self.errors.append((column, error.message))
            return None


@lru_cache(maxsize=1024)
def _carries(present: frozenset, field_name: str) -> bool:
    sources = FIELD_SOURCES.get(field_name, (KEY_COLUMNS.get(field_name, ""),))
    return any(column in present for column in sources)


def read_report(session: Session, context: Context, line: int, record: dict, raw: list) -> Report:
    """record: platform header -> cell (only the columns the file has)."""
    report = Report(line, list(raw), present=frozenset(record))
    cell = lambda column: sl.text(record.get(column))  # noqa: E731
    report.reference = cell("Référence")
    if report.reference is None:
        report.errors.append(("Référence", "référence de la plateforme absente : le signalement ne pourrait pas "
                                           "être retrouvé à l'import suivant"))
    report.updated_at = report.attempt("Dernière MAJ le", lambda: sl.when(record.get("Dernière MAJ le")))
    opened = report.attempt("Déposé le", lambda: sl.when(record.get("Déposé le")))
    values = _household(report, record) | _dwelling(context, report, record) | _case(report, record, opened)
    report.row = parse_row(session, context.lookups, line, values, raw)
    report.errors += [(KEY_COLUMNS.get(key, key), message) for key, message in report.row.errors]
    _disorders(context, report, record)
    _visit(context, report, record)
    _note(report, record, opened)
    return report


def _household(report: Report, record: dict) -> dict:
    values = {"last_name": sl.text(record.get("Nom occupant")) or "",
              "first_name": sl.text(record.get("Prénom occupant")) or "",
              "phone": sl.phone(record.get("Tél. occupant")) or "",
              "email": sl.text(record.get("E-mail occupant")) or ""}
    persons = report.attempt("Nb personnes", lambda: sl.whole(record.get("Nb personnes")))
    children = report.attempt("Nb enfants", lambda: sl.whole(record.get("Nb enfants")))
    if persons is not None and children is not None and children > persons:
        report.errors.append(("Nb enfants", f"{fr_count(children, 'enfant')} pour un ménage de "
                                            f"{fr_count(persons, 'personne')}"))
    elif persons is not None:
        values["adults"] = max(persons - (children or 0), 1)
    if children is not None:
        values["children"] = children
    if "Enfants -6 ans" in record:
        young = report.attempt("Enfants -6 ans", lambda: _young_children(record.get("Enfants -6 ans")))
        values["has_child_under_6"] = bool(young)
    if "Allocataire" in record:
        allocataire = sl.text(record.get("Allocataire"))
        values["caf_allocataire"] = allocataire is not None and fold(allocataire) in ("oui", "caf", "msa", "1", "o")
    return values


def _young_children(value) -> bool | None:
    """« Oui »/« Non », or a count in older exports."""
    raw = sl.text(value)
    if raw is not None and raw.isdigit():
        return int(raw) > 0
    return sl.yes_no(value)


def _dwelling(context: Context, report: Report, record: dict) -> dict:
    address = sl.text(record.get("Adresse")) or ""
    number, street = sl.split_address(address)
    values = {"street_number": number, "street": street, "floor": sl.text(record.get("Étage")) or "",
              "door": sl.text(record.get("Appartement")) or ""}
    building = ", ".join(filter(None, (sl.text(record.get("Complément")),
                                       _prefixed("esc. ", sl.text(record.get("Escalier"))))))
    if len(building) > BUILDING_MAX:
        report.note.append(f"Complément d'adresse : {building}")
        building = building[:BUILDING_MAX - 1] + "…"
    values["building"] = building
    commune = _commune(context, record)
    values["commune"] = commune
    postcode = sl.text(record.get("Code postal"))
    if postcode and postcode.isdigit() and len(postcode) == 4:  # a spreadsheet dropped the leading zero
        postcode = postcode.zfill(5)
    values["postcode"] = postcode if postcode is not None else context.postcodes.get(commune or "", "")
    area = sl.area(record.get("Superficie"))
    if area is not None:
        values["living_area_m2"] = area
    values["tenure"] = _tenure(report, record)
    landlord = sl.text(record.get("Dénomination bailleur")) or " ".join(
        filter(None, (sl.text(record.get("Nom bailleur")), sl.text(record.get("Prénom bailleur")))))
    if landlord:
        values["landlord"] = landlord
    return values


def _prefixed(prefix: str, value: str | None) -> str | None:
    return f"{prefix}{value}" if value else None


def _commune(context: Context, record: dict) -> str | None:
    insee = sl.text(record.get("Code INSEE"))
    if insee and insee.zfill(5) in context.communes_by_insee:
        return context.communes_by_insee[insee.zfill(5)]
    name = sl.text(record.get("Commune"))
    if name is None:
        return None
    return context.communes_by_key.get(sl.place_key(name), name)  # an unknown name is refused, named


def _tenure(report: Report, record: dict) -> str:
    rules = sl.rules()
    social = report.attempt("Logement social", lambda: sl.yes_no(record.get("Logement social")))
    occupant = sl.text(record.get("Type occupant"))
    mapped = rules.tenures.get(fold(occupant)) if occupant else None
    if social:
        return "locataire_social"
    if mapped:
        return "locataire_prive" if mapped == "locataire_social" and social is False else mapped
    report.notices.append("statut d'occupation non renseigné : « Locataire parc privé » retenu")
    return rules.defaults["tenure"]


def _case(report: Report, record: dict, opened: datetime | None) -> dict:
    rules = sl.rules()
    declarant = sl.text(record.get("Type déclarant"))
    values = {"source": rules.declarants.get(fold(declarant or ""), rules.defaults["source"]),
              "summary": sl.text(record.get("Description")) or "",
              "kinds": ",".join(rules.defaults["kinds"]), "objectives": ",".join(rules.defaults["objectives"])}
    if opened is not None:
        values["opened_on"] = opened.date()
    status_text = sl.text(record.get("Statut")) or ""
    reason_text = sl.text(record.get("Motif de clôture")) or ""
    report.platform = {"platform_status": status_text, "platform_closure_reason": reason_text,
                       "platform_closure_comment": sl.text(record.get("Commentaire de clôture")) or ""}
    status = rules.statuses.get(fold(status_text), "nouveau")
    if status_text and fold(status_text) not in rules.statuses:
        report.notices.append(f"statut « {status_text} » inconnu : « Nouveau » retenu")
    values["status"] = status
    if status == "clos":
        closed = report.attempt("Fermé le", lambda: sl.when(record.get("Fermé le")))
        closed = closed or report.updated_at or opened
        values["closed_on"] = closed.date() if closed else None
        values["closure_reason"] = (rules.closure_reasons.get(fold(reason_text))
                                    or rules.closure_when_no_reason.get(fold(status_text)) or "autre")
    return values


def _disorders(context: Context, report: Report, record: dict) -> None:
    rules = sl.rules()
    for label in sl.items(record.get("Désordres")):
        code = rules.disorders.get(fold(label))
        item_id = context.items_by_code.get(code) if code else context.items_by_label.get(fold(label))
        if item_id is None:
            report.unmatched_disorders.append(label)
        elif item_id not in report.disorder_ids:
            report.disorder_ids.append(item_id)


def _visit(context: Context, report: Report, record: dict) -> None:
    rules = sl.rules()
    when = report.attempt("Date de la dernière visite", lambda: sl.when(record.get("Date de la dernière visite")))
    status_text = sl.text(record.get("Statut de la dernière visite")) or ""
    present = report.attempt("Occupant présent dernière visite",
                             lambda: sl.yes_no(record.get("Occupant présent dernière visite")))
    conclusions = sl.items(record.get("Ccl. de la dernière visite"))
    comment = sl.text(record.get("Comm. de la dernière visite")) or ""
    parts = [when.strftime("%d/%m/%Y") if when else "", status_text,
             f"occupant présent : {'oui' if present else 'non'}" if present is not None else "",
             f"conclusion : {' | '.join(conclusions)}" if conclusions else "",
             f"commentaire : {comment}" if comment else ""]
    report.visit_text = " — ".join(p for p in parts if p)
    if when is None:
        return
    procedures = []
    for text in conclusions:
        code = rules.conclusions.get(fold(text)) or context.procedures.get(fold(text))
        if code and code in context.procedures.values() and code not in procedures:
            procedures.append(code)
    status = rules.visit_statuses.get(fold(status_text))
    if status is None:
        status = "realisee" if when.date() <= context.today else "planifiee"
    if status == "realisee" and when.date() > context.today:
        status = "planifiee"
    report.visit = Visit(when, status, present, procedures, comment)


def _note(report: Report, record: dict, opened: datetime | None) -> None:
    head = f"Dossier importé de la plateforme {sl.PLATFORM} (référence {report.reference or '?'}"
    head += f", déposé le {opened.strftime('%d/%m/%Y')})." if opened else ")."
    lines = [f"{column} : {value}" for column in sl.NOTE_COLUMNS
             if (value := sl.text(record.get(column))) is not None]
    if column_phone := sl.phone(record.get("Téléphone sec.")):
        lines = [line if not line.startswith("Téléphone sec.") else f"Téléphone sec. : {column_phone}"
                 for line in lines]
    report.note = [head] + lines + report.note
