"""Legal checks shown in fiches and exports (décence, suroccupation, énergie).

These read the dwelling and household figures directly. When core/rules/
(the core services' legal checks) lands, these functions should delegate to
it so both give the same verdicts.
"""
from __future__ import annotations

from datetime import date

UNKNOWN = "non renseigné"
ENERGY_CEILING_KWH = 450
# DPE classes that make a dwelling non-decent for new leases, from the given date.
DPE_NON_DECENT_FROM = {"G": date(2025, 1, 1), "F": date(2028, 1, 1), "E": date(2034, 1, 1)}


def minimum_area(persons: int) -> float:
    """Housing-benefit standard: 9 m² for one, 16 for two, +9 per person, 70 from eight."""
    if persons <= 1:
        return 9.0
    if persons >= 8:
        return 70.0
    return 16.0 + 9.0 * (persons - 2)


def suroccupation_verdict(area_m2: float | None, persons: int | None) -> str:
    if area_m2 is None or not persons:
        return UNKNOWN
    return "suroccupé" if area_m2 < minimum_area(persons) else "conforme"


def energy_verdict(kwh_m2_year: float | None, dpe_class: str | None, on: date) -> str:
    if kwh_m2_year is None and dpe_class is None:
        return UNKNOWN
    if kwh_m2_year is not None and kwh_m2_year > ENERGY_CEILING_KWH:
        return "non décent (> 450 kWh/m²/an)"
    start = DPE_NON_DECENT_FROM.get(dpe_class or "")
    if start is not None and on >= start:
        return f"non décent (DPE {dpe_class})"
    return "décent"


def main_room_verdict(main_room_m2: float | None, ceiling_m: float | None) -> str:
    """Décret 2002-120: a main room of 9 m² with 2.20 m under ceiling, or 20 m³."""
    if main_room_m2 is None:
        return UNKNOWN
    if ceiling_m is None:
        return "conforme" if main_room_m2 >= 9 else "à vérifier (hauteur inconnue)"
    if (main_room_m2 >= 9 and ceiling_m >= 2.2) or main_room_m2 * ceiling_m >= 20:
        return "conforme"
    return "non décent (pièce principale trop petite)"
