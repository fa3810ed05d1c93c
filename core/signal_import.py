"""Import of the « Signal Logement » export: every row read and classified first, then all or nothing.

New reports become cases; reports already imported (same platform reference)
are updated when the platform's « Dernière MAJ le » is newer than what was
imported, and skipped otherwise, so importing the same file twice changes
nothing. With dry_run nothing is written and the report says what would be.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy.orm import Session

from core import signal_logement as sl
from core.access import authorize
from core.actor import Actor
from core.audit import record_event
from core.formatting import fr_count
from core.imports import RowError, created_row, write_rejects
from core.progress import Progress, every
from core.signal_merge import update_cases
from core.signal_rows import Context, Report, read_report
from core.signal_write import create_cases, refresh
from db.engine import Database


def import_platform_rows(database: Database, actor: Actor, path: Path, header: list[str], rows: list[list],
                         recognition: sl.Recognition, report, dry_run: bool, skip_invalid: bool,
                         progress: Progress | None = None):
    """report: a core.imports.ImportReport, filled in and returned; a cancel rolls the whole import back."""
    progress = progress or Progress()
    report.format = sl.PLATFORM
    report.rows = len(rows)
    report.ignored_columns = list(recognition.ignored)
    report.recognised = (f"export {sl.PLATFORM} reconnu : {fr_count(len(recognition.columns), 'colonne')}, "
                         f"{fr_count(len(rows), 'signalement')}")
    missing = recognition.missing()
    if missing:
        report.errors = [RowError(1, name, f"colonne obligatoire de l'export {sl.PLATFORM} absente")
                         for name in missing]
        report.rows = 0
        return report
    with database.write() as session:
        authorize(session, actor, "import")
        reports = _read_all(session, recognition, rows, report, every(progress, len(rows), "Vérification des lignes"))
        valid = [r for r in reports if not r.errors]
        report.rejected = len(reports) - len(valid)
        if dry_run or (report.rejected and not skip_invalid):
            session.rollback()
            return report
        progress.update(0, 1, "Enregistrement des dossiers")
        _write(session, actor, valid, report)
        progress.update(1, 1, "Enregistrement des dossiers")
        record_event(session, actor, "import", "cases", "", {
            "fichier": path.name, "format": sl.PLATFORM, "lignes": report.rows, "nouveaux": report.imported,
            "mis_a_jour": report.updated, "inchanges": report.unchanged, "rejetees": report.rejected})
    if report.rejected:
        report.rejected_path = write_rejects(path, header, [(r.line, _reasons(r), r.raw) for r in reports
                                                            if r.errors])
    return report


def _read_all(session: Session, recognition: sl.Recognition, rows: list[list], report, tick) -> list[Report]:
    context = Context.load(session)
    seen: dict[str, int] = {}
    notices: Counter = Counter()
    results = []
    for line, raw in enumerate(rows, start=2):
        record = {name: raw[index] if index < len(raw) else None for index, name in recognition.columns.items()}
        result = read_report(session, context, line, record, raw)
        _classify(context, result, seen)
        report.errors += [RowError(line, column, message) for column, message in result.errors]
        if not result.errors:
            notices.update(result.notices)
            if result.action == "new":
                report.duplicates += [f"Ligne {line} : {text}" for text in context.lookups.duplicates_of(result.row)]
        results.append(result)
        tick(len(results))
    valid = [r for r in results if not r.errors]
    report.new = sum(1 for r in valid if r.action == "new")
    report.updated = sum(1 for r in valid if r.action == "update")
    report.unchanged = sum(1 for r in valid if r.action == "unchanged")
    report.notices = [f"{fr_count(count, 'signalement')} : {text}" for text, count in notices.most_common()]
    return results


def _classify(context: Context, result: Report, seen: dict[str, int]) -> None:
    reference = result.reference
    if reference is None:
        return
    if reference in seen:
        result.errors.append(("Référence", f"signalement {reference} déjà présent ligne {seen[reference]}"))
        return
    seen[reference] = result.line
    known = context.known.get(reference)
    if known is None:
        return
    result.case_id, imported_at = known
    newer = result.updated_at is not None and (imported_at is None or result.updated_at > imported_at)
    result.action = "update" if newer else "unchanged"


def _write(session: Session, actor: Actor, valid: list[Report], report) -> None:
    new = [r for r in valid if r.action == "new"]
    created = create_cases(session, actor, new, report.created_landlords) if new else []
    report.new_case_ids = [case_id for case_id, _ in created]
    report.references = [reference for _, reference in created]
    report.created = [created_row(case_id, reference, r.reference, r.row.household, r.row.dwelling)
                      for (case_id, reference), r in zip(created, new)]
    report.imported = len(new)
    updated = [result for result in valid if result.action == "update"]
    kept = update_cases(session, actor, updated, report.created_landlords) if updated else {}
    for result in updated:
        if kept.get(result.line):
            report.kept.append(f"Ligne {result.line} ({result.reference}) : conservé car modifié ici — "
                               + ", ".join(dict.fromkeys(kept[result.line])))
    refresh(session, [result.case_id for result in updated])


def _reasons(result: Report) -> str:
    return " ; ".join(f"{column} : {message}" for column, message in result.errors)
