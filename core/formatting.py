"""French dates and numbers (Babel), safe for PDFs and spreadsheets.

Babel puts a narrow no-break space (U+202F) in French numbers and some
dates; DejaVu Sans and most viewers render it, but Excel and older PDF
readers do not, so it is replaced by an ordinary no-break space (U+00A0).
"""
from __future__ import annotations

import re
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


def fr_plural(count: int, singular: str, plural: str | None = None) -> str:
    """The words agreeing with count, without it: « Référence inconnue » for 1, « Références inconnues » for 2."""
    return singular if abs(count) < 2 else (plural or singular + "s")


def fr_count(count: int, singular: str, plural: str | None = None) -> str:
    """« 1 895 dossiers », « 1 dossier », « 0 dossier » (French keeps 0 and 1 singular)."""
    return f"{fr_number(count)}{NBSP}{fr_plural(count, singular, plural)}"


def fr_seconds(seconds: float) -> str:
    """« 3,9 s »; a minute and more as « 2 min 05 s »."""
    if seconds < 60:
        return f"{fr_number(seconds, 1)}{NBSP}s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes}{NBSP}min{NBSP}{rest:02d}{NBSP}s"


def fr_size(size: int) -> str:
    """A file size the French way: « 812 octets », « 17,0 Mo », « 1 023,5 Ko »."""
    value = float(size)
    for unit in ("octets", "Ko", "Mo", "Go"):
        if value < 1024 or unit == "Go":
            return f"{fr_number(value, 0 if unit == 'octets' else 1)}{NBSP}{unit}"
        value /= 1024
    return f"{fr_number(size)}{NBSP}octets"


_FRENCH_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


def parse_date(text: str) -> date:
    """« 25/11/2026 » (JJ/MM/AAAA, as French users write it) or « 2026-11-25 »; ValueError otherwise."""
    text = text.strip()
    found = _FRENCH_DATE.fullmatch(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return date(year, month, day)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    raise ValueError(text)
