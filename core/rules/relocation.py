"""Relocation rules shared by the Relogement page, the case file's tab, reminders and PDFs.

- the SNE demand (numéro unique of a social-housing demand) must be renewed every year, by its
  anniversary: `sne_renewal(filed, today)` gives that date, `sne_renewal_due(...)` says whether it is
  near enough to warn (the renewal can be made in the month before the anniversary, so the warning
  starts then: one window for the page, the case file and the reminders);
- the stage of a relocation: `relocation_stage(status, sne_number, has_pending_proposal)`.
"""
from __future__ import annotations

from datetime import date, timedelta

SNE_RENEWAL_WARNING_DAYS = 30

STAGES = {
    "a_constituer": "Demande SNE à constituer",
    "recherche": "En recherche de logement",
    "proposition": "Proposition en cours",
    "reloge": "Relogé",
    "abandon": "Abandon",
}
# A CAL decision that leaves the proposal alive (the household has still to answer).
LIVE_CAL_DECISIONS = (None, "attribution", "attribution_rang")


def sne_renewal(filed: date | None, today: date) -> date | None:
    """The first anniversary of the SNE filing on or after today (29 February falls on 28); None unfiled."""
    if filed is None:
        return None
    for year in (today.year, today.year + 1):
        day = _anniversary(filed, year)
        if day >= today and year > filed.year:
            return day
    return _anniversary(filed, max(today.year, filed.year) + 1)


def _anniversary(filed: date, year: int) -> date:
    try:
        return filed.replace(year=year)
    except ValueError:  # 29 February
        return date(year, 2, 28)


def sne_renewal_due(filed: date | None, today: date, days: int = SNE_RENEWAL_WARNING_DAYS) -> bool:
    """True when the SNE demand must be renewed within `days` days."""
    renewal = sne_renewal(filed, today)
    return renewal is not None and renewal <= today + timedelta(days=days)


def proposal_pending(household_decision: str | None, cal_decision: str | None) -> bool:
    """A proposal still in play: the household has not answered and the CAL has not refused it."""
    return household_decision == "en_attente" and cal_decision in LIVE_CAL_DECISIONS


def relocation_stage(status: str, sne_number: str | None, has_pending_proposal: bool) -> str:
    """Stage code (key of STAGES) of a relocation."""
    if status in ("reloge", "abandon"):
        return status
    if has_pending_proposal:
        return "proposition"
    return "recherche" if sne_number else "a_constituer"
