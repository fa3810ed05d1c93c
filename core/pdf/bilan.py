"""Bilan par objectif: indicators per objective, charts, and the annex of cases counted.

The annex can hold tens of thousands of cases, so it is drawn straight on the
canvas page by page (one flowable per page) instead of as a platypus Table,
whose splitting cost grows with the number of rows.
"""
from __future__ import annotations

import os
from datetime import date

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, PageBreak

from core.access import authorize
from core.actor import Actor
from core.audit import record_event
from core.formatting import fr_count, fr_date, fr_number, fr_percent
from core.pdf.bilan_data import DISORDERS_DEFINITION, INDICATORS, Bilan, compute_bilan, resolve_scope
from core.pdf.common import (ACCENT, CONTENT_WIDTH, FONT, FONT_BOLD, LIGHT, build_pdf, para, table,
                             write_atomically)
from core.pdf.service import service_header
from core.progress import Progress
from db.engine import Database
from db.vocab import CASE_STATUSES, label

HEADINGS = {"suivis": "Dossiers\nsuivis", "ouverts": "Dossiers\nouverts", "clos": "Dossiers\nclos",
            "visites": "Visites\nréalisées", "saisines": "Saisines\nenvoyées", "desordres": "Désordres\nconfirmés",
            "reloges": "Ménages\nrelogés", "reloges_hors_qpv": "dont hors\nQPV"}
STEP = "Bilan : calcul, mise en page, écriture"
CHART_COLOURS = [colors.HexColor(c) for c in ("#1f4e79", "#2e86c1", "#7fb3d5", "#d4ac0d", "#ca6f1e", "#7d3c98")]


def build_bilan(database: Database, actor: Actor, start: date, end: date, quartier: str | None = None,
                commune: str | None = None, target: str | os.PathLike | None = None, nominatif: bool = False,
                progress: Progress | None = None) -> bytes:
    """The bilan for partners: its annex lists references and counts only. `nominatif` adds the households'
    names, for internal use; the audit event says which variant was produced. The file is written at the
    very end, in one rename: a cancel before leaves none."""
    progress = progress or Progress()
    progress.update(0, 3, STEP)
    with database.session() as session:
        authorize(session, actor, "report.read")
        scope = resolve_scope(session, start, end, quartier, commune)
        bilan = compute_bilan(session, scope)
        header = service_header(session)
    progress.update(1, 3, STEP)
    title = f"Bilan par objectif du {fr_date(start)} au {fr_date(end)}" + (" — nominatif" if nominatif else "")
    data = build_pdf(bilan_story(bilan, nominatif), title=title, header=header, author=actor.full_name or actor.login)
    progress.update(2, 3, STEP)
    with database.write() as session:
        record_event(session, actor, "pdf", "bilan", "", {"document": "bilan", "du": start.isoformat(),
                                                           "au": end.isoformat(), "perimetre": scope.label,
                                                           "dossiers": len(bilan.annex), "nominatif": nominatif})
    if target is not None:
        write_atomically(target, data)
    progress.show(3, 3, STEP)  # done: too late to cancel
    return data


def bilan_story(bilan: Bilan, nominatif: bool = False) -> list:
    scope = bilan.scope
    story = [
        para("Bilan par objectif — Contrat de Ville 2024-2030", "title"),
        para(f"Période du {fr_date(scope.start, 'long')} au {fr_date(scope.end, 'long')} — {scope.label}", "subtitle"),
        para("Indicateurs par objectif", "h1"),
        indicator_table(bilan),
        para("Un dossier rattaché à plusieurs objectifs compte dans chacun d'eux ; la ligne « Ensemble » compte "
             "chaque dossier une seule fois. « Dossiers suivis » : ouverts avant la fin de la période et non clos "
             "avant son début. " + DISORDERS_DEFINITION, "muted"),
        KeepTogether([para("Nouveaux dossiers par mois", "h1"), months_chart(bilan)]),
        KeepTogether([para("Désordres confirmés par thème", "h1"), themes_chart(bilan),
                      para(f"Total : {fr_count(sum(n for _t, n in bilan.by_theme), 'désordre confirmé', 'désordres confirmés')}"
                           f". {DISORDERS_DEFINITION}", "muted")]),
        KeepTogether([para("Relogements réalisés, en QPV et hors QPV", "h1"), relocation_chart(bilan)]),
        PageBreak(),
    ]
    if nominatif:
        story += [para(f"Annexe nominative — dossiers comptés ({fr_number(len(bilan.annex))})", "h1"),
                  para("Document interne : il nomme les ménages. Ne pas le transmettre aux partenaires.", "muted")]
        return story + (annex_pages(bilan.annex) if bilan.annex else [para("Aucun dossier sur la période.", "muted")])
    story += [para(f"Annexe — dossiers comptés ({fr_number(len(bilan.annex))})", "h1")]
    if not bilan.annex:
        return story + [para("Aucun dossier sur la période.", "muted")]
    pages = reference_pages([row[1] for row in bilan.annex])
    return story + [para("Dossiers par quartier", "h2"), neighbourhood_counts(bilan), PageBreak(),
                    KeepTogether([para(f"Références des dossiers comptés ({fr_number(len(bilan.annex))})", "h2"),
                                  para("Les noms des ménages ne figurent pas dans ce document : la référence suffit "
                                       "à retrouver un dossier dans l'application.", "muted"), pages[0]]),
                    *pages[1:]]


def indicator_table(bilan: Bilan):
    keys = [i.key for i in INDICATORS]
    header = [para("Objectif", "head")] + [para(HEADINGS.get(i.key, i.label), "head") for i in INDICATORS]
    rows = [header]
    for objective_id, code, text in bilan.objectives:
        figures = bilan.by_objective.get(objective_id, {})
        rows.append([f"{code} — {text}"] + [para(fr_number(figures.get(k, 0)), "cell_right") for k in keys])
    rows.append([para("Ensemble (dossiers distincts)", "cell_bold")]
                + [para(fr_number(bilan.totals.get(k, 0)), "cell_right_bold") for k in keys])
    first = 40 * mm
    result = table(rows, [first] + [(CONTENT_WIDTH - first) / len(keys)] * len(keys))
    result.setStyle([("BACKGROUND", (0, -1), (-1, -1), LIGHT)])
    return result


def _caption(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, 2, text, fontName=FONT, fontSize=7, fillColor=colors.grey))


def months_chart(bilan: Bilan) -> Drawing:
    months = bilan.per_month
    drawing = Drawing(CONTENT_WIDTH, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 14 * mm, CONTENT_WIDTH - 16 * mm, 44 * mm
    chart.data = [[count for _month, count in months] or [0]]
    chart.bars[0].fillColor = ACCENT
    chart.categoryAxis.categoryNames = [fr_date(month, "month_short") for month, _ in months] or [""]
    every = max(1, len(months) // 18)
    chart.categoryAxis.categoryNames = [n if i % every == 0 else "" for i, n in enumerate(chart.categoryAxis.categoryNames)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 45 if len(months) > 12 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(months) > 12 else "n"
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda value: fr_number(value)
    chart.barLabelFormat = (lambda value: fr_number(value)) if len(months) <= 24 else None
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 5
    drawing.add(chart)
    return drawing


def themes_chart(bilan: Bilan) -> Drawing:
    themes = bilan.by_theme[:14] or [("aucun désordre", 0)]
    height = max(30, 6 * len(themes) + 12) * mm
    drawing = Drawing(CONTENT_WIDTH, height)
    chart = HorizontalBarChart()
    label_width = 48 * mm
    chart.x, chart.y, chart.width, chart.height = label_width, 8 * mm, CONTENT_WIDTH - label_width - 12 * mm, height - 12 * mm
    chart.data = [[count for _theme, count in reversed(themes)]]
    chart.categoryAxis.categoryNames = [theme for theme, _count in reversed(themes)]
    chart.bars[0].fillColor = CHART_COLOURS[1]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda value: fr_number(value)
    chart.barLabelFormat = lambda value: fr_number(value)
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def relocation_chart(bilan: Bilan) -> Drawing:
    figures = bilan.relocations_qpv
    total = sum(figures.values())
    drawing = Drawing(CONTENT_WIDTH, 50 * mm)
    if not total:
        drawing.add(String(0, 40 * mm, "Aucun relogement réalisé sur la période.", fontName=FONT, fontSize=9,
                           fillColor=colors.grey))
        return drawing
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 10 * mm, 4 * mm, 42 * mm, 42 * mm
    items = [(name, count) for name, count in figures.items() if count]
    pie.data = [count for _name, count in items]
    pie.labels = None
    for index, _item in enumerate(items):
        pie.slices[index].fillColor = CHART_COLOURS[[0, 3, 2][list(figures).index(items[index][0])]]
        pie.slices[index].strokeColor = colors.white
    drawing.add(pie)
    y = 38 * mm
    for name, count in figures.items():
        colour = CHART_COLOURS[[0, 3, 2][list(figures).index(name)]]
        drawing.add(Rect(62 * mm, y, 4 * mm, 4 * mm, fillColor=colour, strokeColor=None))
        drawing.add(String(68 * mm, y + 0.8 * mm, f"{name} : {fr_number(count)} ({fr_percent(count, total)})",
                           fontName=FONT, fontSize=9))
        y -= 8 * mm
    drawing.add(String(62 * mm, y, f"Total : {fr_count(total, 'ménage relogé', 'ménages relogés')}", fontName=FONT_BOLD,
                       fontSize=9))
    return drawing


ANNEX_COLUMNS = [("Dossier", 20), ("Ménage", 40), ("Quartier", 32), ("Commune", 28), ("Statut", 18),
                 ("Ouvert", 18), ("Clos", 18)]
ANNEX_ROW = 4.3 * mm


class AnnexPage(Flowable):
    """One page of the annex, drawn directly: fast for tens of thousands of rows."""

    def __init__(self, rows: list[tuple]):
        super().__init__()
        self.rows = rows
        self.width = CONTENT_WIDTH
        self.height = ANNEX_ROW * (len(rows) + 1)

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        c = self.canv
        y = self.height - ANNEX_ROW + 1.2 * mm
        c.setFillColor(LIGHT)
        c.rect(0, self.height - ANNEX_ROW, self.width, ANNEX_ROW, stroke=0, fill=1)
        c.setFillColor(colors.HexColor("#f3f5f8"))
        for index in range(1, len(self.rows), 2):
            c.rect(0, y - (index + 1) * ANNEX_ROW - 1.2 * mm, self.width, ANNEX_ROW, stroke=0, fill=1)
        c.setFillColor(colors.black)
        c.setFont(FONT_BOLD, 7.5)
        x = 1 * mm
        for name, width in ANNEX_COLUMNS:
            c.drawString(x, y, name)
            x += width * mm
        c.setFont(FONT, 7.5)
        cells = []
        for row in self.rows:
            y -= ANNEX_ROW
            values = (row[1], row[2], row[3], row[4], label(CASE_STATUSES, row[5]), fr_date(row[6]), fr_date(row[7]))
            x = 1 * mm
            for (_name, width), value in zip(ANNEX_COLUMNS, values):
                if value:
                    cells.append((x, y, _fit(value, width * mm - 2 * mm)))
                x += width * mm
        draw_text_cells(c, cells)


def draw_text_cells(c, cells: list[tuple[float, float, str]], size: float = 7.5) -> None:
    """Write many short strings in DejaVu Sans at once.

    canvas.drawString re-encodes every string through the font subsetter; the
    annex repeats the same neighbourhoods, communes, statuses and dates
    thousands of times, so each distinct string is encoded once per document
    and the PDF text operators are written directly.
    """
    font = pdfmetrics.getFont(FONT)
    cache = c.__dict__.setdefault("_encoded_text", {})
    operators = ["BT"]
    for x, y, value in cells:
        encoded = cache.get(value)
        if encoded is None:
            encoded = " ".join(f"{font.getSubsetInternalName(subset, c._doc)} {size} Tf ({c._escape(chunk)}) Tj"
                               for subset, chunk in font.splitString(value, c._doc))
            cache[value] = encoded
        operators.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm {encoded}")
    operators.append("ET")
    c._code.append("\n".join(operators))


def _fit(text: str, width: float) -> str:
    if len(text) * 4.6 <= width or stringWidth(text, FONT, 7.5) <= width:  # fast path: short at any glyph width
        return text
    while text and stringWidth(text + "…", FONT, 7.5) > width:
        text = text[:-1]
    return text + "…"


def neighbourhood_counts(bilan: Bilan):
    """Cases counted per neighbourhood: followed, opened and closed in the period."""
    scope = bilan.scope
    figures: dict[tuple[str, str], list[int]] = {}
    for row in bilan.annex:
        line = figures.setdefault((row[3] or "hors quartier", row[4]), [0, 0, 0])
        line[0] += 1
        line[1] += scope.start <= row[6] <= scope.end
        line[2] += row[7] is not None and scope.start <= row[7] <= scope.end
    rows = [["Quartier", "Commune", para("Dossiers suivis", "cell_bold"), para("ouverts", "cell_bold"),
             para("clos", "cell_bold")]]
    for (quarter, commune), (followed, opened, closed) in sorted(figures.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        rows.append([quarter, commune] + [para(fr_number(n), "cell_right") for n in (followed, opened, closed)])
    return table(rows, [60 * mm, 45 * mm] + [(CONTENT_WIDTH - 105 * mm) / 3] * 3)


REFERENCE_COLUMNS = 8


class ReferencePage(Flowable):
    """One page of case references, eight per line, drawn directly (thousands of them)."""

    def __init__(self, references: list[str]):
        super().__init__()
        self.references = references
        self.width = CONTENT_WIDTH
        self.height = ANNEX_ROW * ((len(references) + REFERENCE_COLUMNS - 1) // REFERENCE_COLUMNS)

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        step = self.width / REFERENCE_COLUMNS
        cells = [((index % REFERENCE_COLUMNS) * step + 1 * mm,
                  self.height - (index // REFERENCE_COLUMNS + 1) * ANNEX_ROW + 1.2 * mm, reference)
                 for index, reference in enumerate(self.references)]
        self.canv.setFillColor(colors.black)
        draw_text_cells(self.canv, cells)


def reference_pages(references: list[str], rows_per_page: int = 52) -> list:
    per_page = rows_per_page * REFERENCE_COLUMNS
    first = (rows_per_page - 6) * REFERENCE_COLUMNS  # the first page also carries a heading
    pages = [ReferencePage(references[:first])]
    pages += [ReferencePage(references[start:start + per_page]) for start in range(first, len(references), per_page)]
    return pages


def annex_pages(rows: list[tuple], per_page: int = 52) -> list:
    first = 44  # the first page also carries the annex title
    pages = [AnnexPage(rows[:first])]
    pages += [AnnexPage(rows[start:start + per_page]) for start in range(first, len(rows), per_page)]
    return pages
