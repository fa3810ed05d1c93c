"""Decency of size (décret n° 2002-120, art. 4).

The dwelling must have at least one main room of at least 9 m² with a ceiling of at
least 2.20 m, or a habitable volume of at least 20 m³. The volume is taken as living
area × ceiling height, the figures the case holds.
"""
from __future__ import annotations

from core.rules.verdicts import CONFORME, DONNEES_MANQUANTES, NON_CONFORME, Check, fr_number

CODE = "decence_surface"
TITLE = "Décence : surface et volume (décret 2002-120)"
MIN_ROOM_M2 = 9.0
MIN_CEILING_M = 2.20
MIN_VOLUME_M3 = 20.0
RULE = ("Une pièce principale d'au moins 9 m² avec une hauteur sous plafond d'au moins 2,20 m, "
        "ou un volume habitable d'au moins 20 m³.")


def check_size_decency(main_room_m2: float | None, ceiling_m: float | None, living_area_m2: float | None) -> Check:
    figures = {"piece_principale": main_room_m2, "hauteur": ceiling_m, "surface": living_area_m2}
    if ceiling_m is None:
        return Check(CODE, TITLE, DONNEES_MANQUANTES,
                     f"Impossible de conclure : la hauteur sous plafond n'est pas renseignée. Règle : {RULE}",
                     figures, RULE)
    volume = living_area_m2 * ceiling_m if living_area_m2 is not None else None
    figures["volume"] = volume
    room_ok = main_room_m2 is not None and main_room_m2 >= MIN_ROOM_M2 and ceiling_m >= MIN_CEILING_M
    volume_ok = volume is not None and volume >= MIN_VOLUME_M3 - 1e-9
    height = fr_number(ceiling_m)
    if room_ok:
        return Check(CODE, TITLE, CONFORME,
                     f"Conforme : pièce principale de {fr_number(main_room_m2)} m² sous {height} m de plafond "
                     f"(minimum 9 m² et 2,20 m).", figures, RULE)
    if volume_ok:
        return Check(CODE, TITLE, CONFORME,
                     f"Conforme : volume habitable de {fr_number(volume)} m³ ({fr_number(living_area_m2)} m² × "
                     f"{height} m), au moins 20 m³.", figures, RULE)
    room_unknown = main_room_m2 is None and ceiling_m >= MIN_CEILING_M
    if room_unknown or volume is None:
        missing = "la surface de la pièce principale" if room_unknown else "la surface habitable"
        return Check(CODE, TITLE, DONNEES_MANQUANTES,
                     f"Impossible de conclure : {missing} n'est pas renseignée. Règle : {RULE}", figures, RULE)
    room = (f"pièce principale de {fr_number(main_room_m2)} m² sous {height} m" if main_room_m2 is not None
            else f"hauteur sous plafond de {height} m")
    return Check(CODE, TITLE, NON_CONFORME,
                 f"Non décent : {room} et volume habitable de {fr_number(volume)} m³, alors qu'il faut une pièce "
                 f"principale d'au moins 9 m² sous 2,20 m ou un volume d'au moins 20 m³.", figures, RULE)
