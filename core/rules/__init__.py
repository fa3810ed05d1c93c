"""Legal checks of a dwelling and the case assessment shown in the Synthèse tab and the fiche.

    from core.rules import assess_case
    assessment = assess_case(session, case_id)            # today by default
    for check in assessment.checks: check.verdict, check.message
    assessment.criticality.overall, assessment.criticality.procedures
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from core.rules.decency import check_size_decency
from core.rules.energy import check_dpe_class, check_energy_consumption
from core.rules.suroccupation import check_suroccupation, required_area
from core.rules.verdicts import A_VENIR, CONFORME, DONNEES_MANQUANTES, NON_CONFORME, VERDICT_LABELS, Check
from core.scoring import Criticality, case_criticality
from db import models as m

__all__ = [
    "A_VENIR", "CONFORME", "DONNEES_MANQUANTES", "NON_CONFORME", "VERDICT_LABELS", "Check", "Assessment",
    "assess_case", "dwelling_checks", "check_suroccupation", "check_size_decency", "check_energy_consumption",
    "check_dpe_class", "required_area",
]


@dataclass
class Assessment:
    case_id: int
    on: date
    checks: list[Check]
    criticality: Criticality

    @property
    def failing(self) -> list[Check]:
        return [c for c in self.checks if c.verdict == NON_CONFORME]

    @property
    def suggested_procedures(self) -> list[str]:
        """Procedure codes: those of the disorders, plus energy non-decency when a check fails."""
        codes = [p.code for p in self.criticality.procedures]
        if any(c.code.startswith("decence_energie") and c.verdict == NON_CONFORME for c in self.checks):
            if "non_decence_energetique" not in codes:
                codes.append("non_decence_energetique")
        if any(c.code == "decence_surface" and c.verdict == NON_CONFORME for c in self.checks):
            if "non_decence" not in codes:
                codes.append("non_decence")
        return codes


def dwelling_checks(dwelling: m.Dwelling, persons: int | None, on: date) -> list[Check]:
    return [
        check_suroccupation(dwelling.living_area_m2, persons),
        check_size_decency(dwelling.main_room_area_m2, dwelling.ceiling_height_m, dwelling.living_area_m2),
        check_energy_consumption(dwelling.energy_kwh_m2_year, on),
        check_dpe_class(dwelling.dpe_class, on),
    ]


def assess_case(session: Session, case_id: int, on: date | None = None) -> Assessment:
    """Every legal check of the case's dwelling plus its criticality, on a given day (today by default)."""
    on = on or date.today()
    case = session.get(m.Case, case_id)
    if case is None:
        from core.errors import NotFound

        raise NotFound(f"Dossier introuvable (n° {case_id}).")
    checks = dwelling_checks(case.dwelling, case.household.persons, on)
    return Assessment(case_id, on, checks, case_criticality(session, case_id))
