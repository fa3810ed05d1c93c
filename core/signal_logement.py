"""The national platform's « Signal Logement » export (formerly Histologe), read as the platform writes it.

Columns are matched by header name (a partner may export any subset, in any
order); « Non renseigné », « - » and empty cells are unknown values, never
errors; dates are dd/mm/yyyy (sometimes with a time), lists are joined with
« | », phone numbers may be wrapped in apostrophes, decimals use a point or a
comma. See shared/design/signal-logement.md. How the platform's words map to
ours (statuses, closure reasons, disorders...) is reference data in
resources/reference/signal_logement.json.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from core.errors import ValidationError
from db.search import fold

SOURCE = "signal_logement"
PLATFORM = "Signal Logement"
RULES_FILE = Path(__file__).resolve().parents[1] / "resources" / "reference" / "signal_logement.json"

HEADERS = (
    "Référence", "Déposé le", "Statut", "Description", "Type déclarant", "Nom occupant", "Prénom occupant",
    "Tél. occupant", "Téléphone sec.", "E-mail occupant", "Adresse", "Code postal", "Commune", "Code INSEE", "EPCI",
    "Étage", "Escalier", "Appartement", "Complément", "Type occupant", "Situations", "Désordres",
    "Criticité au dépôt", "Début des désordres", "Étiquettes", "Photos", "Documents", "Nom bailleur",
    "Prénom bailleur", "Dénomination bailleur", "Adresse bailleur", "Code postal bailleur", "Ville bailleur",
    "Tél. bailleur", "Tél. sec. bailleur", "E-mail bailleur", "Propriétaire averti",
    "Date d'information du propriétaire", "Moyen d'information du propriétaire", "Nb personnes", "Nb enfants",
    "Enfants -6 ans", "Autre situation de vulnérabilité", "Allocataire", "Numéro allocataire", "Nature du logement",
    "Autres occupants désordres", "Superficie", "Logement social", "Préavis de départ", "Demande de relogement",
    "Déclarant tiers", "Nom tiers", "Matricule tiers", "E-mail tiers", "Structure tiers", "Lien tiers occupant",
    "Nombre de visites", "Date de la dernière visite", "Occupant présent dernière visite",
    "Statut de la dernière visite", "Ccl. de la dernière visite", "Comm. de la dernière visite", "Dernière MAJ le",
    "Fermé le", "Motif de clôture", "Commentaire de clôture", "Longitude", "Latitude", "Zones",
)
# Without these a report cannot become a case (who, where) nor be found again (the reference).
REQUIRED = ("Référence", "Nom occupant", "Adresse")
# The commune may come by name or by INSEE code: one of them is needed.
COMMUNE_COLUMNS = ("Commune", "Code INSEE")
# Platform columns copied into the import note of the case, as the platform words them.
NOTE_COLUMNS = (
    "Téléphone sec.", "Type déclarant", "Déclarant tiers", "Nom tiers", "Structure tiers", "Lien tiers occupant",
    "Type occupant", "Nature du logement", "Situations", "Autre situation de vulnérabilité", "Début des désordres",
    "Autres occupants désordres", "Propriétaire averti", "Date d'information du propriétaire",
    "Moyen d'information du propriétaire", "Préavis de départ", "Demande de relogement", "Criticité au dépôt",
    "Étiquettes", "Zones",
)
# Compared in lower case (accented or not): cheaper than folding every cell of a 10,000-row file.
UNKNOWN = frozenset({"", "-", "non renseigné", "non renseigne", "non renseignée", "non renseignee", "nc", "n/a"})
_BY_FOLDED = {fold(h): h for h in HEADERS}
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$")
_STREET_NUMBER = re.compile(r"^(\d+(?:\s*(?:bis|ter|quater|[a-d])\b)?)[\s,]+(.+)$", re.IGNORECASE)
_AREA_UNIT = re.compile(r"\s*m(?:²|2)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Recognition:
    """The platform's columns found in a header: index -> platform header, and the headers left aside."""

    columns: dict[int, str]
    ignored: tuple[str, ...]

    def missing(self) -> list[str]:
        present = set(self.columns.values())
        missing = [h for h in REQUIRED if h not in present]
        if not present & set(COMMUNE_COLUMNS):
            missing.append("Commune")
        return missing


def recognise(header: list[str], own_headers: set[str]) -> Recognition | None:
    """The platform's export if its headers say so: more platform headers than ours, at least one of its own."""
    columns = {i: _BY_FOLDED[fold(name)] for i, name in enumerate(header) if fold(name) in _BY_FOLDED}
    own = {fold(h) for h in own_headers}
    platform_only = [h for h in columns.values() if fold(h) not in own]
    ours = sum(1 for name in header if fold(name) in own)
    if not platform_only or len(columns) < ours:
        return None
    ignored = tuple(name for i, name in enumerate(header) if i not in columns and name)
    return Recognition(columns, ignored)


# -- cells ---------------------------------------------------------------------------------------------------
def text(value) -> str | None:
    """The cell as text, or None when the platform says it is unknown."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != datetime.min.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    result = str(value).strip()
    return None if result.lower() in UNKNOWN else result


def phone(value) -> str | None:
    """Apostrophes kept by spreadsheets removed; a number that lost its leading zero in a spreadsheet gets it back."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = str(int(value))
        return "0" + digits if len(digits) == 9 else digits
    result = text(value)
    if result is None:
        return None
    result = result.strip("'’ ").strip()
    return result or None


def when(value) -> datetime | None:
    """A date or date-time cell; an impossible date is an error (the caller names the column)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raw = text(value)
    if raw is None:
        return None
    match = _DATE.match(raw)
    if match is None:
        raise ValidationError(f"« {raw} » n'est pas une date (attendu JJ/MM/AAAA).")
    day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise ValidationError(f"la date « {raw} » n'existe pas.") from None


def whole(value) -> int | None:
    raw = text(value)
    if raw is None:
        return None
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        raise ValidationError(f"« {raw} » n'est pas un nombre.") from None
    if not number.is_integer() or number < 0:
        raise ValidationError(f"« {raw} » n'est pas un nombre entier positif.")
    return int(number)


def yes_no(value) -> bool | None:
    if isinstance(value, bool):
        return value
    raw = text(value)
    if raw is None:
        return None
    folded = fold(raw)
    if folded in ("oui", "o", "true", "vrai", "1", "yes"):
        return True
    if folded in ("non", "n", "false", "faux", "0", "no"):
        return False
    raise ValidationError(f"« {raw} » : Oui ou Non attendu.")


def area(value) -> str | None:
    """Superficie as the dwelling field expects it (the field checks the number; a comma is accepted)."""
    raw = text(value)
    return None if raw is None else _AREA_UNIT.sub("", raw)


def items(value) -> list[str]:
    """A « | »-joined list, without its unknown entries."""
    raw = text(value)
    if raw is None:
        return []
    return [part for part in (text(p) for p in raw.split("|")) if part]


def split_address(line: str) -> tuple[str, str]:
    """« 12 bis rue X » -> (« 12 bis », « rue X »); a line without a number is all street."""
    match = _STREET_NUMBER.match(line.strip())
    if match is None:
        return "", line.strip()
    return re.sub(r"\s+", " ", match.group(1)), match.group(2).strip()


def place_key(name: str) -> str:
    """Commune names compared without accents, case, hyphens or apostrophes (Villeneuve-d'Ascq)."""
    return re.sub(r"[\s\-'’]+", " ", fold(name)).strip()


# -- the platform's words ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rules:
    statuses: dict[str, str]
    closure_when_no_reason: dict[str, str]
    closure_reasons: dict[str, str]
    tenures: dict[str, str]
    declarants: dict[str, str]
    visit_statuses: dict[str, str]
    conclusions: dict[str, str]
    disorders: dict[str, str]
    defaults: dict


@lru_cache(maxsize=1)
def rules() -> Rules:
    with open(RULES_FILE, encoding="utf-8") as handle:
        data = json.load(handle)
    folded = {name: {fold(k): v for k, v in table.items()} for name, table in data.items()
              if name not in ("_comment", "defaults")}
    return Rules(defaults=data["defaults"], **folded)
