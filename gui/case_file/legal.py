"""The legal checks of a case shown in Synthèse: verdict, rule and figures, in French (core.rules)."""
from __future__ import annotations

import html

from core.queries.case_file import CaseSummary
from core.rules.verdicts import A_VENIR, CONFORME, NON_CONFORME

VERDICT_COLOURS = {CONFORME: "#188038", NON_CONFORME: "#b3261e", A_VENIR: "#c25e00"}


def legal_checks_html(summary: CaseSummary) -> str:
    parts = []
    for check in summary.checks:
        colour = VERDICT_COLOURS.get(check.verdict, "#5f6368")
        parts.append(f"<b>{html.escape(check.title)}</b> : <b style='color:{colour}'>"
                     f"{html.escape(check.verdict_label)}</b> — {html.escape(check.message)}<br>")
    if summary.suggested_procedures:
        parts.append("<br><b>Procédures suggérées</b> : " + html.escape(", ".join(summary.suggested_procedures)))
    return "".join(parts)
