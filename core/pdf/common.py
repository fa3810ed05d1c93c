"""The page every PDF shares: A4, DejaVu Sans embedded, service header, footer.

Each page carries the service header (name, address, logo), "page x / y",
when and by whom the document was generated, and the confidentiality notice.
The page total is only known at the end, so pages are kept and stamped when
the canvas is saved (ReportLab's two-pass "numbered canvas" recipe).
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.tables import CellStyle

from core.formatting import fr_datetime
from core.pdf.service import ServiceHeader
from db.base import now

FONTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
CONFIDENTIAL = "Confidentiel — données personnelles"
MARGIN = 18 * mm
HEADER_HEIGHT = 22 * mm
FOOTER_HEIGHT = 12 * mm
PAGE_WIDTH, PAGE_HEIGHT = A4
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
ACCENT = colors.HexColor("#1f4e79")
LIGHT = colors.HexColor("#e8eef5")
GREY = colors.HexColor("#555555")


def register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


register_fonts()
# Table cells holding plain strings would otherwise be set in Helvetica (not embedded, no full accents).
CellStyle.fontname = FONT


def _style(name, size=9.5, bold=False, leading=None, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=FONT_BOLD if bold else FONT, fontSize=size,
                          leading=leading or size * 1.3, alignment=kw.pop("alignment", TA_LEFT), **kw)


STYLES = {
    "title": _style("title", 16, True, textColor=ACCENT, spaceAfter=4),
    "subtitle": _style("subtitle", 10.5, textColor=GREY, spaceAfter=8),
    "h1": _style("h1", 12.5, True, textColor=ACCENT, spaceBefore=10, spaceAfter=4),
    "h2": _style("h2", 10.5, True, spaceBefore=6, spaceAfter=3),
    "body": _style("body", 9.5, spaceAfter=4),
    "letter": _style("letter", 10.5, leading=15, spaceAfter=7),
    "small": _style("small", 8),
    "cell": _style("cell", 8.5),
    "cell_bold": _style("cell_bold", 8.5, True),
    "head": _style("head", 7, True),
    "cell_right": _style("cell_right", 8.5, alignment=TA_RIGHT),
    "cell_right_bold": _style("cell_right_bold", 8.5, True, alignment=TA_RIGHT),
    "muted": _style("muted", 9, textColor=GREY, spaceAfter=4),
    "sender": _style("sender", 9, leading=12, textColor=GREY),
    "address": _style("address", 10.5, leading=14),
    "signature": _style("signature", 10.5, leading=14, leftIndent=92 * mm),
}


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped); line breaks are kept."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), STYLES[style])


def markup(text: str, style: str = "body") -> Paragraph:
    """A paragraph of trusted ReportLab markup (<b>, <br/>): callers escape the data they insert."""
    return Paragraph(text, STYLES[style])


def table(rows: list[list], widths: list[float], header: bool = True, zebra: bool = True) -> Table:
    """A data table: text cells wrapped, header row repeated on each page."""
    def cell(value, bold=False):
        if hasattr(value, "wrapOn"):
            return value
        return para("" if value is None else value, "cell_bold" if bold else "cell")

    data = [[cell(v, header and i == 0) for v in row] for i, row in enumerate(rows)]
    result = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#b0b8c4")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), LIGHT))
    if zebra and len(data) > 2:
        commands.append(("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1), [colors.white, colors.HexColor("#f6f8fa")]))
    result.setStyle(TableStyle(commands))
    return result


def fields(pairs: list[tuple[str, object]], columns: int = 2) -> Table:
    """Label/value pairs laid out in `columns` column pairs (identity blocks)."""
    cells = [(para(label, "cell_bold"), para("" if value in (None, "") else value, "cell")) for label, value in pairs]
    rows = []
    for start in range(0, len(cells), columns):
        chunk = cells[start:start + columns]
        chunk += [(para(""), para(""))] * (columns - len(chunk))
        rows.append([item for pair in chunk for item in pair])
    label_w = 32 * mm if columns == 2 else 45 * mm
    value_w = CONTENT_WIDTH / columns - label_w
    result = Table(rows, colWidths=[label_w, value_w] * columns)
    result.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dde3ea")),
    ]))
    return result


def spacer(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)


@dataclass
class PageInfo:
    header: ServiceHeader
    author: str
    generated_at: datetime
    title: str


def counted_pages_canvas(font_size: float, draw_page: Callable) -> type:
    """A canvas that knows the page count when it draws each page's frame: pages are kept until the end,
    then `draw_page(canvas, number, total)` runs on each (« 3/12 » needs the total)."""

    class CountedPagesCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            # Without this the canvas declares Helvetica as its starting font: only DejaVu is wanted.
            kwargs["initialFontName"] = FONT
            kwargs["initialFontSize"] = font_size
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 - ReportLab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                draw_page(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return CountedPagesCanvas


def _numbered_canvas_class(info: PageInfo):
    return counted_pages_canvas(9.5, lambda canvas, number, total: _draw_frame(canvas, info, number, total))


def _draw_frame(c: rl_canvas.Canvas, info: PageInfo, page: int, total: int) -> None:
    c.saveState()
    top = PAGE_HEIGHT - 10 * mm
    text_x = MARGIN
    logo = info.header.logo_path
    if logo and os.path.isfile(logo):
        try:
            image = ImageReader(logo)
            w, h = image.getSize()
            height = 14 * mm
            width = min(40 * mm, height * w / h)
            c.drawImage(image, MARGIN, top - height, width=width, height=height, preserveAspectRatio=True, mask="auto")
            text_x = MARGIN + width + 4 * mm
        except Exception:  # a broken logo file must not prevent printing
            pass
    c.setFillColor(ACCENT)
    c.setFont(FONT_BOLD, 10.5)
    c.drawString(text_x, top - 4 * mm, info.header.name)
    c.setFillColor(GREY)
    c.setFont(FONT, 7.5)
    for index, line in enumerate(info.header.address_lines()[:3]):
        c.drawString(text_x, top - 8 * mm - index * 3.3 * mm, line)
    c.setFont(FONT, 7.5)
    c.drawRightString(PAGE_WIDTH - MARGIN, top - 4 * mm, info.title)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(0.6)
    c.line(MARGIN, PAGE_HEIGHT - HEADER_HEIGHT - 4 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - HEADER_HEIGHT - 4 * mm)
    bottom = 9 * mm
    c.setLineWidth(0.3)
    c.line(MARGIN, bottom + 4 * mm, PAGE_WIDTH - MARGIN, bottom + 4 * mm)
    c.setFillColor(colors.HexColor("#9b1c1c"))
    c.setFont(FONT_BOLD, 7.5)
    c.drawString(MARGIN, bottom, CONFIDENTIAL)
    c.setFillColor(GREY)
    c.setFont(FONT, 7.5)
    c.drawCentredString(PAGE_WIDTH / 2 + 10 * mm, bottom,
                        f"Généré le {fr_datetime(info.generated_at)} par {info.author}")
    c.drawRightString(PAGE_WIDTH - MARGIN, bottom, f"page {page} / {total}")
    c.restoreState()


def build_pdf(story: list, *, title: str, header: ServiceHeader, author: str,
              target: str | os.PathLike | io.BytesIO | None = None, generated_at: datetime | None = None) -> bytes:
    """Lay out `story` on the common page; write to target (path or buffer) and return the bytes."""
    info = PageInfo(header=header, author=author or "—", generated_at=generated_at or now(), title=title)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=HEADER_HEIGHT + 8 * mm, bottomMargin=FOOTER_HEIGHT + 8 * mm,
        title=title, author=info.author, creator="Médiation Habitat", subject=CONFIDENTIAL,
    )
    document.build(list(story), canvasmaker=_numbered_canvas_class(info))
    data = buffer.getvalue()
    if isinstance(target, io.BytesIO):
        target.write(data)
    elif target is not None:
        write_atomically(Path(target), data)
    return data


def write_atomically(path: str | os.PathLike, data: bytes) -> None:
    """Write next to the target then rename, so a crash never leaves half a file."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
