"""The legal checks of a case shown in Synthèse: each with its explanation (core.rules)."""
from __future__ import annotations

import html

from db import models as m


def legal_checks_html(session, case: m.Case) -> str:
    try:
        from core import rules
    except ImportError:
        return "<i>Les vérifications réglementaires (décence, suroccupation, énergie) seront affichées ici.</i>"
    checks = rules.case_checks(session, case.id)
    if not checks:
        return "Aucune vérification n'a pu être faite : renseignez la surface et la composition du ménage."
    lines = []
    for check in checks:
        colour = {"ok": "#188038", "alerte": "#b3261e", "inconnu": "#5f6368"}.get(getattr(check, "level", ""), "#202124")
        lines.append(f"<p><b style='color:{colour}'>{html.escape(check.title)}</b><br>"
                     f"{html.escape(check.explanation)}</p>")
    return "".join(lines)
