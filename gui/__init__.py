"""PySide6 user interface: windows, views, table models, dialogs. Qt lives only here."""
