"""Input validation: each checker returns the clean value or raises ValidationError.

Messages are French and name the field, so the GUI can show them next to it.
Only rules stated by the law, the schema or the trade are enforced; where a
rule is not known the value is accepted as typed (no guessing).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Callable, Iterable

from core.errors import ValidationError

POSTCODE = re.compile(r"^\d{5}$")
# A French number: 0 then 9 digits (not 00), or +33 / 0033 then 9 digits.
_PHONE_NATIONAL = re.compile(r"^0[1-9]\d{8}$")
_PHONE_INTERNATIONAL = re.compile(r"^(?:\+33|0033)([1-9]\d{8})$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")
EMAIL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+$")
# C0 controls (NUL…) and DEL, except tab and line breaks: invisible, refused by PostgreSQL (NUL), and a way
# to smuggle a different text past a reader.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The largest id a database column holds (64-bit signed integer).
MAX_ID = 2 ** 63 - 1


def no_control_characters(value: str, field: str, label: str) -> str:
    found = CONTROL_CHARACTERS.search(value)
    if found:
        code = f"U+{ord(found.group()):04X}" + (" (NUL)" if found.group() == "\x00" else "")
        raise ValidationError(f"{label} : caractère de contrôle interdit ({code}) ; retirez-le et réessayez.",
                              field=field)
    return value


def record_id(value: Any, field: str = "id", label: str = "Numéro") -> int:
    """A database id typed by a user: a whole number from 1 to MAX_ID, else « identifiant invalide »."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= MAX_ID:
        raise ValidationError(f"{label} : identifiant invalide « {value} » (un nombre entier positif est attendu).",
                              field=field)
    return number


def text(value: Any, field: str, label: str, max_length: int, required: bool = False) -> str:
    value = "" if value is None else str(value).strip()
    no_control_characters(value, field, label)
    if required and not value:
        raise ValidationError(f"{label} : ce champ est obligatoire.", field=field)
    if len(value) > max_length:
        raise ValidationError(f"{label} : {max_length} caractères au plus ({len(value)} saisis).", field=field)
    return value


def postcode(value: Any, field: str = "postcode") -> str:
    value = "" if value is None else str(value).strip()
    if not POSTCODE.match(value):
        raise ValidationError(
            f"Code postal « {value} » invalide : il doit compter exactement 5 chiffres (par exemple 59000).",
            field=field)
    return value


def phone(value: Any, field: str = "phone") -> str:
    """A French phone number, stored as '03 20 12 34 56'; empty is allowed."""
    raw = "" if value is None else str(value).strip()
    if not raw:
        return ""
    compact = _PHONE_SEPARATORS.sub("", raw)
    international = _PHONE_INTERNATIONAL.match(compact)
    if international:
        compact = "0" + international.group(1)
    if not _PHONE_NATIONAL.match(compact):
        raise ValidationError(
            f"Numéro de téléphone « {raw} » invalide : 10 chiffres commençant par 0 (03 20 12 34 56) "
            "ou +33 suivi de 9 chiffres.", field=field)
    return " ".join(compact[i:i + 2] for i in range(0, 10, 2))


def email(value: Any, field: str = "email") -> str:
    raw = "" if value is None else str(value).strip()
    if not raw:
        return ""
    if len(raw) > 200 or not EMAIL.match(raw) or ".." in raw:
        raise ValidationError(f"Adresse e-mail « {raw} » invalide (attendu : nom@domaine.fr).", field=field)
    return raw


def integer(value: Any, field: str, label: str, low: int, high: int, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise ValidationError(f"{label} : ce champ est obligatoire.", field=field)
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{label} : un nombre entier est attendu.", field=field)
    try:
        number = int(value)
        if isinstance(value, float) and value != number:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError(f"{label} : « {value} » n'est pas un nombre entier.", field=field) from None
    if not low <= number <= high:
        raise ValidationError(f"{label} : {number} est hors de l'intervalle {low} à {high}.", field=field)
    return number


def number(value: Any, field: str, label: str, low: float, high: float, unit: str = "",
           low_inclusive: bool = True) -> float | None:
    """An optional decimal number within [low, high] (or ]low, high])."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{label} : un nombre est attendu.", field=field)
    try:
        result = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{label} : « {value} » n'est pas un nombre.", field=field) from None
    if result != result or result in (float("inf"), float("-inf")):
        raise ValidationError(f"{label} : « {value} » n'est pas un nombre.", field=field)
    too_low = result < low if low_inclusive else result <= low
    if too_low or result > high:
        suffix = f" {unit}" if unit else ""
        bound = f"de {_fr(low)} à {_fr(high)}{suffix}" if low_inclusive else f"supérieur à {_fr(low)} et au plus {_fr(high)}{suffix}"
        raise ValidationError(f"{label} : {_fr(result)}{suffix} est hors limites (attendu {bound}).", field=field)
    return result


def _fr(value: float) -> str:
    return (f"{value:g}").replace(".", ",")


def choice(value: Any, field: str, label: str, allowed: Iterable[str], required: bool = True) -> str | None:
    if value is None or value == "":
        if required:
            raise ValidationError(f"{label} : ce champ est obligatoire.", field=field)
        return None
    allowed = list(allowed)
    if value not in allowed:
        raise ValidationError(f"{label} : « {value} » n'est pas une valeur possible ({', '.join(allowed)}).",
                              field=field)
    return value


def dpe_class(value: Any, field: str = "dpe_class") -> str | None:
    if value is None or value == "":
        return None
    letter = str(value).strip().upper()
    if letter not in tuple("ABCDEFG"):
        raise ValidationError(f"Classe DPE « {value} » invalide : une lettre de A à G est attendue.", field=field)
    return letter


def boolean(value: Any, field: str, label: str, optional: bool = False) -> bool | None:
    if value is None and optional:
        return None
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    raise ValidationError(f"{label} : oui ou non est attendu.", field=field)


def a_date(value: Any, field: str, label: str, required: bool = True) -> date | None:
    if value is None or value == "":
        if required:
            raise ValidationError(f"{label} : la date est obligatoire.", field=field)
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from core.formatting import parse_date

    try:
        return parse_date(str(value))
    except ValueError:
        raise ValidationError(f"{label} : date « {value} » invalide (attendu JJ/MM/AAAA).", field=field) from None


def a_datetime(value: Any, field: str, label: str, required: bool = True) -> datetime | None:
    if value is None or value == "":
        if required:
            raise ValidationError(f"{label} : la date et l'heure sont obligatoires.", field=field)
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time())
    try:
        return datetime.fromisoformat(str(value)).replace(microsecond=0, tzinfo=None)
    except ValueError:
        raise ValidationError(f"{label} : « {value} » invalide (attendu AAAA-MM-JJ HH:MM).", field=field) from None


def not_after(value: date | datetime | None, limit: date | datetime, field: str, message: str) -> None:
    if value is not None and value > limit:
        raise ValidationError(message, field=field)


def not_before(value: date | datetime | None, limit: date | datetime | None, field: str, message: str) -> None:
    if value is not None and limit is not None and value < limit:
        raise ValidationError(message, field=field)


def fr_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y à %H:%M")
    return value.strftime("%d/%m/%Y")


class Collector:
    """Runs several checks and raises one ValidationError listing every problem."""

    def __init__(self):
        self.errors: list[ValidationError] = []
        self.values: dict[str, Any] = {}

    def check(self, field: str, checker: Callable[[], Any]) -> None:
        try:
            self.values[field] = checker()
        except ValidationError as error:
            self.errors.append(error)

    def add(self, error: ValidationError) -> None:
        self.errors.append(error)

    def raise_if_any(self) -> None:
        if not self.errors:
            return
        if len(self.errors) == 1:
            raise self.errors[0]
        first = self.errors[0]
        message = "Plusieurs champs sont à corriger :\n" + "\n".join(f"– {e.message}" for e in self.errors)
        raise ValidationError(message, field=first.field, errors=list(self.errors))


# Labels of the text columns that core.fields does not declare (the case, household and dwelling fields take
# the label their forms show, so a message names the field as the user sees it).
_COLUMN_LABELS = {
    "full_name": "Nom complet", "login": "Identifiant", "text": "Texte",
    "title": "Intitulé", "comment": "Commentaire", "filename": "Nom du fichier", "caption": "Légende",
    "observations": "Observations", "next_steps": "Suites à donner", "content": "Contenu", "name": "Nom",
    "label": "Libellé", "description": "Description", "address": "Adresse", "subject": "Objet", "answer": "Réponse",
    "reason": "Motif", "contact_name": "Nom du contact", "definition": "Définition", "value": "Valeur",
    "phone": "Téléphone", "email": "Adresse e-mail",
}


def _column_label(key: str) -> str:
    from core.fields import BY_KEY  # core.fields builds its checkers from this module: imported when needed

    declared = BY_KEY.get(key)
    return declared.label if declared is not None else _COLUMN_LABELS.get(key, f"Champ « {key} »")


def _guard_flush(session, _flush_context, _instances) -> None:
    """Last line of defence: no control character reaches a text column, whatever path wrote it."""
    from sqlalchemy import inspect as inspect_state

    for instance in (*session.new, *session.dirty):
        state = inspect_state(instance)
        if type(instance).__name__ == "AuditEvent":
            continue  # written by core.audit from checked or escaped values only
        columns = state.mapper.columns
        for attribute in state.attrs:
            if attribute.key not in columns:
                continue
            for value in attribute.history.added:
                if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                    no_control_characters(value, attribute.key, _column_label(attribute.key))


def install_control_character_guard() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "before_flush", _guard_flush):
        event.listen(Session, "before_flush", _guard_flush)


install_control_character_guard()
