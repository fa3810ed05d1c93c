"""The relocation rules (core.rules.relocation): SNE renewal date and window, stage of a relocation."""
from __future__ import annotations

from datetime import date

from core.rules.relocation import (SNE_RENEWAL_WARNING_DAYS, proposal_pending, relocation_stage, sne_renewal,
                                   sne_renewal_due)


def test_sne_renewal_is_the_next_anniversary():
    assert sne_renewal(None, date(2026, 1, 1)) is None
    assert sne_renewal(date(2025, 3, 10), date(2026, 3, 10)) == date(2026, 3, 10)
    assert sne_renewal(date(2025, 3, 10), date(2026, 3, 11)) == date(2027, 3, 10)
    assert sne_renewal(date(2026, 1, 5), date(2026, 2, 1)) == date(2027, 1, 5)
    assert sne_renewal(date(2024, 2, 29), date(2025, 1, 1)) == date(2025, 2, 28)
    assert sne_renewal(date(2026, 1, 5), date(2026, 1, 5)) == date(2027, 1, 5)  # filed today: next year


def test_the_warning_starts_one_month_before_the_anniversary():
    filed = date(2025, 6, 30)
    assert SNE_RENEWAL_WARNING_DAYS == 30
    assert not sne_renewal_due(filed, date(2026, 5, 30))  # 31 days before
    assert sne_renewal_due(filed, date(2026, 5, 31))  # 30 days before
    assert not sne_renewal_due(None, date(2026, 5, 31))


def test_stage_of_a_relocation():
    assert relocation_stage("reloge", "059", True) == "reloge"
    assert relocation_stage("abandon", None, False) == "abandon"
    assert relocation_stage("en_cours", None, True) == "proposition"
    assert relocation_stage("en_cours", "059", False) == "recherche"
    assert relocation_stage("en_cours", None, False) == "a_constituer"
    assert proposal_pending("en_attente", None) and proposal_pending("en_attente", "attribution_rang")
    assert not proposal_pending("en_attente", "refus") and not proposal_pending("refusee", None)
