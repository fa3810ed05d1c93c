"""Walk what a screen reader and a keyboard user meet on every view, case-file tab and dialog.

`problems(root, screen)` lists, as stable strings, each interactive control without an accessible name,
each table without a name, each cell whose colour or mark says something with no words behind it, each
table that Tab does not leave, and each form whose fields Tab visits out of reading order. tests/gui/test_accessibility.py asserts on them; run this module to print
the figures: `uv run python -m tests.gui.a11y_walk`.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAccessible, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QTreeView,
    QWidget,
)

INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit)
ROWS_SCANNED = 300


def interactive(widget: QWidget) -> bool:
    """A control a user reaches with Tab or acts on: buttons, fields, lists, tables, charts, tab bars."""
    if widget.focusPolicy() == Qt.NoFocus and not isinstance(widget, QAbstractButton):
        return False
    if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
        return False  # the editor inside an editable combo or a spin box: its parent is the control
    return isinstance(widget, (QAbstractButton, *INPUTS, QAbstractItemView, QGraphicsView, QTabBar))


def shown(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and QWidget.window(widget) is QWidget.window(root)


def buddies(root: QWidget) -> set[int]:
    return {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy() is not None}


def has_name(widget: QWidget, labelled: set[int]) -> bool:
    """Named by its own accessible name, a caption whose buddy it is, or (buttons) its text or tooltip.

    A drop-down's current value, a spin box's number or a placeholder is not a name: a screen reader would
    say « Habitant, liste déroulante » for the field « Origine ».
    """
    if widget.accessibleName().strip() or id(widget) in labelled:
        return True
    if isinstance(widget, QAbstractButton):
        return bool(widget.text().replace("&", "").strip() or widget.toolTip().strip())
    if isinstance(widget, QTabBar):
        return all(widget.tabText(i).strip() for i in range(widget.count()))
    return False


def describe(widget: QWidget) -> str:
    """A stable name for a control in a report: the attribute that holds it (Class.attr), else its text."""
    parent = widget.parent()
    while parent is not None:
        for attribute, value in vars(parent).items() if hasattr(parent, "__dict__") else ():
            if value is widget:
                return f"{type(parent).__name__}.{attribute}"
        parent = parent.parent()
    hint = ""
    if isinstance(widget, QComboBox):
        hint = widget.itemText(0)
    elif isinstance(widget, QAbstractButton):
        hint = widget.text() or widget.toolTip()
    elif isinstance(widget, QLineEdit):
        hint = widget.placeholderText()
    holder = widget.parent()
    while holder is not None and type(holder).__module__.startswith("PySide6"):
        holder = holder.parent()
    owner = type(holder).__name__ if holder is not None else "?"
    return f"{owner}>{type(widget).__name__}({hint})"


def status_without_words(view: QAbstractItemView) -> list[str]:
    """Cells whose colour or mark says something that no text role says (first ROWS_SCANNED rows of each
    level; a tree's branches too)."""
    model = view.model()
    if model is None:
        return []
    default = view.palette().color(view.foregroundRole()).name()
    header = getattr(view, "horizontalHeader", None) or getattr(view, "header", None)
    columns = header().count() if header is not None else 1
    found: set[str] = set()

    def scan(parent) -> None:
        for row in range(min(model.rowCount(parent), ROWS_SCANNED)):
            for column in range(columns):
                index = model.index(row, column, parent)
                foreground = index.data(Qt.ForegroundRole)
                colour = foreground.color() if isinstance(foreground, QBrush) else foreground
                coloured = isinstance(colour, QColor) and colour.name() != default
                marked = index.data(Qt.DecorationRole) is not None
                if (coloured or marked) and not (index.data(Qt.AccessibleDescriptionRole)
                                                  or index.data(Qt.AccessibleTextRole)):
                    found.add(str(model.headerData(column, Qt.Horizontal) or column))
            first = model.index(row, 0, parent)
            if isinstance(view, QTreeView) and model.hasChildren(first):
                scan(first)

    scan(QModelIndex())
    return sorted(found)


def tab_leaves(view: QAbstractItemView) -> bool:
    """Tab from inside the table moves the focus out of it (no keyboard trap)."""
    from PySide6.QtTest import QTest

    QWidget.window(view).activateWindow()
    view.setFocus(Qt.TabFocusReason)
    if view.model() is not None and view.model().rowCount():
        view.setCurrentIndex(view.model().index(0, 0))
    QTest.keyClick(view, Qt.Key_Tab)
    focus = QApplication.focusWidget()
    return not view.tabKeyNavigation() and focus is not view and not view.isAncestorOf(focus)


def active(window: QWidget) -> None:
    """Make the window the active one (Tab moves the focus only in the active window)."""
    from PySide6.QtCore import QDeadlineTimer

    window.activateWindow()
    deadline = QDeadlineTimer(1000)
    while not window.isActiveWindow() and not deadline.hasExpired():
        QApplication.processEvents()


def tab_order_problems(root: QWidget, screen: str) -> set[str]:
    """Forms (gui/forms.py) whose fields Tab does not visit in the order they are read, top to bottom.

    Tab is pressed from the first field as a keyboard user would, until every field was reached, the focus
    left the form or Tab stayed in a field (a trap).
    """
    from PySide6.QtTest import QTest

    from gui.forms import Form

    found: set[str] = set()
    for form in [root] * isinstance(root, Form) + root.findChildren(Form):
        reached = [(name, field) for name, field in form.fields.items() if shown(field, root) and field.isEnabled()
                   and field.focusPolicy() & Qt.TabFocus]
        if len(reached) < 2:
            continue
        active(QWidget.window(root))
        reached[0][1].setFocus(Qt.TabFocusReason)
        visited = [reached[0][0]]
        for _press in range(2 * len(reached)):
            QTest.keyClick(QApplication.focusWidget() or reached[0][1], Qt.Key_Tab)
            focus = QApplication.focusWidget()
            if focus is None or not form.isAncestorOf(focus):
                break
            name = next((name for name, field in reached if field is focus or field.isAncestorOf(focus)), None)
            if name is not None and name != visited[-1]:
                visited.append(name)
            if len(visited) == len(reached):
                break
        if visited != [name for name, _field in reached]:
            found.add(f"{screen} | ordre de tabulation | {describe(form)}: {', '.join(visited)}")
    return found


def problems(root: QWidget, screen: str, check_tab: bool = True) -> tuple[set[str], int, int]:
    """(problems as « screen | kind | control », interactive controls, named ones) of what root shows."""
    labelled = buddies(QWidget.window(root))
    found: set[str] = set()
    total = named = 0
    for widget in [root, *root.findChildren(QWidget)]:
        if not shown(widget, root) or not interactive(widget):
            continue
        total += 1
        if has_name(widget, labelled):
            named += 1
        else:
            kind = "table sans nom" if isinstance(widget, QAbstractItemView) else "contrôle sans nom"
            found.add(f"{screen} | {kind} | {describe(widget)}")
        if isinstance(widget, QAbstractItemView) and not isinstance(widget.parent(), QComboBox):
            for column in status_without_words(widget):
                found.add(f"{screen} | couleur seule | {describe(widget)} [{column}]")
            if check_tab and widget.isEnabled() and not tab_leaves(widget):
                found.add(f"{screen} | piège Tab | {describe(widget)}")
    found |= tab_order_problems(root, screen)
    return found, total, named


def accessible_name(widget: QWidget) -> str:
    """What Qt's accessibility interface says as the name (for reports)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Name) if interface is not None else ""
