"""PySide6 user interface: windows, views, table models, dialogs. Qt lives only here."""
from gui import none_guard  # noqa: F401 - must run before any Qt call (see gui/none_guard.py)
