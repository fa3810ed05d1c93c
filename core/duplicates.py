"""Duplicate detection: one rule for the new-case form and the import.

Two cases may be the same when their dwellings have the same address (number, street, postcode) or
their households the same name, ignoring accents, case, hyphens, apostrophes and extra spaces:
« 12 rue de l'Église-Neuve » and « 12 RUE DE L EGLISE NEUVE » are the same address.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.access import restrict_cases
from core.actor import Actor
from db import models as m
from db.search import fold

SAME_ADDRESS = "même adresse"
SAME_NAME = "même nom de ménage"


@dataclass(frozen=True)
class DuplicateCandidate:
    case_id: int
    reference: str
    household: str
    why: str  # SAME_ADDRESS or SAME_NAME


def _words(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").replace("'", " ").replace("’", " ").split())


def address_key(number, street, postcode) -> str:
    """The address as compared; empty when there is no street (nothing to compare)."""
    if not str(street or "").strip():
        return ""
    return _words(" ".join(str(part or "") for part in (number, street, postcode)))


def surname_key(last) -> str:
    return _words(str(last or ""))


def name_key(last, first="") -> str:
    """The household name as compared: last name, then first name."""
    return f"{surname_key(last)}|{_words(str(first or ''))}"


def same_name(last, first, other_last, other_first) -> bool:
    """Same household: the same last name, and the same first name when one is given."""
    if not surname_key(last):
        return False
    if not _words(str(first or "")):
        return surname_key(last) == surname_key(other_last)
    return name_key(last, first) == name_key(other_last, other_first)


def find_duplicates(session: Session, last_name: str, first_name: str, number: str, street: str, postcode: str,
                    limit: int = 20, actor: Actor | None = None) -> list[DuplicateCandidate]:
    """Cases with the same address or the same household name (within the actor's scope when given)."""
    wanted_address = address_key(number, street, postcode)
    last = (last_name or "").strip()
    if not last and not wanted_address:
        return []
    # Narrow in SQL on what SQLite compares itself (postcode, name length), then compare folded in Python.
    clauses = []
    if (postcode or "").strip() and wanted_address:
        clauses.append(m.Dwelling.postcode == postcode.strip())
    if last:
        clauses.append(func.length(m.Household.last_name) == len(last))
    if not clauses:
        return []
    statement = (select(m.Case.id, m.Case.reference, m.Household.last_name, m.Household.first_name,
                        m.Dwelling.street_number, m.Dwelling.street, m.Dwelling.postcode)
                 .join(m.Household, m.Household.id == m.Case.household_id)
                 .join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id).where(or_(*clauses)).order_by(m.Case.id))
    found: list[DuplicateCandidate] = []
    for case_id, reference, other_last, other_first, num, st, pc in session.execute(
            restrict_cases(statement, actor).limit(20000)):
        household = f"{other_last.upper()} {other_first}".strip()
        if wanted_address and address_key(num, st, pc) == wanted_address:
            found.append(DuplicateCandidate(case_id, reference, household, SAME_ADDRESS))
        elif same_name(last, first_name, other_last, other_first):
            found.append(DuplicateCandidate(case_id, reference, household, SAME_NAME))
        if len(found) >= limit:
            break
    return found
