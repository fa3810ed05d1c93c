"""The answer of a legal check: a verdict and a French sentence stating the rule and the figures."""
from __future__ import annotations

from dataclasses import dataclass, field

CONFORME = "conforme"
NON_CONFORME = "non_conforme"
A_VENIR = "a_venir"
DONNEES_MANQUANTES = "donnees_manquantes"

VERDICT_LABELS = {
    CONFORME: "Conforme",
    NON_CONFORME: "Non conforme",
    A_VENIR: "À venir",
    DONNEES_MANQUANTES: "Données manquantes",
}


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    verdict: str
    message: str
    figures: dict = field(default_factory=dict, compare=False)
    rule: str = ""

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def ok(self) -> bool:
        return self.verdict == CONFORME


def fr_number(value: float, decimals: int = 2) -> str:
    """12.5 -> '12,5'; 16.0 -> '16' (French decimal comma, no useless zeros)."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
