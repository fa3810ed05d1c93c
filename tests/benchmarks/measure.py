"""Small timing helpers: repeated runs, median and p95, a result table."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Figure:
    name: str
    samples: list[float]  # seconds
    target: float | None = None  # seconds, or None
    floor: list[float] = field(default_factory=list)
    unit: str = "s"
    note: str = ""
    ratio_target: float | None = None  # at most this many times the floor


    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor) if self.floor else None

    @property
    def ratio(self) -> float | None:
        floor = self.floor_median
        return self.median / floor if floor else None

    @property
    def checked_value(self) -> float:
        """Targets on search are p95; the others are medians."""
        return self.p95 if "p95" in self.note else self.median

    @property
    def ok(self) -> bool | None:
        verdicts = []
        if self.target is not None:
            verdicts.append(self.checked_value <= self.target)
        if self.ratio_target is not None and self.ratio is not None:
            verdicts.append(self.ratio <= self.ratio_target)
        return all(verdicts) if verdicts else None

    def as_dict(self) -> dict:
        return {"name": self.name, "median": self.median, "p95": self.p95, "samples": self.samples,
                "target": self.target, "floor_median": self.floor_median, "ratio": self.ratio, "unit": self.unit,
                "ratio_target": self.ratio_target, "ok": self.ok, "note": self.note}


def timed(function, repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:.0f} Mo"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def table(figures: list[Figure]) -> str:
    header = ("Mesure", "médiane", "p95", "plancher", "ratio", "cible", "")
    rows = [header]
    for f in figures:
        ratio = f"{f.ratio:.2f}×" if f.ratio else "—"
        verdict = {True: "ok", False: "MANQUÉ", None: ""}[f.ok]
        target = " et ".join(part for part in (fmt(f.target, f.unit) if f.target is not None else "",
                                               f"≤ {f.ratio_target:g}× plancher" if f.ratio_target else "") if part)
        rows.append((f.name, fmt(f.median, f.unit), fmt(f.p95, f.unit), fmt(f.floor_median, f.unit), ratio,
                     target or "—", verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def wait_until(app, condition, timeout: float = 30.0) -> None:
    """Turn the Qt event loop until condition() holds (the window probes and the GUI profiler)."""
    deadline = time.perf_counter() + timeout
    while not condition():
        app.processEvents()
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.001)
