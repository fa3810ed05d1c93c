"""The main window: navigation between the views, menus, status bar, window state.

Views live in `self.pages` (key -> widget), listed in NAVIGATION order; each is built
the first time it is shown, so start-up builds only the case list and the first view. A page may
define `refresh()` (called when shown), `save()` (Ctrl+S), `print_current()`
(Ctrl+P), `focus_search()` (Ctrl+F) and `has_unsaved_changes()`.
Other features add their menu entries in `_build_menus` and their pages in
`_build_pages`.
"""
from __future__ import annotations

import gc
import importlib
from collections.abc import Callable, Iterator, Mapping

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from core.actor import Actor
from core.auth import first_administrator
from core.queries.window import case_id_by_reference
from core.services.base import Changes
from db.search import fold
from db.vocab import ROLES, label
from gui.view_refresh import CASE_RECORDS, shown_case_ids, view_concerned
from gui.widgets import alive, relative_font, resize_within_screen, scaled
from gui.wheel_guard import on_activity, watch_window, watch_windows

APP_TITLE = "Médiation Habitat"

# (key, label shown in the navigation); keys are also the --view names.
NAVIGATION: list[tuple[str, str]] = [
    ("tableau-de-bord", "Tableau de bord"),
    ("dossiers", "Dossiers"),
    ("agenda", "Agenda des visites"),
    ("relogement", "Relogement"),
    ("commissions", "Commissions"),
    ("echeances", "Mes échéances"),
    ("referentiels", "Référentiels"),
]
START_VIEW = "echeances"
_INPUT_EVENTS = frozenset({QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.Wheel})
# The start-up run of the reminder rules (~0.7 s of Python in the pool at 100,000 cases) waits until the
# window has been quiet that long (no key, click or background load), and at most LATEST_MS.
QUIET_MS = 2000
LATEST_MS = 60_000


class Pages(Mapping):
    """The views by key, each built on first access (values() and items() build them all)."""

    def __init__(self, on_built: Callable[[QWidget], None]):
        self._factories: dict[str, Callable[[], QWidget]] = {}
        self._built: dict[str, QWidget] = {}
        self._on_built = on_built

    def add(self, key: str, factory: Callable[[], QWidget]) -> None:
        self._factories[key] = factory

    def __getitem__(self, key: str) -> QWidget:
        if key not in self._built:
            page = self._factories[key]()
            self._built[key] = page
            self._on_built(page)
        return self._built[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)

    def built(self) -> dict[str, QWidget]:
        """The pages built so far (a change only concerns those: the others load when first shown)."""
        return dict(self._built)


class MainWindow(QMainWindow):
    def __init__(self, database, actor: Actor | None = None, first_view: str = START_VIEW):
        """first_view: the view shown first (the command line's --view), so start-up builds and reads no other."""
        super().__init__()
        watch_windows()
        self.database = database
        self.form_choices = None
        self.warmed_up = False  # the case file's warm-up (after the first view's reads) is done
        self.actor = actor if actor is not None else first_administrator(database)
        self.case_page = None
        self._case_page_choices = None  # the form choices the case page's lists were built with
        self.setWindowTitle(f"{APP_TITLE} — Contrat de Ville 2024-2030")
        resize_within_screen(self, 1280, 800)
        self._build_status_bar()
        self.stack = QStackedWidget()
        self.pages = Pages(self.stack.addWidget)
        self._build_pages()
        self._build_layout()
        self._build_menus()
        self._restore_state()
        if not self.show_view(first_view):
            self.show_view(START_VIEW)

    def _warm_up_case_file(self, steps: list | None = None) -> None:
        """Import the case file's code and compile its queries in the pool once the first view has loaded, a
        short step each time no other job runs (Python runs one thread at a time: a search typed meanwhile
        shares it with one step, not with all of them). The first case opened then costs what the next ones
        do (~35 ms, not ~80 ms, per step)."""
        from gui.workers import run_in_background, when_idle

        database, actor = self.database, self.actor

        def first_step() -> list:
            from gui.case_file.page import warm_up_steps  # importing the page takes ~60 ms: not on the GUI thread

            return warm_up_steps(database, actor)

        step, rest = (first_step, None) if steps is None else (steps[0], steps[1:])

        def next_step(result) -> None:
            rest_of_it = result if steps is None else rest  # the first step returns the others
            if not alive(self):
                gc.enable()
            elif rest_of_it:
                when_idle(lambda: alive(self) and self._warm_up_case_file(rest_of_it))
            else:
                self._keep_form_choices(result)

        run_in_background(step, next_step, on_error=lambda _info: gc.enable())

    def _keep_form_choices(self, choices) -> None:
        """The choice lists of the case forms (communes, landlords, agents…), read in the pool: every case
        opened uses them instead of reading them again on the GUI thread. Dropped when reference data or
        accounts change. The case file page is then built ahead, a tab per turn of the event loop."""
        self.warmed_up = True
        if self.form_choices is None:  # (a case opened meanwhile may have read them already)
            self.form_choices = choices
        gc.freeze()  # the case file's modules and compiled statements, loaded by the warm-up, are long-lived too
        gc.enable()
        QTimer.singleShot(0, self.prepare_case_tabs)

    # -- pages -----------------------------------------------------------------
    def _build_pages(self) -> None:
        from gui.case_list_page import CaseListPage

        def page(module: str, name: str) -> Callable[[], QWidget]:
            return lambda: getattr(importlib.import_module(module), name)(self)

        self.case_list = CaseListPage(self)
        for key, (module, name) in {
            "tableau-de-bord": ("gui.dashboard", "DashboardPage"),
            "agenda": ("gui.agenda_page", "AgendaPage"),
            "relogement": ("gui.relocation_page", "RelocationPage"),
            "commissions": ("gui.commissions_page", "CommissionsPage"),
            "echeances": ("gui.tasks_page", "TasksPage"),
            "referentiels": ("gui.reference_page", "ReferencePage"),
        }.items():
            self.pages.add(key, page(module, name))
        self.pages.add("dossiers", lambda: self.case_list)
        self.pages["dossiers"]  # noqa: B018 - into the stack now: other views and actions use the case list

    def _build_layout(self) -> None:
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Navigation entre les vues")
        relative_font(self.navigation, 1.1)
        self.navigation.setMinimumWidth(scaled(self.navigation, 96))  # entries wrap: room for the view at 200 %
        self.navigation.setMaximumWidth(scaled(self.navigation, 240))
        self.navigation.setStyleSheet("QListWidget#navigation::item { padding: 7px 3px; }")
        self.navigation.setWordWrap(True)  # a long entry wraps rather than scrolling sideways (zoom)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        for index, (key, text) in enumerate(NAVIGATION):
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, key)
            item.setToolTip(f"{text} (Ctrl+{index + 1})")
            self.navigation.addItem(item)
        self.navigation.currentRowChanged.connect(self._navigation_changed)
        # Clicking or Enter on the highlighted entry (e.g. « Dossiers » while a case is open) goes there too.
        self.navigation.itemClicked.connect(lambda item: self._navigation_changed(self.navigation.row(item)))
        self.navigation.itemActivated.connect(lambda item: self._navigation_changed(self.navigation.row(item)))
        self.splitter = QSplitter()
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([190, 1090])
        self.setCentralWidget(self.splitter)

    # -- menus -------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&Fichier")
        self._action(self.file_menu, "&Nouveau dossier…", "Ctrl+N", self.new_case)
        self._action(self.file_menu, "I&mporter…", None, self.import_file)
        self._action(self.file_menu, "&Enregistrer", "Ctrl+S", self.save_current)
        self._action(self.file_menu, "&Imprimer…", "Ctrl+P", self.print_current)
        self.file_menu.addSeparator()
        self._action(self.file_menu, "Sau&vegardes…", None, self.show_backups)
        from gui.laptop_menu import install_laptop_menu

        install_laptop_menu(self)  # Emporter des dossiers…, Rapporter…, Conflits à arbitrer; a laptop base says so
        self.file_menu.addSeparator()
        self.quit_action = self._action(self.file_menu, "&Quitter", "Ctrl+Q", self.close)
        self.edit_menu = bar.addMenu("É&dition")
        self._action(self.edit_menu, "&Rechercher un dossier", "Ctrl+F", self.focus_search)
        self.view_menu = bar.addMenu("&Affichage")
        for index, (key, text) in enumerate(NAVIGATION):
            self._action(self.view_menu, text, f"Ctrl+{index + 1}", lambda _=False, k=key: self.show_view(k))
        self.case_menu = bar.addMenu("Do&ssier")
        self._action(self.case_menu, "Changer le &statut…", "Ctrl+Shift+S", lambda: self._case_call("change_status"))
        self._action(self.case_menu, "Ajouter une &note", "Ctrl+Shift+N", lambda: self._case_call("add_note"))
        self._action(self.case_menu, "&Fermer le dossier", "Ctrl+W", self.close_case)
        self.tools_menu = bar.addMenu("&Outils")
        self.help_menu = bar.addMenu("A&ide")  # Alt+A is « Affichage »
        self.guide_action = self._action(self.help_menu, "&Guide de l'utilisateur", "F1", self.show_guide)
        self._action(self.help_menu, "À &propos", None, self.show_about)
        from gui.admin_menu import install_admin_menu

        install_admin_menu(self)  # Administration menu (administrators) and "change my password"
        from gui.pdf_actions import install_output_menu

        install_output_menu(self)  # export of the case list, letters and fiche of the open case

    def show_guide(self) -> None:
        from gui.help_window import show_guide

        self.guide = show_guide(self)

    def show_backups(self) -> None:
        from gui.backup_dialog import open_backup_dialog

        open_backup_dialog(self)

    def _action(self, menu, text: str, shortcut: str | None, slot) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_status_bar(self) -> None:
        who = self.actor.full_name or self.actor.login
        self.user_label = QLabel(f"{who} ({label(ROLES, self.actor.role)})")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(140)
        self.busy_bar.setVisible(False)
        self.count_label = QLabel()
        self.statusBar().addWidget(QLabel(f"Base : {self.database.describe()}"), 1)
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.user_label)

    def set_busy(self, busy: bool, message: str = "Chargement…") -> None:
        self.busy_bar.setVisible(busy)
        if busy:
            self.statusBar().showMessage(message)
        else:
            self.statusBar().clearMessage()

    # -- navigation -----------------------------------------------------------------
    def view_key(self, name: str) -> str | None:
        """The page key for a view name as typed on the command line (accents and case ignored)."""
        wanted = fold(name).replace(" ", "-").replace("_", "-")
        for key, text in NAVIGATION:
            if wanted in (key, fold(text).replace(" ", "-")):
                return key
        return None

    def show_view(self, name: str) -> bool:
        key = self.view_key(name)
        if key is None:
            return False
        if not self._may_leave_case():
            return False
        row = [k for k, _ in NAVIGATION].index(key)
        self.navigation.blockSignals(True)
        self.navigation.setCurrentRow(row)
        self.navigation.blockSignals(False)
        self._activate(self.pages[key])
        return True

    def _navigation_changed(self, row: int) -> None:
        if 0 <= row < len(NAVIGATION) and self.current_page() is not self.pages[NAVIGATION[row][0]]:
            self.show_view(NAVIGATION[row][0])

    def _activate(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        if hasattr(page, "refresh"):
            page.refresh()
        self._update_count(page)

    def current_page(self) -> QWidget:
        return self.stack.currentWidget()

    def _update_count(self, page=None) -> None:
        page = page or self.current_page()
        self.count_label.setText(page.count_text() if hasattr(page, "count_text") else "")

    # -- cases -----------------------------------------------------------------------
    def open_case(self, case_id: int, deferred: bool = False) -> None:
        """Show a case file. deferred: the page appears at once and its reads start in the pool; its header and
        open tab fill when they arrive, then the other tabs, so no turn of the event loop holds the window long."""
        from gui.admin_menu import audit_case_opening

        if not self._may_leave_case():
            return
        if not deferred and not audit_case_opening(self, case_id):  # audited; refused outside an agent's scope
            return  # (a stepwise opening audits in the pool, with its first read)
        page = self.prepare_case_page()
        page.show_case(case_id, load_now=not deferred)
        if deferred:  # the reads start now, in the pool, while the page appears; filled as they arrive
            page.load_in_steps(lambda: self._update_count(page))
        self.navigation.blockSignals(True)
        self.navigation.setCurrentRow([k for k, _ in NAVIGATION].index("dossiers"))
        self.navigation.blockSignals(False)
        self._activate(page)

    def prepare_case_page(self, whole: bool = True):
        """The case file page, built once and reused by every opening. whole=False builds its frame only: the
        tabs then come one per turn of the event loop (prepare_case_tabs), never one long block."""
        from gui.case_file.page import CaseFilePage

        if self.case_page is not None and self._case_page_choices is not self.form_choices:
            if self.current_page() is not self.case_page:  # reference data changed: its lists are built again
                self.stack.removeWidget(self.case_page)
                self.case_page.deleteLater()
                self.case_page = None
        if self.case_page is None:
            self._case_page_choices = self.form_choices
            self.case_page = CaseFilePage(self)
            self.stack.addWidget(self.case_page)
        if whole:
            self.case_page.build_whole()
            self._case_page_choices = self.form_choices  # what the Synthèse lists were built with
        return self.case_page

    def prepare_case_tabs(self) -> None:
        """Build the case file page ahead, a piece per turn of the event loop, once the forms' choice lists
        are read (the first opening then costs what the next ones do)."""
        if not alive(self) or self.form_choices is None:
            return
        page = self.prepare_case_page(whole=False)
        if page.build_step():
            self._case_page_choices = self.form_choices
            QTimer.singleShot(0, self.prepare_case_tabs)
        else:
            self._lay_out_ahead(page)

    def _lay_out_ahead(self, page) -> None:
        """Lay the built page out at the window's size while out of sight: a page in a stack is sized only
        once shown, and the first opening spent ~20 ms (40 on a busy laptop) laying out its tabs. Shown and
        hidden in the same turn of the event loop: nothing is painted on screen, the focus stays where it was."""
        if self.current_page() is page or page.property("laid_out_at") == self.stack.size():
            return
        focus, current = QApplication.focusWidget(), self.current_page()
        self.stack.blockSignals(True)
        try:
            self.stack.setCurrentWidget(page)
            self.stack.setCurrentWidget(current)
        finally:
            self.stack.blockSignals(False)
        page.setProperty("laid_out_at", self.stack.size())
        if focus is not None and alive(focus) and QApplication.focusWidget() is not focus:
            focus.setFocus(Qt.OtherFocusReason)
        # Painted once too, into an image nobody sees (its texts, icons and frames rendered and cached): the
        # first opening's paint took 8-10 ms more than the next ones (20-40 on a busy laptop); this one ~20.
        QTimer.singleShot(0, lambda: alive(page) and page.grab())

    def open_case_reference(self, reference: str) -> bool:
        """`--view case:REF`: False when no case of the actor's scope has that reference."""
        case_id = case_id_by_reference(self.database, self.actor, reference)
        if case_id is None:
            return False
        self.open_case(case_id)
        return True

    def close_case(self) -> None:
        if self.case_page is not None and self.current_page() is self.case_page:
            self.show_view("dossiers")

    def _may_leave_case(self) -> bool:
        page = self.case_page
        if page is None or self.current_page() is not page or not page.has_unsaved_changes():
            return True
        answer = QMessageBox.question(
            self, "Modifications non enregistrées",
            "Ce dossier a des modifications non enregistrées. Les enregistrer avant de continuer ?",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        if answer == QMessageBox.Cancel:
            return False
        if answer == QMessageBox.Save:
            return page.save()
        page.discard_changes()
        return True

    def _case_call(self, method: str) -> None:
        page = self.current_page()
        if page is self.case_page and page is not None:
            getattr(page, method)()
        else:
            self.statusBar().showMessage("Ouvrez d'abord un dossier.", 4000)

    def apply_changes(self, changes: Changes | None) -> None:
        """After a write: the views its Changes concern reload, at once if shown, else when next shown
        (views not built yet load fresh anyway). See gui/view_refresh.py for which views a change concerns."""
        if changes is None:
            return
        if changes.entity and changes.entity not in CASE_RECORDS:
            self.form_choices = None  # reference data or accounts: the case forms' lists read again
        for key, page in self.pages.built().items():
            if hasattr(page, "mark_stale") and view_concerned(key, changes.entity, changes.case_ids,
                                                              shown_case_ids(page)):
                page.mark_stale()

    def cases_changed(self, case_ids=()) -> None:
        """After a write whose Changes the caller did not keep: every view showing cases reloads."""
        self.apply_changes(Changes(case_ids=set(case_ids)))

    # -- menu actions ----------------------------------------------------------------
    def new_case(self) -> None:
        from gui.new_case_dialog import NewCaseDialog

        dialog = NewCaseDialog(self.database, self.actor, self)
        if dialog.exec() and dialog.created_case_id is not None:
            self.apply_changes(Changes("case", dialog.created_case_id, {dialog.created_case_id}, created=True))
            self.open_case(dialog.created_case_id)

    def import_file(self) -> None:
        from gui.import_dialog import open_import_dialog

        open_import_dialog(self)

    def save_current(self) -> None:
        page = self.current_page()
        if hasattr(page, "save"):
            if page.save():
                self.statusBar().showMessage("Enregistré.", 3000)
        else:
            self.statusBar().showMessage("Rien à enregistrer dans cette vue.", 3000)

    def print_current(self) -> None:
        page = self.current_page()
        if hasattr(page, "print_current"):
            page.print_current()
        else:
            self.statusBar().showMessage("Rien à imprimer dans cette vue.", 3000)

    def focus_search(self) -> None:
        page = self.current_page()
        if not hasattr(page, "focus_search"):
            self.show_view("dossiers")
            page = self.current_page()
        page.focus_search()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "À propos de Médiation Habitat",
            "<b>Médiation Habitat</b><br>Suivi de la médiation habitat du Contrat de Ville 2024-2030 "
            "de la Métropole Européenne de Lille.<br>Fonctionne entièrement hors ligne.",
        )

    # -- window state ------------------------------------------------------------------
    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._saved_splitter = settings.value("main_window/splitter")

    def showEvent(self, event):  # noqa: N802 - Qt API
        super().showEvent(event)
        watch_window(self)  # its input, even before a widget of it takes the focus
        # A splitter restored before it has a size keeps only its minimum: restore it once shown.
        if getattr(self, "_saved_splitter", None) is not None:
            self.splitter.restoreState(self._saved_splitter)
            self._saved_splitter = None
        if not hasattr(self, "_quiet"):
            from gui.workers import when_idle

            # Start-up built ~150,000 long-lived objects (mappers, modules, Qt wrappers): out of the garbage
            # collector's reach at once, or its full collections walk them all (65-120 ms each on a busy
            # machine) while the user types the first search. The case file's warm-up adds more: no collection
            # until it is done (a few seconds at most), then those are frozen too.
            gc.freeze()
            gc.disable()
            self.destroyed.connect(lambda *_args: gc.enable())  # a window closed before its warm-up ended
            when_idle(lambda: alive(self) and self._warm_up_case_file())  # once the first view's reads are done
            self._schedule_idle_start()

    def _schedule_idle_start(self) -> None:
        """Run _after_start once the window has been quiet for QUIET_MS (at most LATEST_MS after showing).

        Python runs one thread at a time: the rules running while the user sorts or opens a case
        made each of those twice as slow. Quiet = no input event and no background job started.
        """
        from gui.workers import on_job_started

        self._quiet = QTimer(self, singleShot=True, interval=QUIET_MS, timeout=self._after_start)
        self._quiet.start()
        QTimer.singleShot(LATEST_MS, self._after_start)
        quiet = self._quiet
        self._stop_listening = on_job_started(lambda: alive(quiet) and quiet.isActive() and quiet.start())
        self.destroyed.connect(self._stop_listening)  # a window closed before its quiet moment
        self._stop_watching_input = on_activity(self._input)
        self.destroyed.connect(self._stop_watching_input)

    def _input(self, kind) -> None:
        if kind in _INPUT_EVENTS and alive(self) and self._quiet.isActive():
            self._quiet.start()  # activity: wait again

    def _after_start(self) -> None:
        """Once quiet after start-up: start-up objects leave the garbage collector's reach and the reminder
        rules run in the pool."""
        if getattr(self, "_started", False) or not alive(self):
            return
        self._started = True
        self._quiet.stop()
        self._stop_listening()
        self._stop_watching_input()
        # Start-up builds ~1 million long-lived objects (mappers, modules, Qt wrappers); a full
        # collection walking them all blocked the window for 50-80 ms at a time.
        gc.freeze()
        self.refresh_reminders()

    def refresh_reminders(self) -> None:
        """Derive the échéances due today, then show them in Mes échéances and in the list's markers."""
        from core.reminders import refresh_reminders
        from gui.workers import run_in_background

        database, actor = self.database, self.actor

        def done(changes) -> None:
            if not alive(self):
                return
            self.case_list.mark_overdue_stale()
            self.apply_changes(changes)  # Mes échéances (and the figures) show the new ones

        run_in_background(lambda: refresh_reminders(database, actor), done,
                          on_error=lambda _info: None)  # a refused refresh (rights) leaves the queue as is

    def save_state(self) -> None:
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/splitter", self.splitter.saveState())
        for page in [*self.pages.built().values(), self.case_page]:
            if page is not None and hasattr(page, "save_state"):
                page.save_state(settings)

    def closeEvent(self, event):  # noqa: N802 - Qt API
        if not self._may_leave_case():
            event.ignore()
            return
        self.save_state()
        super().closeEvent(event)
