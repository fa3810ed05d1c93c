"""A row of tools (title, filters, buttons) that wraps onto more lines when the window is narrow."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QLabel, QLayout, QWidget


class ToolRow(QLayout):
    """A row of tools that wraps onto more lines when the window is narrow (zoom, small screens).

    `addWidget(QLabel("Agent :"))` then `addWidget(field)` ties the caption to the field: the label becomes the
    field's buddy and gives it its accessible name; a button or check box gets an Alt+letter of its own (unique
    in the row, none of the menus' nor those of `reserved`, e.g. the tabs around it). `addStretch()` pushes
    what follows to the right.
    """

    def __init__(self, parent=None, reserved: str = "", mnemonics: bool = True):
        super().__init__(parent)
        self._gives_mnemonics = mnemonics  # False: the buttons have shortcuts of their own
        self.items: list = []
        self._caption: QLabel | None = None
        self._mnemonics: set[str] | None = None
        self._reserved = set(reserved)
        self._heights: dict[int, int] = {}  # height by width, until the layout is invalidated

    def invalidate(self) -> None:
        self._heights.clear()
        super().invalidate()

    def addWidget(self, widget: QWidget) -> None:  # noqa: N802 - Qt API
        from PySide6.QtWidgets import QAbstractButton

        from gui.forms import RESERVED_MNEMONICS, spoken_caption, with_mnemonic

        if self._caption is not None and widget.focusPolicy() != Qt.NoFocus and not widget.accessibleName():
            self._caption.setBuddy(widget)
            widget.setAccessibleName(spoken_caption(self._caption.text()))
        if self._gives_mnemonics and isinstance(widget, QAbstractButton) and widget.text() and "&" not in widget.text():
            if self._mnemonics is None:
                self._mnemonics = set(RESERVED_MNEMONICS) | self._reserved
            widget.setText(with_mnemonic(widget.text(), self._mnemonics))  # Alt+letter clicks it
        self._caption = widget if type(widget) is QLabel and widget.text().rstrip().endswith(":") else None
        super().addWidget(widget)

    def addStretch(self, _stretch: int = 0) -> None:  # noqa: N802 - Qt API
        self.items.append(None)  # a break: what follows goes right

    def addItem(self, item) -> None:  # noqa: N802 - Qt API
        self.items.append(item)

    def count(self) -> int:
        return len([item for item in self.items if item is not None])

    def itemAt(self, index: int):  # noqa: N802 - Qt API
        real = [item for item in self.items if item is not None]
        return real[index] if 0 <= index < len(real) else None

    def takeAt(self, index: int):  # noqa: N802 - Qt API
        real = [item for item in self.items if item is not None]
        if not 0 <= index < len(real):
            return None
        self.items.remove(real[index])
        return real[index]

    def expandingDirections(self):  # noqa: N802 - Qt API
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        # Asked many times per layout pass (each enclosing layout asks again): laying the row out in Python
        # each time took ~30 ms of every case opening.
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._place(QRect(0, 0, width, 0), move=False)
        return height

    def setGeometry(self, rect) -> None:  # noqa: N802 - Qt API
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self):  # noqa: N802 - Qt API
        return self.minimumSize()

    def minimumSize(self):  # noqa: N802 - Qt API
        size = QSize()
        for item in self.items:
            if item is not None:
                size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    @staticmethod
    def _hint(item, available: int) -> QSize:
        """An item's size; a wrapping label (a title) on one line when it fits, wrapped to the row otherwise
        (QLabel's own hint wraps it at an arbitrary width)."""
        label = item.widget()
        if not isinstance(label, QLabel) or not label.wordWrap() or label.textFormat() == Qt.RichText:
            return item.sizeHint()
        margins = label.contentsMargins()
        extra = margins.left() + margins.right() + 2 * label.margin() + 2
        width = min(label.fontMetrics().horizontalAdvance(label.text()) + extra, max(available, 1))
        return QSize(width, label.heightForWidth(width))

    def _place(self, rect, move: bool) -> int:
        """Lay the items out in lines within rect's width; returns the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        spacing = max(self.spacing(), 6)
        lines, line, width, right = [], [], 0, False
        for item in self.items:
            if item is None:
                line.append(None)
                right = True
                continue
            hint = self._hint(item, area.width())
            if line and [i for i in line if i is not None] and width + hint.width() > area.width():
                lines.append(line)
                line, width = ([None] if right else []), 0  # what went right stays right on the next line
            line.append(item)
            width += hint.width() + spacing
        lines.append(line)
        y = area.y()
        for line in lines:
            real = [item for item in line if item is not None]
            if not real:
                continue
            height = max(self._hint(item, area.width()).height() for item in real)
            if move:
                self._place_line(line, area, y, height, spacing)
            y += height + spacing
        return y - spacing - area.y() + margins.top() + margins.bottom()

    def _place_line(self, line, area, y, height, spacing) -> None:
        """Items before a stretch go left, those after it right (as in a QHBoxLayout)."""
        split = line.index(None) if None in line else len(line)
        left = [item for item in line[:split] if item is not None]
        right = [item for item in line[split:] if item is not None]
        x = area.x()
        for item in left:
            hint = self._hint(item, area.width())
            item.setGeometry(QRect(x, y + (height - hint.height()) // 2, min(hint.width(), area.width()), hint.height()))
            x += hint.width() + spacing
        x = area.right() + 1 - sum(self._hint(item, area.width()).width() + spacing for item in right) + spacing
        x = max(x, area.x())
        for item in right:
            hint = self._hint(item, area.width())
            item.setGeometry(QRect(x, y + (height - hint.height()) // 2, hint.width(), hint.height()))
            x += hint.width() + spacing
