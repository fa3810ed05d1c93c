"""Every colour the window draws text or marks with, by name, in a standard and a high-contrast palette.

Each colour is listed with the backgrounds it is drawn on (USES); tests/gui/test_accessibility.py checks
every pair at WCAG 2.1 ratios: 4.5:1 for text, 3:1 for marks (dots, bars, focus frames). The application
palette (window, base, alternate rows, selection) is set from the same table, so the backgrounds checked
are the backgrounds drawn. The high-contrast palette follows the system setting where Qt exposes it
(QStyleHints.accessibility().contrastPreference()), or MH_CONTRASTE=eleve.

A colour never carries a meaning alone: a status colour (STATUSES) comes with the words that say it, which
the tables show as a mark and give to screen readers.
"""
from __future__ import annotations

import os

TEXT, MARK = "texte", "marque"
MINIMUM_RATIO = {TEXT: 4.5, MARK: 3.0}

STANDARD = {
    # backgrounds
    "window": "#efefef", "base": "#ffffff", "alternate": "#f7f7f7", "chart": "#ffffff", "cover": "#1f4e79",
    "selection": "#1f6fa8",
    # text and marks
    "text": "#000000", "on_selection": "#ffffff", "on_cover": "#ffffff",
    "muted": "#5f6368", "danger": "#b3261e", "warning": "#9c4a00", "info": "#1558b0", "success": "#137333",
    "shareable": "#0b57d0", "neutral_mark": "#757575",
    "chart_1": "#1f4e79", "chart_2": "#2e86c1", "chart_3": "#5e7d1e", "chart_4": "#a07d00",
}

HIGH_CONTRAST = {
    "window": "#ffffff", "base": "#ffffff", "alternate": "#f0f0f0", "chart": "#ffffff", "cover": "#000000",
    "selection": "#000080",
    "text": "#000000", "on_selection": "#ffffff", "on_cover": "#ffffff",
    "muted": "#2b2b2b", "danger": "#8b0000", "warning": "#6b3300", "info": "#00307a", "success": "#0b4f1f",
    "shareable": "#00307a", "neutral_mark": "#3c3c3c",
    "chart_1": "#00224a", "chart_2": "#0050a0", "chart_3": "#2f4a00", "chart_4": "#5c4400",
}

PALETTES = {"standard": STANDARD, "high_contrast": HIGH_CONTRAST}

_CELLS = ("window", "base", "alternate")
# (colour, text or mark, the backgrounds it is drawn on)
USES: list[tuple[str, str, tuple[str, ...]]] = [
    ("text", TEXT, _CELLS),
    ("muted", TEXT, _CELLS),
    ("danger", TEXT, _CELLS),
    ("warning", TEXT, _CELLS),
    ("info", TEXT, _CELLS),
    ("success", TEXT, _CELLS),
    ("shareable", TEXT, _CELLS),
    ("on_selection", TEXT, ("selection",)),
    ("on_cover", TEXT, ("cover",)),
    ("neutral_mark", MARK, _CELLS),
    ("danger", MARK, _CELLS),
    ("warning", MARK, _CELLS),
    ("selection", MARK, _CELLS),  # selected rows, and the focus frame Qt draws in the same colour
    ("chart_1", MARK, ("chart",)),
    ("chart_2", MARK, ("chart",)),
    ("chart_3", MARK, ("chart",)),
    ("chart_4", MARK, ("chart",)),
]

CHART_SERIES = ("chart_1", "chart_2", "chart_3", "chart_4")

# What a status colour means, said in words wherever the colour is shown.
STATUSES = {
    "late": ("danger", "en retard"),
    "due_soon": ("danger", "renouvellement à faire"),
    "to_conclude": ("warning", "conclusion à renseigner"),
    "shareable": ("shareable", "partageable"),
    "danger": ("danger", "danger"),
}

_current = {"name": "standard"}


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours (1 to 21)."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def pairs(palette: dict[str, str]):
    """(colour name, kind, background name, ratio, minimum) for every use of the palette."""
    for name, kind, backgrounds in USES:
        for background in backgrounds:
            yield name, kind, background, contrast_ratio(palette[name], palette[background]), MINIMUM_RATIO[kind]


def current() -> dict[str, str]:
    return PALETTES[_current["name"]]


def colour(name: str) -> str:
    return current()[name]


def qcolor(name: str):
    from PySide6.QtGui import QColor

    return QColor(colour(name))


def style(name: str) -> str:
    """A style sheet giving text that colour."""
    return f"color: {colour(name)};"


def status_colour(status: str):
    """The QColor of a status, carrying its words (`.meaning`) for the tables that show it (gui/rows_model.py)."""
    from PySide6.QtGui import QColor

    class StatusColour(QColor):
        meaning = ""

    name, meaning = STATUSES[status]
    marked = StatusColour(colour(name))
    marked.meaning = meaning
    return marked


def wants_high_contrast(app=None) -> bool:
    if os.environ.get("MH_CONTRASTE", "").lower() in ("eleve", "élevé", "high"):
        return True
    try:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QGuiApplication

        hints = QGuiApplication.styleHints()
        return hints.accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast
    except (AttributeError, RuntimeError):  # Qt before 6.10 does not say
        return False


def apply(app) -> str:
    """Set the application palette (standard or high contrast) and follow the system's changes."""
    _current["name"] = "high_contrast" if wants_high_contrast(app) else "standard"
    app.setPalette(qt_palette(current()))
    if not getattr(app, "_follows_contrast", False):
        try:
            from PySide6.QtGui import QGuiApplication

            QGuiApplication.styleHints().accessibility().contrastPreferenceChanged.connect(lambda *_a: apply(app))
            app._follows_contrast = True
        except (AttributeError, RuntimeError):
            pass
    return _current["name"]


def qt_palette(colours: dict[str, str]):
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = {
        QPalette.Window: "window", QPalette.Button: "window", QPalette.Base: "base",
        QPalette.AlternateBase: "alternate", QPalette.WindowText: "text", QPalette.Text: "text",
        QPalette.ButtonText: "text", QPalette.Highlight: "selection", QPalette.HighlightedText: "on_selection",
        QPalette.PlaceholderText: "muted", QPalette.ToolTipBase: "base", QPalette.ToolTipText: "text",
        QPalette.Link: "shareable",
    }
    for role, name in roles.items():
        palette.setColor(QPalette.All, role, QColor(colours[name]))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        palette.setColor(QPalette.Disabled, role, QColor(colours["muted"]))
    return palette
