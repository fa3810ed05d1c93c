"""Energy decency.

- Consumption (décret n° 2021-19, metropolitan France, from 1 January 2023): final
  energy use, estimated by the DPE, must be below 450 kWh/m²/year; 450 or more is
  non-decent.
- DPE class (loi Climat et résilience, art. 160): for leases signed or renewed from
  1 January 2025 a dwelling rated G is non-decent, F from 1 January 2028, E from
  1 January 2034. Before its date, a class gets the warning "à venir".
"""
from __future__ import annotations

from datetime import date

from core.rules.verdicts import A_VENIR, CONFORME, DONNEES_MANQUANTES, NON_CONFORME, Check, fr_number

CONSUMPTION_CODE = "decence_energie_consommation"
CONSUMPTION_TITLE = "Décence énergétique : consommation (décret 2021-19)"
CONSUMPTION_LIMIT = 450.0
CONSUMPTION_SINCE = date(2023, 1, 1)
CONSUMPTION_RULE = ("Depuis le 1er janvier 2023, un logement décent consomme moins de 450 kWh d'énergie finale "
                    "par m² et par an.")

DPE_CODE = "decence_energie_dpe"
DPE_TITLE = "Décence énergétique : classe DPE (loi Climat et résilience)"
DPE_DEADLINES = {"G": date(2025, 1, 1), "F": date(2028, 1, 1), "E": date(2034, 1, 1)}
DPE_RULE = ("Pour les baux signés ou renouvelés, un logement classé G n'est plus décent depuis le 1er janvier 2025, "
            "F à partir du 1er janvier 2028, E à partir du 1er janvier 2034.")

_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"]


def long_date(day: date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {_MONTHS[day.month - 1]} {day.year}"


def check_energy_consumption(kwh_m2_year: float | None, on: date) -> Check:
    if kwh_m2_year is None:
        return Check(CONSUMPTION_CODE, CONSUMPTION_TITLE, DONNEES_MANQUANTES,
                     f"Impossible de conclure : la consommation du DPE n'est pas renseignée. {CONSUMPTION_RULE}",
                     {}, CONSUMPTION_RULE)
    figures = {"consommation": kwh_m2_year, "seuil": CONSUMPTION_LIMIT}
    value = fr_number(kwh_m2_year, 1)
    if kwh_m2_year < CONSUMPTION_LIMIT:
        return Check(CONSUMPTION_CODE, CONSUMPTION_TITLE, CONFORME,
                     f"Conforme : {value} kWh/m²/an, sous le seuil de 450 kWh/m²/an.", figures, CONSUMPTION_RULE)
    if on < CONSUMPTION_SINCE:
        return Check(CONSUMPTION_CODE, CONSUMPTION_TITLE, A_VENIR,
                     f"À venir : {value} kWh/m²/an ; à partir du {long_date(CONSUMPTION_SINCE)}, 450 kWh/m²/an ou "
                     "plus rendent le logement non décent.", figures, CONSUMPTION_RULE)
    return Check(CONSUMPTION_CODE, CONSUMPTION_TITLE, NON_CONFORME,
                 f"Non décent : {value} kWh/m²/an, alors qu'un logement décent consomme moins de 450 kWh/m²/an "
                 "(énergie finale).", figures, CONSUMPTION_RULE)


def check_dpe_class(dpe_class: str | None, on: date) -> Check:
    if not dpe_class:
        return Check(DPE_CODE, DPE_TITLE, DONNEES_MANQUANTES,
                     f"Impossible de conclure : la classe DPE n'est pas renseignée. {DPE_RULE}", {}, DPE_RULE)
    deadline = DPE_DEADLINES.get(dpe_class)
    figures = {"classe": dpe_class, "date": on, "echeance": deadline}
    if deadline is None:
        return Check(DPE_CODE, DPE_TITLE, CONFORME,
                     f"Conforme : classe DPE {dpe_class}, non concernée par les interdictions de location "
                     "(G en 2025, F en 2028, E en 2034).", figures, DPE_RULE)
    if on >= deadline:
        return Check(DPE_CODE, DPE_TITLE, NON_CONFORME,
                     f"Non décent pour un nouveau bail : classe DPE {dpe_class}, non décente depuis le "
                     f"{long_date(deadline)}.", figures, DPE_RULE)
    return Check(DPE_CODE, DPE_TITLE, A_VENIR,
                 f"À venir : classe DPE {dpe_class}, non décente pour les baux signés ou renouvelés à partir du "
                 f"{long_date(deadline)} ({(deadline - on).days} jours).", figures, DPE_RULE)
