"""French dates and numbers (Babel), safe for PDFs and spreadsheets.

Babel puts a narrow no-break space (U+202F) in French numbers and some
dates; DejaVu Sans and most viewers render it, but Excel and older PDF
readers do not, so it is replaced by an ordinary no-break space (U+00A0).
"""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

LOCALE = "fr_FR"
NNBSP = "\u202f"
NBSP = "\u00a0"


def _clean(text: str) -> str:
    return text.replace(NNBSP, NBSP)


def fr_date(value: date | datetime | None, style: str = "short") -> str:
    """'25/11/2026' (short), '25 novembre 2026' (long), or '' for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if style == "short":  # the common case, thousands of times in a bilan annex: no need for Babel
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    pattern = {"short": "dd/MM/yyyy", "long": "d MMMM yyyy", "month": "MMMM yyyy", "month_short": "MMM yy"}[style]
    text = _clean(format_date(value, pattern, locale=LOCALE))
    if style == "long" and value.day == 1:
        text = "1er" + text[1:]  # French writes the first of the month as an ordinal
    return text


def fr_datetime(value: datetime | None) -> str:
    """'25/11/2026 à 14:05', or '' for None."""
    if value is None:
        return ""
    return _clean(format_datetime(value, "dd/MM/yyyy 'à' HH:mm", locale=LOCALE))


def fr_number(value: float | int | None, decimals: int = 0) -> str:
    """'12 345' or '12 345,5' (no-break spaces), '' for None."""
    if value is None:
        return ""
    pattern = "#,##0" + (("." + "0" * decimals) if decimals else "")
    return _clean(format_decimal(value, format=pattern, locale=LOCALE))


def fr_area(value: float | None) -> str:
    return "" if value is None else f"{fr_number(value, 1)}{NBSP}m²"


def fr_money(value: float | None) -> str:
    return "" if value is None else f"{fr_number(value, 2)}{NBSP}€"


def fr_percent(part: float, whole: float, decimals: int = 0) -> str:
    """'42 %' of part over whole; '–' when whole is zero."""
    if not whole:
        return "–"
    pattern = "#,##0" + (("." + "0" * decimals) if decimals else "") + " %"
    return _clean(format_percent(part / whole, format=pattern, locale=LOCALE)).replace(" %", f"{NBSP}%")


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("oui" if value else "non")
