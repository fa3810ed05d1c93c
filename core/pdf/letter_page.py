"""The page of an outgoing letter: what a window envelope and a reader expect.

Internal documents (fiche, compte rendu, bilan) carry the service header, the
document title and the « Confidentiel » footer on every page. A letter that goes
out carries none of them: the sender's address at the top left, the addressee's
full postal address where the window of a DL envelope shows it (right side,
French business-letter layout: about 110 mm from the left edge, 50 mm from the
top), then place and date, and only a page number when there is a second page.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate
from xml.sax.saxutils import escape

from core.pdf.common import FONT, GREY, MARGIN, PAGE_WIDTH, STYLES, counted_pages_canvas, write_atomically
from core.pdf.service import ServiceHeader

LETTER_TOP = 15 * mm
WINDOW_LEFT = 110 * mm          # from the page's left edge
WINDOW_TOP = 50 * mm            # from the page's top edge
WINDOW_WIDTH = 85 * mm
WINDOW_HEIGHT = 40 * mm
HEAD_HEIGHT = WINDOW_TOP + WINDOW_HEIGHT - LETTER_TOP + 4 * mm


class LetterHead(Flowable):
    """Sender at the top left, addressee in the envelope window: the first flowable of page one."""

    def __init__(self, header: ServiceHeader, recipient: list[str]):
        super().__init__()
        self.header = header
        self.recipient = [line for line in recipient if line and line.strip()]
        self.width = PAGE_WIDTH - 2 * MARGIN
        self.height = HEAD_HEIGHT

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        sender = [f"<b>{escape(self.header.name)}</b>"] + [escape(line) for line in self.header.address_lines()]
        if self.header.phone:
            sender.append(f"Tél. {escape(self.header.phone)}")
        if self.header.email:
            sender.append(escape(self.header.email))
        block = Paragraph("<br/>".join(sender), STYLES["sender"])
        _, height = block.wrap(95 * mm, self.height)
        block.drawOn(self.canv, 0, self.height - height)
        address = Paragraph("<br/>".join(escape(line) for line in self.recipient), STYLES["address"])
        _, height = address.wrap(WINDOW_WIDTH, WINDOW_HEIGHT)
        top_in_flowable = self.height - (WINDOW_TOP - LETTER_TOP)
        address.drawOn(self.canv, WINDOW_LEFT - MARGIN, top_in_flowable - height)


def _page_number_if_several(canvas, number: int, total: int) -> None:
    """A letter carries no internal header or footer: only « 1/2 » when it runs to several pages."""
    if total > 1:
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, f"{number}/{total}")


def _letter_canvas_class():
    return counted_pages_canvas(10.5, _page_number_if_several)


def build_letter_pdf(story: list, *, title: str, author: str,
                     target: str | os.PathLike | None = None) -> bytes:
    """Lay out a letter (its story starts with a LetterHead); no internal header or footer."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=LETTER_TOP, bottomMargin=20 * mm, title=title, author=author or "—", creator="Médiation Habitat",
    )
    document.build(list(story), canvasmaker=_letter_canvas_class())
    data = buffer.getvalue()
    if target is not None:
        write_atomically(Path(target), data)
    return data

