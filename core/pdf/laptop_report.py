"""Compte rendu de retour d'un portable de terrain (core.laptop.CheckinReport) in the house style."""
from __future__ import annotations

import os
from pathlib import Path

from reportlab.lib.units import mm

from core.laptop.report import CheckinReport, MergedRecord
from core.pdf.common import CONTENT_WIDTH, build_pdf, para, table
from core.pdf.service import ServiceHeader, service_header


def _records(title: str, records: list[MergedRecord]) -> list:
    if not records:
        return []
    rows = [["Dossier", "Fiche", "Détail"]] + [[r.case_reference, r.table, r.what] for r in records]
    return [para(f"{title} ({len(records)})", "h1"), table(rows, [26 * mm, 48 * mm, CONTENT_WIDTH - 74 * mm])]


def checkin_story(report: CheckinReport) -> list:
    story = [para("Retour d'un portable de terrain", "title")]
    story += [para(line) for line in report.lines()[:2]]
    if report.references:
        rows = [["Référence provisoire", "Référence du bureau"]] + [list(pair) for pair in report.references]
        story += [para("Nouveaux dossiers", "h1"), table(rows, [60 * mm, 60 * mm])]
    story += _records("Ajouts", report.created) + _records("Modifications", report.updated)
    story += _records("Suppressions", report.deleted)
    story.append(para(f"Conflits à arbitrer ({len(report.conflicts)})", "h1"))
    if not report.conflicts:
        story.append(para("Aucun conflit : tout ce qui a été fait sur le portable est rentré.", "muted"))
        return story
    story.append(para("La valeur du bureau est gardée jusqu'à l'arbitrage (commande « conflits » ou fenêtre "
                      "« Rapporter… »).", "muted"))
    rows = [["N°", "Dossier", "Fiche · champ", "Au bureau", "Sur le portable"]]
    for c in report.conflicts:
        office_when = f"{c.office_by or '?'}{' ' + c.office_at.strftime('%d/%m %H:%M') if c.office_at else ''}"
        laptop_when = f"{c.laptop_by or '?'}{' ' + c.laptop_at.strftime('%d/%m %H:%M') if c.laptop_at else ''}"
        rows.append([c.id or "", c.case_reference, f"{c.table} · {c.field}", f"{c.office}\n({office_when})",
                     f"{c.laptop}\n({laptop_when})"])
    story.append(table(rows, [10 * mm, 22 * mm, 40 * mm, (CONTENT_WIDTH - 72 * mm) / 2, (CONTENT_WIDTH - 72 * mm) / 2]))
    return story


def write_checkin_pdf(report: CheckinReport, target: str | os.PathLike, database=None, author: str = "") -> Path:
    header = ServiceHeader()
    if database is not None:
        with database.session() as session:
            header = service_header(session)
    build_pdf(checkin_story(report), title="Retour d'un portable de terrain", header=header,
              author=author or report.holder, target=Path(target))
    return Path(target)
