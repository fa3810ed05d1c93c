"""Short verdicts of the legal checks for exports and tables, from core.rules (one source of truth)."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from core.rules import (
    A_VENIR, DONNEES_MANQUANTES, NON_CONFORME, VERDICT_LABELS, check_dpe_class, check_energy_consumption,
    required_area,
)


SUROCCUPATION_WORDS = {NON_CONFORME: "Suroccupé", "conforme": "Non suroccupé"}


def suroccupation_verdict(area_m2: float | None, persons: int | None) -> str:
    """As core.rules.check_suroccupation decides, without its sentence (an export asks 100,000 times)."""
    if area_m2 is None or not persons:
        return VERDICT_LABELS[DONNEES_MANQUANTES]
    return SUROCCUPATION_WORDS[NON_CONFORME if area_m2 < required_area(persons) else "conforme"]


@lru_cache(maxsize=65536)
def energy_verdict(kwh_m2_year: float | None, dpe_class: str | None, on: date) -> str:
    """The worse of the two energy-decency checks (consumption, DPE class)."""
    verdicts = {check_energy_consumption(kwh_m2_year, on).verdict, check_dpe_class(dpe_class, on).verdict}
    for worst in (NON_CONFORME, A_VENIR):
        if worst in verdicts:
            return VERDICT_LABELS[worst]
    if verdicts == {DONNEES_MANQUANTES}:
        return VERDICT_LABELS[DONNEES_MANQUANTES]
    return VERDICT_LABELS["conforme"]
