"""Import cases from a CSV or XLSX with the export's columns (teams leaving their spreadsheets).

Every row is checked before anything is written, with the same field rules
as the forms (core.services.fields); each problem is reported with its line
and column. Nothing is written when a row is invalid, unless skip_invalid:
then the valid rows are imported and the rejected ones are written to a file
with the reason. Likely duplicates of existing cases are reported.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from core.access import authorize
from core.actor import Actor
from core.audit import record_event
from core.errors import ValidationError
from core import fields as declared
from core.exports import BY_HEADER, DANGEROUS_START
from core.formatting import fr_count, fr_number
from core.import_rows import Lookups, RowResult, parse_row
from core.progress import Progress, every
from core.signal_write import Landlords
from core.signal_logement import recognise
from db import models as m
from db.base import now
from db.engine import Database
from db.search import fold, reindex_cases

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_ROWS = 200_000
REQUIRED = ("last_name", "street", "postcode", "commune", "tenure")
# Excel's « Texte Unicode » is a tab-separated UTF-16 .txt file.
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f", colonne « {self.column} »" if self.column else ""
        return f"Ligne {self.line}{where} : {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    created_landlords: list[str] = field(default_factory=list)
    rejected_path: Path | None = None
    dry_run: bool = False
    references: list[str] = field(default_factory=list)
    format: str = "tableur"
    recognised: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    notices: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    new_case_ids: list[int] = field(default_factory=list)
    # The new cases, for the list shown after an import: {"_id", "reference", "external", "household", "address"}.
    created: list[dict] = field(default_factory=list)

    def summary(self) -> list[str]:
        """What the import found (or did), in French, one line per point; errors and warnings apart."""
        lines = [self.recognised[:1].upper() + self.recognised[1:] + "."] if self.recognised else []
        if self.ignored_columns:
            shown = ", ".join(f"« {c} »" for c in self.ignored_columns[:8])
            extra = len(self.ignored_columns) - 8
            more = f" et {fr_count(extra, 'autre')}" if extra > 0 else ""
            lines.append(fr_count(len(self.ignored_columns), "colonne sans équivalent ici, ignorée",
                                  "colonnes sans équivalent ici, ignorées") + f" : {shown}{more}.")
        if not self.rows:
            return lines
        future = self.dry_run or (self.rejected and not self.imported and not self.updated)
        if future:
            lines.append(fr_count(self.new, "nouveau dossier à créer", "nouveaux dossiers à créer") + ".")
        else:
            lines.append(fr_count(self.imported, "nouveau dossier créé", "nouveaux dossiers créés") + ".")
        if self.updated or self.unchanged:
            verb = "à mettre à jour" if future else "mis à jour"  # invariable
            updated = fr_count(self.updated, verb, verb)
            lines.append(fr_count(self.updated + self.unchanged, "signalement déjà connu", "signalements déjà connus")
                         + f" : {updated} (données plus récentes sur la plateforme), "
                         + fr_count(self.unchanged, "inchangé, ignoré", "inchangés, ignorés") + ".")
        if self.rejected:
            lines.append(fr_count(self.rejected, "ligne invalide", "lignes invalides")
                         + f" sur {fr_number(self.rows)} (détail ci-dessous).")
        lines += self.notices
        return lines


def read_table(path: Path) -> tuple[list[str], list[list]]:
    """Header and rows of a CSV or XLSX; refuses oversized or malformed files with a French message."""
    if not path.is_file():
        raise ValidationError(f"Fichier introuvable : « {path} ».", field="fichier")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValidationError(f"Fichier trop volumineux ({size // (1024 * 1024)} Mo ; au plus "
                              f"{MAX_FILE_BYTES // (1024 * 1024)} Mo).", field="fichier")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        rows = _read_csv(path)
    elif suffix == ".xlsx":
        rows = _read_xlsx(path)
    else:
        raise ValidationError(f"Format non reconnu « {suffix or path.name} » : fichier .csv ou .xlsx attendu.",
                              field="fichier")
    if not rows:
        raise ValidationError(f"« {path.name} » est vide.", field="fichier")
    if len(rows) == 1:
        raise ValidationError(f"« {path.name} » : aucune ligne à importer (le fichier ne contient que la ligne "
                              "d'en-tête).", field="fichier")
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError(f"Trop de lignes ({len(rows) - 1} ; au plus {MAX_ROWS}).", field="fichier")
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    return header, rows[1:]


def _read_csv(path: Path) -> list[list]:
    content = _decode(path.read_bytes())
    if "\x00" in content:
        raise ValidationError(f"« {path.name} » : fichier CSV illisible (contenu binaire).", field="fichier")
    first = content.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count) if any(c in first for c in ";,\t") else ";"
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        return [row for row in reader if any(row)]
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise ValidationError(
                f"« {path.name} », ligne {reader.line_num} : une cellule dépasse {csv.field_size_limit() // 1024} Ko ; "
                "un guillemet n'est sans doute pas refermé.", field="fichier") from None
        raise ValidationError(f"« {path.name} » : fichier CSV mal formé vers la ligne {reader.line_num} "
                              "(guillemets ou fin de ligne inattendus).", field="fichier") from None


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel « Texte Unicode »), else Windows-1252 (older Excel CSV)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_xlsx(path: Path) -> list[list]:
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # never parse spreadsheet XML without the defused parser
        raise ValidationError("Lecture XLSX indisponible : le module defusedxml manque.", field="fichier")
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise ValidationError("Fichier XLSX refusé : son contenu décompressé est démesuré.", field="fichier")
            _refuse_dtd(archive)
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = []
            for row in sheet.iter_rows(values_only=True):
                if any(cell not in (None, "") for cell in row):
                    rows.append(list(row))
                if len(rows) > MAX_ROWS + 1:
                    break
            return rows
        finally:
            workbook.close()
    except ValidationError:
        raise
    except zipfile.BadZipFile:
        raise ValidationError(f"« {path.name} » : classeur XLSX illisible ou mal formé (ce n'est pas une archive "
                              "Excel valide ; enregistrez-le de nouveau depuis le tableur).", field="fichier") from None
    except Exception:  # XML (defusedxml refusals included), openpyxl: all mean "unreadable"
        raise ValidationError(f"« {path.name} » : classeur XLSX illisible ou mal formé.", field="fichier") from None


def _refuse_dtd(archive: zipfile.ZipFile) -> None:
    """Office Open XML never needs a DTD: any DOCTYPE or ENTITY is an attack (entity expansion, XXE)."""
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        tail = b""
        with archive.open(info) as member:
            while chunk := member.read(1 << 20):
                window = tail + chunk
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    raise ValidationError(f"Fichier XLSX refusé : déclaration DTD interdite dans « {info.filename} ».",
                                          field="fichier")
                tail = chunk[-16:]


def map_header(header: list[str]) -> tuple[dict[int, str], list[RowError]]:
    folded = {fold(h): c.key for h, c in BY_HEADER.items() if not c.computed}
    folded |= {fold(alias): f.export_key for f in declared.ALL for alias in f.import_aliases}  # older headers
    computed = {fold(h) for h, c in BY_HEADER.items() if c.computed}
    mapping, errors = {}, []
    for index, name in enumerate(header):
        key = folded.get(fold(name))
        if key:
            mapping[index] = key
        elif fold(name) not in computed and name:
            errors.append(RowError(1, name, "colonne inconnue (elle serait ignorée : vérifiez son nom)"))
    present = set(mapping.values())
    labels = {c.key: c.header for c in BY_HEADER.values()}
    for key in REQUIRED:
        if key not in present:
            errors.append(RowError(1, labels[key], "colonne obligatoire absente"))
    return mapping, errors


def unescape(value):
    """Undo the export's formula escaping: a leading apostrophe before = + - @."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in DANGEROUS_START:
        return value[1:]
    return value


def import_cases(database: Database, actor: Actor, path: str | os.PathLike, dry_run: bool = False,
                 skip_invalid: bool = False, progress: Progress | None = None) -> ImportReport:
    """Check every row, then write them all in one transaction; `progress.cancel()` rolls it all back."""
    progress = progress or Progress()
    path = Path(path)
    report = ImportReport(dry_run=dry_run)
    with database.session() as session:
        authorize(session, actor, "import")
    progress.update(0, 1, "Lecture du fichier")
    header, rows = read_table(path)
    progress.update(1, 1, "Lecture du fichier")
    recognition = recognise(header, set(BY_HEADER))
    if recognition is not None:
        from core.signal_import import import_platform_rows

        return import_platform_rows(database, actor, path, header, rows, recognition, report, dry_run, skip_invalid,
                                    progress)
    mapping, header_errors = map_header(header)
    if any(e.message.startswith("colonne obligatoire") for e in header_errors):
        report.errors = header_errors
        return report
    report.rows = len(rows)
    with database.write() as session:
        authorize(session, actor, "import")
        results = _validate(session, mapping, rows, report, progress)
        valid = [r for r in results if not r.errors]
        report.rejected = len(results) - len(valid)
        report.new = len(valid)
        if dry_run or (report.rejected and not skip_invalid):
            session.rollback()
            return report
        report.imported = _write(session, actor, valid, report, progress)
        record_event(session, actor, "import", "cases", "", {
            "fichier": path.name, "lignes": report.rows, "importees": report.imported, "rejetees": report.rejected,
            "doublons_probables": len(report.duplicates)})
    if report.rejected:
        report.rejected_path = write_rejects(path, header, [
            (r.line, " ; ".join(f"{_header(key)} : {message}" for key, message in r.errors), r.raw)
            for r in results if r.errors])
    return report


def _validate(session: Session, mapping: dict[int, str], rows: list[list], report: ImportReport,
              progress: Progress) -> list[RowResult]:
    lookups = Lookups.load(session)
    tick = every(progress, len(rows), "Vérification des lignes")
    results = []
    seen_references: dict[str, int] = {}
    for number, raw in enumerate(rows, start=2):
        values = {key: unescape(raw[index]) if index < len(raw) else None for index, key in mapping.items()}
        result = parse_row(session, lookups, number, values, raw)
        reference = result.case.get("reference")
        if reference:
            if reference in seen_references:
                result.errors.append(("reference", f"référence déjà utilisée ligne {seen_references[reference]}"))
            seen_references.setdefault(reference, number)
        report.errors += [RowError(number, _header(key), message) for key, message in result.errors]
        if not result.errors:
            report.duplicates += [f"Ligne {number} : {text}" for text in lookups.duplicates_of(result)]
        results.append(result)
        tick(len(results))
    return results


def _header(key: str) -> str:
    for column in BY_HEADER.values():
        if column.key == key:
            return column.header
    return key


def _write(session: Session, actor: Actor, rows: list[RowResult], report: ImportReport, progress: Progress) -> int:
    landlords = Landlords(session)
    tick = every(progress, len(rows), "Enregistrement des dossiers")
    ids = []
    stamp = now()
    for row in rows:
        dwelling, landlord, created = landlords.resolve(row.dwelling)
        if created:
            report.created_landlords.append(created)
        if landlord is not None:
            session.flush()
            dwelling["landlord_id"] = landlord.id
        household, place = m.Household(**row.household), m.Dwelling(**dwelling)
        session.add_all([household, place])
        session.flush()
        case_values = dict(row.case)
        reference = case_values.pop("reference", None) or _next_reference(session, case_values["opened_on"].year)
        case = m.Case(reference=reference, household_id=household.id, dwelling_id=place.id,
                      last_activity_at=stamp, **case_values)
        session.add(case)
        session.flush()
        session.add_all([m.CaseKindLink(case_id=case.id, kind_code=k) for k in row.kinds])
        session.add_all([m.CaseObjective(case_id=case.id, objective_id=o) for o in row.objectives])
        session.add(m.JournalEntry(case_id=case.id, kind="note", text="Dossier importé d'un tableur.",
                                   author_id=actor.user_id, occurred_at=stamp))
        ids.append(case.id)
        report.references.append(reference)
        report.created.append(created_row(case.id, reference, "", row.household, row.dwelling))
        tick(len(ids))
    session.flush()
    progress.update(0, 1, "Index de recherche")
    reindex_cases(session, ids)
    progress.update(1, 1, "Index de recherche")
    report.new_case_ids = ids
    return len(ids)


def created_row(case_id: int, reference: str, external: str, household: dict, dwelling: dict) -> dict:
    name = f"{str(household.get('last_name', '')).upper()} {household.get('first_name', '')}".strip()
    address = " ".join(str(dwelling.get(k) or "") for k in ("street_number", "street", "postcode")).split()
    return {"_id": case_id, "reference": reference, "external": external, "household": name,
            "address": " ".join(address)}


def _next_reference(session: Session, year: int) -> str:
    from core.services.cases import next_reference

    return next_reference(session, year)


def write_rejects(path: Path, header: list[str], rejected: list[tuple[int, str, list]]) -> Path:
    """FICHIER.rejets.csv: line, reasons, then the rejected row as it was, ready to fix and import again."""
    target = path.with_name(f"{path.stem}.rejets.csv")
    with open(target, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Ligne", "Motif du rejet"] + header)
        for line, reasons, raw in rejected:
            writer.writerow([line, reasons] + ["" if c is None else _cell(c) for c in raw])
    return target


def _cell(value) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return "'" + text if text[:1] in DANGEROUS_START else text

