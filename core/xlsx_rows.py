"""Large XLSX exports: openpyxl builds the workbook, the rows of the sheet are streamed.

openpyxl's write-only mode still makes a Python object and an XML element per
cell: 100,000 cases × 49 columns take about 45 s. Here openpyxl writes the
package (workbook, styles with the date format, frozen header, content types)
with the header row and one sample row; the sample row gives the date style,
and the sheet data is then written as the same XML openpyxl produces
(inline strings, numbers, dates as serials with that style), a row at a time.
The header is frozen and filterable, columns are as wide as their header and first rows.

Text goes into inline-string cells, which a spreadsheet never evaluates: unlike CSV, a text that
starts with = + - @ needs no apostrophe here. (XlsxWriter's constant_memory mode was measured as the
well-kept alternative: 11.9 s against 5.6 s for 20,000 cases on the same loaded machine, so not used.)
"""
from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Iterable
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

SHEET = "xl/worksheets/sheet1.xml"
EXCEL_EPOCH = date(1899, 12, 30)


SAMPLE_ROWS = 200  # rows looked at to size the columns
MAX_WIDTH = 60
FILTER_PLACEHOLDER = 999_999  # last row of the filter until the real count is known


def _template(path: Path, header: list[str], sample: list, widths: list[int]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Dossiers")
    sheet.freeze_panes = "B2"
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{FILTER_PLACEHOLDER}"
    bold = Font(bold=True)
    titles = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        titles.append(cell)
    header = titles
    sheet.append(header)
    row = []
    for value in sample:
        if isinstance(value, date):
            value = WriteOnlyCell(sheet, value=value)
            value.number_format = "DD/MM/YYYY"
        row.append(value)
    quoted = WriteOnlyCell(sheet, value="texte")  # last cell of the row: gives the « quotePrefix » style
    quoted.quotePrefix = True
    sheet.append(row + [quoted])
    workbook.save(path)


FORMULA_START = frozenset(("=", "+", "-", "@"))


def _cell_writer(date_style: str, quote_style: str):
    def cell(ref: str, value) -> str:
        kind = value.__class__
        if kind is str:
            text = escape(ILLEGAL_CHARACTERS_RE.sub("", value))
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            # Excel's quotePrefix: shown without an apostrophe, and still text once the cell is edited.
            style = f' s="{quote_style}"' if value[:1] in FORMULA_START else ""
            return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
        if kind is int or kind is float:
            return f'<c r="{ref}" t="n"><v>{value!r}</v></c>'
        if kind is date:
            return f'<c r="{ref}" s="{date_style}" t="n"><v>{(value - EXCEL_EPOCH).days}</v></c>'
        return cell(ref, str(value))

    return cell


def write_rows(path: Path, header: list[str], rows: Iterable[list]) -> int:
    """Write the sheet; each row is a list of str, int, float, date or None (empty cell)."""
    rows = iter(rows)
    looked_at = [row for _, row in zip(range(SAMPLE_ROWS), rows)]
    first = looked_at[0] if looked_at else None
    rows = _chain(looked_at[1:], rows)
    template = path.with_name(f".{path.name}.template")
    sample = [date(2000, 1, 1) if isinstance(v, date) else "" for v in (first or [])]
    if not any(isinstance(v, date) for v in sample):
        sample = [date(2000, 1, 1)]
    _template(template, header, sample, _widths(header, looked_at))
    try:
        with zipfile.ZipFile(template) as source:
            xml = source.read(SHEET).decode("utf-8")
            head, rest = xml.split("<sheetData>", 1)
            _data, tail = rest.split("</sheetData>", 1)
            header_xml = re.search(r'<row r="1">.*?</row>', _data).group(0)
            date_style = re.search(r'<row r="2">.*? s="(\d+)"', _data).group(1)
            quote_style = re.findall(r' s="(\d+)"', re.search(r'<row r="2">.*?</row>', _data).group(0))[-1]
            count = 0
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as target:
                for item in source.infolist():
                    if item.filename != SHEET:
                        target.writestr(item, source.read(item.filename))
                with target.open(SHEET, "w", force_zip64=True) as sheet:
                    count = _stream(sheet, head, header_xml, tail, first, rows, len(header),
                                    _cell_writer(date_style, quote_style))
    finally:
        template.unlink(missing_ok=True)
    return count


def _stream(sheet, head: str, header_xml: str, tail: str, first, rows, width: int, cell) -> int:
    letters = [get_column_letter(i + 1) for i in range(width)]
    sheet.write(f"{head}<sheetData>{header_xml}".encode("utf-8"))
    buffer, count, number = [], 0, 2
    for row in _chain([first] if first is not None else [], rows):
        cells = "".join(cell(f"{letters[i]}{number}", v) for i, v in enumerate(row) if v is not None)
        buffer.append(f'<row r="{number}">{cells}</row>')
        number += 1
        count += 1
        if len(buffer) >= 500:
            sheet.write("".join(buffer).encode("utf-8"))
            buffer.clear()
    last = f"{count + 1}" if count else "2"
    tail = tail.replace(f"{FILTER_PLACEHOLDER}\"", f"{last}\"", 1)
    sheet.write(("".join(buffer) + "</sheetData>" + tail).encode("utf-8"))
    return count


def _widths(header: list[str], sample: list[list]) -> list[int]:
    def shown(value) -> int:
        return 0 if value is None else 10 if isinstance(value, date) else len(str(value))

    return [min(MAX_WIDTH, max([len(title)] + [shown(row[i]) for row in sample if i < len(row)]) + 2)
            for i, title in enumerate(header)]


def _chain(first: list, rest):
    yield from first
    yield from rest
