"""One imported row: spreadsheet text to clean model values, with every problem found.

Labels are accepted as the export writes them (e.g. « Locataire parc social »,
« Clos », « oui ») as well as the internal codes; names are matched ignoring
accents and case. Field rules are those of the forms (core.services.fields).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import fields as declared
from core import validation as v
from core.errors import ValidationError
from core.services.fields import CASE_FIELDS, DWELLING_FIELDS, HOUSEHOLD_FIELDS, check_dwelling, check_household
from db import models as m
from db.base import now
from core.duplicates import SAME_ADDRESS, SAME_NAME, address_key, name_key, surname_key
from db.search import fold
from db.vocab import CASE_STATUSES, PRIORITIES

REFERENCE = re.compile(r"^\d{4}-\d{5}$")
HOUSEHOLD_KEYS = [f.key for f in declared.HOUSEHOLD]
# Reference fields (commune, quartier, bailleur) are looked up by name in _dwelling.
DWELLING_KEYS = [f.key for f in declared.DWELLING if f.kind != "reference"]
BOOLEAN_KEYS = {f.key for f in declared.ALL if f.kind == "flag"}
TRUE, FALSE = {"oui", "o", "vrai", "true", "1", "x", "yes"}, {"non", "n", "faux", "false", "0", "", "no"}


def _codes(pairs) -> dict[str, str]:
    """fold(label) and fold(code) -> code."""
    result = {}
    for code, text in pairs:
        result[fold(text)] = code
        result[fold(code)] = code
    return result


@dataclass
class Lookups:
    communes: dict[str, int]
    neighbourhoods: dict[tuple[int, str], int]
    partners: dict[str, int]
    users: dict[str, int]
    sources: dict[str, str]
    kinds: dict[str, str]
    objectives: dict[str, int]
    closures: dict[str, str]
    references: set[str]
    addresses: dict[str, str]
    names: dict[str, str]
    surnames: dict[str, str]

    @classmethod
    def load(cls, session: Session) -> "Lookups":
        users = {}
        for user_id, login, name, active in session.execute(select(m.User.id, m.User.login, m.User.full_name, m.User.active)):
            if active:
                users[fold(login)] = user_id
                users[fold(name)] = user_id
        addresses, names, surnames = {}, {}, {}
        for reference, number, street, postcode, last, first in session.execute(
                select(m.Case.reference, m.Dwelling.street_number, m.Dwelling.street, m.Dwelling.postcode,
                       m.Household.last_name, m.Household.first_name)
                .join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id)
                .join(m.Household, m.Household.id == m.Case.household_id)):
            addresses.setdefault(address_key(number, street, postcode), reference)
            names.setdefault(name_key(last, first), reference)
            surnames.setdefault(surname_key(last), reference)
        return cls(
            communes={fold(n): i for i, n in session.execute(select(m.Commune.id, m.Commune.name))},
            neighbourhoods={(c, fold(n)): i for i, c, n in session.execute(
                select(m.Neighbourhood.id, m.Neighbourhood.commune_id, m.Neighbourhood.name))},
            partners={fold(n): i for i, n in session.execute(select(m.Partner.id, m.Partner.name))},
            users=users,
            sources=_codes(session.execute(select(m.CaseSource.code, m.CaseSource.label))),
            kinds=_codes(session.execute(select(m.CaseKind.code, m.CaseKind.label))),
            objectives={fold(c): i for i, c in session.execute(select(m.Objective.id, m.Objective.code))},
            closures=_codes(session.execute(select(m.ClosureReason.code, m.ClosureReason.label))),
            references=set(session.scalars(select(m.Case.reference))),
            addresses=addresses, names=names, surnames=surnames,
        )

    def duplicates_of(self, row: "RowResult") -> list[str]:
        """The same rule as the new-case form (core.duplicates), against every case of the base."""
        found = []
        d, h = row.dwelling, row.household
        address = address_key(d.get("street_number"), d.get("street"), d.get("postcode"))
        same_address = self.addresses.get(address) if address else None
        if same_address:
            found.append(f"doublon probable du dossier {same_address} ({SAME_ADDRESS})")
        last, first = h.get("last_name"), h.get("first_name")
        if surname_key(last):
            same = self.names.get(name_key(last, first)) if str(first or "").strip() else self.surnames.get(
                surname_key(last))
            if same:
                found.append(f"doublon probable du dossier {same} ({SAME_NAME})")
        return found


@dataclass
class RowResult:
    line: int
    raw: list
    household: dict = field(default_factory=dict)
    dwelling: dict = field(default_factory=dict)
    case: dict = field(default_factory=dict)
    kinds: list[str] = field(default_factory=list)
    objectives: list[int] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def to_bool(value):
    if isinstance(value, bool):
        return value
    text = fold(_text(value))
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValidationError(f"« {value} » : oui ou non est attendu.")


def to_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(f"date « {text} » invalide (attendu JJ/MM/AAAA).")


def _vocabulary(labels: dict[str, str]) -> dict[str, str]:
    """A vocabulary looked up by its French label (accents and case ignored) or by its code."""
    return {fold(text): code for code, text in labels.items()} | {code: code for code in labels}


_PRIORITY_CODES, _STATUS_CODES = (_vocabulary(v) for v in (PRIORITIES, CASE_STATUSES))
_CHOICE_CODES = {f.key: _vocabulary(f.choices or {}) for f in declared.ALL if f.kind == "choice"}


def parse_cell(field_: declared.Field, value):
    """A cell as the field's checker takes it: yes/no, a date, a code from its label, or the text (None if empty)."""
    if field_.kind == "flag":
        return to_bool(value)
    if field_.kind == "date":
        return to_date(value)
    if field_.kind == "choice":
        return _lookup(_CHOICE_CODES[field_.key], value, field_.label, required=field_.required,
                       feminine=field_.feminine)
    return _text(value) or None


def parse_row(session: Session, lookups: Lookups, line: int, values: dict, raw: list) -> RowResult:
    result = RowResult(line, list(raw))

    def attempt(key, function):
        try:
            return function()
        except ValidationError as error:
            result.errors.append((key, error.message))
            return None

    collector = v.Collector()
    for key in HOUSEHOLD_KEYS:
        if key in values:
            raw_value = attempt(key, lambda k=key: parse_cell(declared.BY_KEY[k], values[k]))
            if key in ("adults", "children") and raw_value is None and not result.errors:
                continue
            if raw_value is not None or key in BOOLEAN_KEYS:
                collector.check(key, lambda k=key, x=raw_value: HOUSEHOLD_FIELDS[k](x if x is not None else ""))
    if "last_name" not in collector.values and not any(e.field == "last_name" for e in collector.errors):
        # An empty cell: the household's name is required, as in the form.
        collector.check("last_name", lambda: HOUSEHOLD_FIELDS["last_name"](None))
    result.household = {k: val for k, val in collector.values.items()}
    result.household.setdefault("adults", 1)
    result.household.setdefault("children", 0)
    check_household(result.household, collector)
    _dwelling(session, lookups, values, result, collector, attempt)
    _case(lookups, values, result, collector, attempt)
    for error in collector.errors:
        result.errors.append((_column_of(error.field), error.message))
    return result


def _column_of(field_name: str | None) -> str:
    return {"commune_id": "commune", "neighbourhood_id": "neighbourhood", "landlord_id": "landlord",
            "agent_id": "agent"}.get(field_name or "", field_name or "")


def _dwelling(session, lookups: Lookups, values: dict, result: RowResult, collector: v.Collector, attempt) -> None:
    dwelling_values = {}
    for key in DWELLING_KEYS:
        if key not in values:
            continue
        value = attempt(key, lambda k=key: parse_cell(declared.BY_KEY[k], values[k]))
        if value is not None:
            dwelling_values[key] = value
    for key, value in dwelling_values.items():
        collector.check(key, lambda k=key, x=value: DWELLING_FIELDS[k](x))
    for required in ("street", "postcode"):
        if required not in dwelling_values:
            collector.check(required, lambda r=required: DWELLING_FIELDS[r](None))
    clean = {k: collector.values[k] for k in dwelling_values if k in collector.values}
    commune_id = attempt("commune", lambda: _lookup(lookups.communes, values.get("commune"), "Commune", True))
    if commune_id:
        clean["commune_id"] = commune_id
        neighbourhood = _text(values.get("neighbourhood"))
        if neighbourhood:
            nb_id = lookups.neighbourhoods.get((commune_id, fold(neighbourhood)))
            if nb_id is None:
                result.errors.append(("neighbourhood", f"quartier « {neighbourhood} » inconnu dans cette commune"))
            clean["neighbourhood_id"] = nb_id
    landlord = _text(values.get("landlord"))
    if landlord:
        partner_id = lookups.partners.get(fold(landlord))
        if partner_id:
            clean["landlord_id"] = partner_id
        else:
            social = clean.get("tenure") == "locataire_social"
            clean["new_landlord"] = (landlord, "bailleur_social" if social else "proprietaire_prive")
    check_dwelling(session, {k: val for k, val in clean.items() if k != "new_landlord"}, collector)
    result.dwelling = clean


def _lookup(table: dict, value, what: str, required: bool = False, feminine: bool = True):
    """The code or id of a value typed in the file, or a French message naming the field."""
    text = _text(value)
    if not text:
        if required:
            raise ValidationError(f"{what} obligatoire.")
        return None
    found = table.get(fold(text))
    if found is None:
        raise ValidationError(f"{what} « {text} » inconnu{'e' if feminine else ''}.")
    return found


def _case(lookups: Lookups, values: dict, result: RowResult, collector: v.Collector, attempt) -> None:
    case = {}
    reference = _text(values.get("reference"))
    if reference:
        if not REFERENCE.match(reference):
            result.errors.append(("reference", f"référence « {reference} » invalide (attendu AAAA-NNNNN)"))
        elif reference in lookups.references:
            result.errors.append(("reference", f"le dossier {reference} existe déjà"))
        else:
            case["reference"] = reference
    source = attempt("source", lambda: _lookup(lookups.sources, values.get("source"), "Origine")) or "autre"
    priority = attempt("priority", lambda: _lookup(_PRIORITY_CODES, values.get("priority"),
                                                   "Priorité")) or "normale"
    opened = attempt("opened_on", lambda: to_date(values.get("opened_on"))) or now().date()
    agent_id = attempt("agent", lambda: _lookup(lookups.users, values.get("agent"), "Agent", feminine=False))
    parsed = {"source": source, "priority": priority, "opened_on": opened, "summary": _text(values.get("summary")),
              "agent_id": agent_id}
    for field_ in declared.CASE:  # a case field declared since, read as its kind says
        if field_.key not in parsed and field_.export_key in values:
            parsed[field_.key] = attempt(field_.export_key, lambda f=field_: parse_cell(f, values[f.export_key]))
    for key, value in parsed.items():
        collector.check(key, lambda k=key, x=value: CASE_FIELDS[k](x))
        if key in collector.values:
            case[key] = collector.values[key]
    status = attempt("status", lambda: _lookup(_STATUS_CODES, values.get("status"), "Statut",
                                               feminine=False)) or "nouveau"
    closed = attempt("closed_on", lambda: to_date(values.get("closed_on")))
    reason = attempt("closure_reason", lambda: _lookup(lookups.closures, values.get("closure_reason"),
                                                       "Motif de clôture", feminine=False))
    if status == "clos" and (closed is None or reason is None):
        result.errors.append(("closed_on", "un dossier clos doit avoir une date et un motif de clôture"))
    if status != "clos" and closed is not None:
        result.errors.append(("closed_on", "date de clôture renseignée pour un dossier qui n'est pas clos"))
    if closed and closed < opened:
        result.errors.append(("closed_on", "la date de clôture précède la date d'ouverture"))
    case.update(status=status, closed_on=closed if status == "clos" else None,
                closure_reason=reason if status == "clos" else None)
    result.case = case
    for text in filter(None, (t.strip() for t in _text(values.get("kinds")).split(","))):
        code = lookups.kinds.get(fold(text))
        if code is None:
            result.errors.append(("kinds", f"type « {text} » inconnu"))
        elif code not in result.kinds:
            result.kinds.append(code)
    for text in filter(None, re.split(r"[,;\s]+", _text(values.get("objectives")))):
        objective_id = lookups.objectives.get(fold(text))
        if objective_id is None:
            result.errors.append(("objectives", f"objectif « {text} » inconnu"))
        elif objective_id not in result.objectives:
            result.objectives.append(objective_id)
