"""Case list exports: CSV (UTF-8 with BOM, `;`, as French Excel expects) and XLSX.

Rows are read with one SQL query (no ORM objects: 100,000 rows must export
in seconds), then the computed columns are added in Python. Text cells that
a spreadsheet could run as a formula (= + - @, tab, carriage return) are
prefixed with an apostrophe; the import removes it again.
"""
from __future__ import annotations

import csv
import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterator, Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.access import authorize
from core.actor import Actor
from core import fields as declared
from core.audit import record_event
from core.errors import ValidationError
from core.pdf.checks import energy_verdict, suroccupation_verdict
from core.progress import Progress, every
from db.base import now
from db.engine import Database
from db.search import search_sql
from db.vocab import CASE_STATUSES


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    computed: bool = False


# Case columns no form edits (set by the workflow, or lists), placed among the declared case fields.
_CASE_EXTRAS = {"kinds": "Types", "status": "Statut", "closed_on": "Clos le", "closure_reason": "Motif de clôture",
                "objectives": "Objectifs"}
_CASE_LAYOUT = ("kinds", "source", "agent", "status", "priority", "opened_on", "closed_on", "closure_reason",
                "summary", "objectives")
_COMPUTED = (("qpv", "En QPV"), ("criticality", "Criticité"), ("suroccupation", "Suroccupation"),
             ("energy_decency", "Décence énergétique"), ("idle_days", "Jours depuis la dernière activité"))


def _columns() -> list[Column]:
    """Reference, the declared fields (household, dwelling, case) as core.fields says, the computed columns."""
    case_layout = list(_CASE_LAYOUT)
    case_layout[-1:-1] = [f.export_key for f in declared.CASE if f.export_key not in case_layout]
    case = [Column(k, declared.BY_COLUMN[k].export_header if k in declared.BY_COLUMN else _CASE_EXTRAS[k])
            for k in case_layout]
    return ([Column("reference", "Référence")]
            + [Column(f.export_key, f.export_header) for f in declared.HOUSEHOLD + declared.DWELLING]
            + case + [Column(k, h, computed=True) for k, h in _COMPUTED])


COLUMNS = _columns()
BY_KEY = {c.key: c for c in COLUMNS}
BY_HEADER = {c.header: c for c in COLUMNS}
DEFAULT_COLUMNS = [c.key for c in COLUMNS]
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
BOOLEAN_KEYS = {f.export_key for f in declared.ALL if f.kind == "flag"} | {"qpv"}
DATE_KEYS = {f.export_key for f in declared.ALL if f.kind == "date"} | {"closed_on"}
# Choice fields are exported by their French label (« Locataire parc social »); the import reads both.
_CHOICE_LABELS = {f.export_key: f.choices for f in declared.ALL
                  if f.kind == "choice" and any(code != text for code, text in f.choices.items())}
_PART_ALIAS = {"household": "h", "dwelling": "d", "case": "c"}
_EXTRA_SQL = {"reference": "c.reference", "status": "c.status", "closed_on": "c.closed_on",
              "closure_reason": "cr.label", "qpv": "n.is_qpv", "criticality": "c.criticality",
              "last_activity_at": "c.last_activity_at"}


def _select_list() -> list[tuple[str, str]]:
    """(record key, SQL expression) for every column the query reads, in the order of COLUMNS."""
    selected = [("id", "c.id")]
    for column in COLUMNS:
        field_ = declared.BY_COLUMN.get(column.key)
        if field_ is not None:
            selected.append((column.key, field_.export_sql or f"{_PART_ALIAS[field_.part]}.{field_.key}"))
        elif column.key in _EXTRA_SQL:
            selected.append((column.key, _EXTRA_SQL[column.key]))
    return selected + [("last_activity_at", _EXTRA_SQL["last_activity_at"])]


_SELECTED = _select_list()
_FLAG_KEYS = tuple(BOOLEAN_KEYS - {"qpv"})
_FIELDS = [key for key, _sql in _SELECTED]
_SQL = "SELECT " + ", ".join(sql for _key, sql in _SELECTED) + """
FROM cases c
JOIN households h ON h.id = c.household_id
JOIN dwellings d ON d.id = c.dwelling_id
JOIN communes co ON co.id = d.commune_id
LEFT JOIN neighbourhoods n ON n.id = d.neighbourhood_id
LEFT JOIN partners p ON p.id = d.landlord_id
LEFT JOIN ref_case_sources src ON src.code = c.source
LEFT JOIN users u ON u.id = c.agent_id
LEFT JOIN ref_closure_reasons cr ON cr.code = c.closure_reason
"""


@dataclass
class ExportFilter:
    text: str = ""
    statuses: tuple[str, ...] = ()
    neighbourhood: str | None = None
    commune: str | None = None
    objective: str | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    case_ids: Sequence[int] | None = None  # the GUI's current list

    def describe(self) -> dict:
        return {k: v for k, v in (("recherche", self.text), ("statuts", list(self.statuses)),
                                  ("quartier", self.neighbourhood), ("commune", self.commune),
                                  ("objectif", self.objective), ("du", self.opened_from), ("au", self.opened_to),
                                  ("liste", len(self.case_ids) if self.case_ids is not None else None)) if v}


@dataclass
class ExportReport:
    path: Path
    rows: int
    seconds: float
    columns: list[str] = field(default_factory=list)


def escape_cell(value: str) -> str:
    """Neutralise a text a spreadsheet would run as a formula (OWASP CSV injection)."""
    return "'" + value if value[:1] in _DANGER else value


def _where(session: Session, filters: ExportFilter) -> tuple[str, dict]:
    clauses, params = [], {}
    if filters.text.strip():
        found = search_sql(session, filters.text)
        if found is not None:
            clauses.append(f"c.id IN ({found[0]})")
            params.update(found[1])
    if filters.statuses:
        unknown = [s for s in filters.statuses if s not in CASE_STATUSES]
        if unknown:
            raise ValidationError(f"Statut inconnu : « {unknown[0]} » (valeurs : {', '.join(CASE_STATUSES)}).",
                                  field="statut")
        clauses.append("c.status IN (" + ", ".join(f":st{i}" for i in range(len(filters.statuses))) + ")")
        params.update({f"st{i}": s for i, s in enumerate(filters.statuses)})
    if filters.neighbourhood:
        clauses.append("lower(n.name) = lower(:nb)")
        params["nb"] = filters.neighbourhood.strip()
    if filters.commune:
        clauses.append("lower(co.name) = lower(:commune)")
        params["commune"] = filters.commune.strip()
    if filters.objective:
        clauses.append("c.id IN (SELECT co2.case_id FROM case_objectives co2 JOIN objectives o ON o.id = "
                       "co2.objective_id WHERE o.code = :objective)")
        params["objective"] = filters.objective.strip().upper()
    if filters.opened_from:
        clauses.append("c.opened_on >= :opened_from")
        params["opened_from"] = filters.opened_from.isoformat()
    if filters.opened_to:
        clauses.append("c.opened_on <= :opened_to")
        params["opened_to"] = filters.opened_to.isoformat()
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _grouped(session: Session, sql: str) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for case_id, value in session.execute(text(sql)).all():  # fetchall: far fewer calls than row by row
        grouped.setdefault(case_id, []).append(value)
    return grouped


def iter_records(session: Session, filters: ExportFilter = ExportFilter()) -> Iterator[dict]:
    """Every exported case as a dict of raw values (dates as date, booleans as bool), by reference."""
    where, params = _where(session, filters)
    kinds = _grouped(session, "SELECT l.case_id, k.label FROM case_kinds l JOIN ref_case_kinds k ON k.code = "
                              "l.kind_code ORDER BY k.position")
    objectives = _grouped(session, "SELECT co.case_id, o.code FROM case_objectives co JOIN objectives o ON "
                                   "o.id = co.objective_id ORDER BY o.position")
    wanted = set(filters.case_ids) if filters.case_ids is not None else None
    today = now().date()
    result = session.execute(text(_SQL + where + " ORDER BY c.reference"), params)
    # The driver's own rows, a batch at a time: a text() statement has no type conversion to apply, and
    # building a SQLAlchemy row for each of 100,000 cases cost ~1 s of the export.
    for row in _batches(result.cursor, 2000):
        if wanted is not None and row[0] not in wanted:
            continue
        record = dict(zip(_FIELDS, row))
        for key in DATE_KEYS:
            record[key] = _as_date(record[key])
        last = record.pop("last_activity_at")
        last_day = _as_date(last[:10] if isinstance(last, str) else last)
        persons = (record["adults"] or 0) + (record["children"] or 0)
        record.update(
            kinds=", ".join(kinds.get(record["id"], ())), objectives=", ".join(objectives.get(record["id"], ())),
            status=CASE_STATUSES.get(record["status"], ""),
            suroccupation=suroccupation_verdict(record["living_area_m2"], persons),
            energy_decency=energy_verdict(record["energy_kwh_m2_year"], record["dpe_class"], today),
            idle_days=(today - last_day).days if last_day else None,
            qpv=bool(record["qpv"]) if record["neighbourhood"] else None,
        )
        for key in _FLAG_KEYS:
            record[key] = bool(record[key])
        for key, labels in _CHOICE_LABELS.items():
            if record[key] is not None:
                record[key] = labels.get(record[key], record[key])
        yield record


def _batches(cursor, size: int):
    while batch := cursor.fetchmany(size):
        yield from batch


def _as_date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _text(value: str) -> str:
    return "'" + value if value[:1] in _DANGER else value


def _decimal(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


_DANGER = frozenset(DANGEROUS_START)
_CONVERT = {
    str: _text, bool: lambda v: "oui" if v else "non", int: str, float: _decimal,
    date: lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
}


def write_csv(records, columns: list[str], handle) -> int:
    writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([BY_KEY[k].header for k in columns])
    count = 0
    convert, empty = _CONVERT, ""
    for record in records:
        writer.writerow([empty if (v := record[k]) is None else convert.get(v.__class__, str)(v) for k in columns])
        count += 1
    return count


def write_xlsx(records, columns: list[str], path: Path) -> int:
    """XLSX via openpyxl's package with the rows streamed (see core/xlsx_rows.py for why and how)."""
    from core.xlsx_rows import write_rows

    def rows():
        for record in records:
            row = []
            for key in columns:
                value = record[key]
                kind = value.__class__
                if kind is str:
                    value = value or None  # an empty cell costs nothing; text cells are never formulas
                elif kind is bool:
                    value = "oui" if value else "non"
                row.append(value)
            yield row

    return write_rows(path, [BY_KEY[k].header for k in columns], rows())


def _count(session: Session, filters: ExportFilter) -> int:
    if filters.case_ids is not None:
        return len(filters.case_ids)
    where, params = _where(session, filters)
    return session.execute(text("SELECT COUNT(*) FROM (" + _SQL + where + ") AS listed"), params).scalar_one()


def _counted(records: Iterator[dict], progress: Progress, total: int) -> Iterator[dict]:
    tick = every(progress, total, "Écriture des dossiers")
    progress.update(0, total, "Écriture des dossiers")
    done = 0
    for done, record in enumerate(records, start=1):
        yield record
        tick(done)
    progress.update(done, done, "Écriture des dossiers")


FORMATS = ("csv", "xlsx")


def check_extension(path: Path, fmt: str) -> None:
    """A .xlsx file holding CSV (or the reverse) would not open: refused, naming both."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS and suffix != fmt:
        raise ValidationError(f"Le fichier « {path.name} » porte l'extension .{suffix} mais le format demandé est "
                              f"{fmt.upper()} : changez l'extension (.{fmt}) ou le format.", field="format")


def export_cases(database: Database, actor: Actor, path: str | os.PathLike, fmt: str,
                 columns: list[str] | None = None, filters: ExportFilter = ExportFilter(),
                 progress: Progress | None = None) -> ExportReport:
    """Write the filtered cases to `path` (csv or xlsx), audit it, and say how many rows.

    The rows go to a temporary file renamed at the end: a cancel (`progress.cancel()`) or a failure
    leaves no file behind."""
    progress = progress or Progress()
    columns = list(columns or DEFAULT_COLUMNS)
    unknown = [c for c in columns if c not in BY_KEY]
    if unknown:
        raise ValidationError(f"Colonne inconnue : « {unknown[0]} ».", field="colonnes")
    if fmt not in ("csv", "xlsx"):
        raise ValidationError(f"Format « {fmt} » inconnu : csv ou xlsx.", field="format")
    path = Path(path)
    check_extension(path, fmt)
    started = time.perf_counter()
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with database.session() as session:
            authorize(session, actor, "export")
            records = _counted(iter_records(session, filters), progress, _count(session, filters))
            if fmt == "csv":
                with open(temporary, "w", encoding="utf-8-sig", newline="") as handle:
                    count = write_csv(records, columns, handle)
            else:
                count = write_xlsx(records, columns, temporary)
    except BaseException:
        temporary.unlink(missing_ok=True)  # no half-written file left behind
        raise
    progress.check()  # the last chance to cancel: past here the file is in place
    with database.write() as session:
        record_event(session, actor, "export", "cases", "", {"format": fmt, "lignes": count, "colonnes": columns,
                                                             **filters.describe()})
    os.replace(temporary, path)
    return ExportReport(path, count, time.perf_counter() - started, columns)
