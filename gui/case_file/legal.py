"""The legal checks of a case shown in Synthèse: verdict, rule and figures, in French (core.rules)."""
from __future__ import annotations

import html

from core.queries.case_file import CaseSummary
from core.rules.verdicts import A_VENIR, CONFORME, NON_CONFORME
from gui.palette import colour as palette_colour

VERDICT_COLOURS = {CONFORME: palette_colour("success"), NON_CONFORME: palette_colour("danger"), A_VENIR: palette_colour("warning")}


def legal_checks_html(summary: CaseSummary) -> str:
    parts = []
    for check in summary.checks:
        colour = VERDICT_COLOURS.get(check.verdict, palette_colour("muted"))
        message = _without_verdict(check.message, check.verdict_label)
        parts.append(f"<b>{html.escape(check.title)}</b> : <b style='color:{colour}'>"
                     f"{html.escape(check.verdict_label)}</b> — {html.escape(message)}<br>")
    if summary.suggested_procedures:
        parts.append("<br><b>Procédures suggérées</b> : " + html.escape(", ".join(summary.suggested_procedures)))
    return "".join(parts)


def _without_verdict(message: str, verdict_label: str) -> str:
    """« Conforme — Conforme : pièce… » reads as a stutter: the verdict is already said in colour and words."""
    prefix = f"{verdict_label} : "
    return message[len(prefix):] if message.lower().startswith(prefix.lower()) else message
