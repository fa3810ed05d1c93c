"""Suroccupation by the housing-benefit standard (code de la sécurité sociale, art. D. 542-14).

A dwelling is overcrowded when its living area is below 9 m² for one person, 16 m²
for two, plus 9 m² per further person, capped at 70 m² for eight persons or more.
(INSEE's room-based standard is another measure; this one is about area.)
"""
from __future__ import annotations

from core.rules.verdicts import CONFORME, DONNEES_MANQUANTES, NON_CONFORME, Check, fr_number

CODE = "suroccupation"
TITLE = "Suroccupation (norme des aides au logement)"
RULE = ("Surface habitable minimale : 9 m² pour une personne, 16 m² pour deux, 9 m² de plus par personne "
        "supplémentaire, plafonnée à 70 m² à partir de huit personnes.")
CAP_M2 = 70.0


def required_area(persons: int) -> float:
    """Minimum living area for a household of `persons` people."""
    if persons < 1:
        raise ValueError("persons must be at least 1")
    if persons == 1:
        return 9.0
    return min(16.0 + 9.0 * (persons - 2), CAP_M2)


def check_suroccupation(living_area_m2: float | None, persons: int | None) -> Check:
    if living_area_m2 is None or not persons:
        missing = "la surface habitable" if living_area_m2 is None else "la composition du ménage"
        return Check(CODE, TITLE, DONNEES_MANQUANTES,
                     f"Impossible de conclure : {missing} n'est pas renseignée. {RULE}", {}, RULE)
    needed = required_area(persons)
    figures = {"surface": living_area_m2, "personnes": persons, "minimum": needed}
    who = f"{persons} personne{'s' if persons > 1 else ''}"
    area, minimum = fr_number(living_area_m2), fr_number(needed)
    if living_area_m2 >= needed:
        return Check(CODE, TITLE, CONFORME,
                     f"Pas de suroccupation : {area} m² pour {who}, le minimum est de {minimum} m².", figures, RULE)
    return Check(CODE, TITLE, NON_CONFORME,
                 f"Logement suroccupé : {area} m² pour {who}, alors que la norme des aides au logement demande "
                 f"au moins {minimum} m² (manque {fr_number(needed - living_area_m2)} m²).", figures, RULE)
