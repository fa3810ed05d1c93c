"""Field laptops in the main window: the Fichier menu entries (Emporter des dossiers…, Rapporter…, Conflits à
arbitrer), the count of open conflicts, and the lasting mention of a laptop base in the title and status bar."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox

from core.laptop import LaptopInfo, laptop_origin, list_conflicts
from gui.widgets import alive
from gui.workers import run_in_background

CONFLICTS_TEXT = "&Conflits à arbitrer"


def laptop_banner(info: LaptopInfo, holder_name: str = "") -> str:
    """« Portable — dossiers emportés le 12/03 par Sabrina Hamdi »."""
    text = f"Portable — dossiers emportés le {info.taken_at:%d/%m} par {holder_name or info.holder_login}"
    if info.returned_at is not None:
        text += f", rapportés le {info.returned_at:%d/%m}"
    return text


def install_laptop_menu(window) -> None:
    """Called by MainWindow._build_menus, after « Sauvegardes… »."""
    menu = window.file_menu
    menu.addSeparator()
    window.checkout_action = window._action(menu, "Emporter des &dossiers…", None, lambda: open_checkout(window))
    window.checkin_action = window._action(menu, "&Rapporter…", None, lambda: open_checkin(window))
    window.conflicts_action = window._action(menu, CONFLICTS_TEXT + "…", None, lambda: open_conflict_list(window))
    window.laptop_label = QLabel()
    window.laptop_label.setAccessibleName("Base de portable")
    window.laptop_label.setVisible(False)
    window.statusBar().insertPermanentWidget(1, window.laptop_label)  # after « Base : … »
    window.laptop_info = None
    window.show_conflict_count = lambda count: show_conflict_count(window, count)
    window.refresh_laptop_state = lambda: refresh_laptop_state(window)
    refresh_laptop_state(window)


def refresh_laptop_state(window) -> None:
    """Read in the pool whether the open base is a laptop base and how many conflicts wait."""
    database, actor = window.database, window.actor

    def read():
        return laptop_origin(database), len(list_conflicts(database, actor))

    def show(found) -> None:
        if alive(window):
            info, count = found
            show_laptop_origin(window, info)
            show_conflict_count(window, count)

    run_in_background(read, show, on_error=lambda _info: None)  # a base without the laptop tables: nothing shown


def show_laptop_origin(window, info: LaptopInfo | None) -> None:
    window.laptop_info = info
    if info is None:
        return
    holder = window.actor.full_name if window.actor.login == info.holder_login and window.actor.full_name else ""
    banner = laptop_banner(info, holder)
    window.laptop_label.setText(banner)
    window.laptop_label.setToolTip(f"Base emportée du bureau ({info.office_label}). Au retour, la base du bureau "
                                   "reprend le travail fait ici par Fichier › Rapporter….")
    window.laptop_label.setVisible(True)
    title = window.windowTitle()
    if "Portable —" not in title:
        window.setWindowTitle(f"{title} — {banner}")


def show_conflict_count(window, count: int) -> None:
    window.conflict_count = count
    window.conflicts_action.setText(f"{CONFLICTS_TEXT} ({count})…" if count else CONFLICTS_TEXT + "…")


def open_checkout(window):
    if window.laptop_info is not None:
        QMessageBox.information(window, "Emporter des dossiers", "La base ouverte est déjà une base de portable : "
                                "les dossiers s'emportent depuis la base du bureau.")
        return None
    from gui.laptop_checkout import open_checkout_dialog

    return open_checkout_dialog(window)


def open_checkin(window):
    if window.laptop_info is not None:
        QMessageBox.information(window, "Rapporter", "La base ouverte est celle du portable. Ouvrez la base du "
                                "bureau (ou apportez-y ce fichier), puis Fichier › Rapporter… et choisissez ce "
                                "fichier de portable.")
        return None
    from gui.laptop_checkin import open_checkin_dialog

    return open_checkin_dialog(window)


def open_conflict_list(window):
    from gui.laptop_conflicts import open_conflicts

    return open_conflicts(window)
