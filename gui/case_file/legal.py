"""The legal checks of a case shown in Synthèse: verdict, rule and figures, in French (core.rules)."""
from __future__ import annotations

import html

from core.rules import assess_case
from core.rules.verdicts import A_VENIR, CONFORME, NON_CONFORME
from db import models as m

VERDICT_COLOURS = {CONFORME: "#188038", NON_CONFORME: "#b3261e", A_VENIR: "#c25e00"}


def legal_checks_html(session, case: m.Case) -> str:
    assessment = assess_case(session, case.id)
    parts = []
    for check in assessment.checks:
        colour = VERDICT_COLOURS.get(check.verdict, "#5f6368")
        parts.append(f"<b>{html.escape(check.title)}</b> : <b style='color:{colour}'>"
                     f"{html.escape(check.verdict_label)}</b> — {html.escape(check.message)}<br>")
    procedures = assessment.suggested_procedures
    if procedures:
        labels = {p.code: p.label for p in assessment.criticality.procedures}
        names = [labels.get(code) or session.get(m.ProcedureType, code).label for code in procedures]
        parts.append("<br><b>Procédures suggérées</b> : " + html.escape(", ".join(names)))
    return "".join(parts)
