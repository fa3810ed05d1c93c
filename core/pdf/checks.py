"""Short verdicts of the legal checks for exports and tables, from core.rules (one source of truth)."""
from __future__ import annotations

from datetime import date

from core.rules import (
    A_VENIR, DONNEES_MANQUANTES, NON_CONFORME, VERDICT_LABELS, check_dpe_class, check_energy_consumption,
    check_suroccupation,
)


SUROCCUPATION_WORDS = {NON_CONFORME: "Suroccupé", "conforme": "Non suroccupé"}


def suroccupation_verdict(area_m2: float | None, persons: int | None) -> str:
    check = check_suroccupation(area_m2, persons)
    return SUROCCUPATION_WORDS.get(check.verdict, check.verdict_label)


def energy_verdict(kwh_m2_year: float | None, dpe_class: str | None, on: date) -> str:
    """The worse of the two energy-decency checks (consumption, DPE class)."""
    verdicts = {check_energy_consumption(kwh_m2_year, on).verdict, check_dpe_class(dpe_class, on).verdict}
    for worst in (NON_CONFORME, A_VENIR):
        if worst in verdicts:
            return VERDICT_LABELS[worst]
    if verdicts == {DONNEES_MANQUANTES}:
        return VERDICT_LABELS[DONNEES_MANQUANTES]
    return VERDICT_LABELS["conforme"]
