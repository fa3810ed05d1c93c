"""Automatic backups: when to make one, which ones to keep, where they go.

- **When**: after changes, at most every 30 minutes, and when the application closes
  (`AutoBackup.due()` / `AutoBackup.on_close()`; the window calls them from a timer).
- **Which to keep**: `backups_to_keep`, a pure function (12 daily, 10 weekly,
  9 monthly, like Anki): newest first, a backup is kept if it is the first one seen
  of its day while daily slots remain, else of its ISO week while weekly slots
  remain, else of its month while monthly slots remain. A kept backup marks its day,
  week and month as covered, so the weekly ones reach back beyond the daily ones
  and the monthly ones beyond the weekly ones: about a year in 31 files.
- **Safety**: rotation runs only after a new backup was made AND verified; a
  damaged database therefore never pushes a good backup out. Nor does a base that
  shrank: a backup holding far more cases or journal entries than the new one (more
  than twice as many, or any when the new one has none) is never rotated out, and the
  user is warned (`BackupMade.warning`).
- **Where**: the setting `sauvegardes.dossier`, else a folder of the user's data directory.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from db import models as m
from core.access import can
from core.actor import Actor
from core.audit import record_event, write_anchor
from core.errors import PermissionDenied
from core.formatting import fr_count
from core.progress import Progress
from db.backup import (
    BACKUP_DIR_SETTING,
    BackupInfo,
    backup_database,
    backup_dir_for,
    backup_folders,
    connector,
    content_counts,
    delete_backup,
    last_verified_backup,
    list_backups,
    restore_database,
)
from db.engine import Database
from db.errors import BackupError, describe_error
from db.integrity import Connect, plain_connect
from db.open import prepare_database

log = logging.getLogger(__name__)
DAILY, WEEKLY, MONTHLY = 12, 10, 9
MIGRATION_BACKUPS_KEPT = 3
MIN_INTERVAL = timedelta(minutes=30)


def backups_to_keep(dates: list[datetime], daily: int = DAILY, weekly: int = WEEKLY,
                    monthly: int = MONTHLY) -> set[datetime]:
    """The backup dates rotation keeps (see the module docstring); the newest is always kept."""
    kept: set[datetime] = set()
    days, weeks, months = set(), set(), set()
    slots = {"daily": daily, "weekly": weekly, "monthly": monthly}
    for when in sorted(dates, reverse=True):
        day, week, month = when.date(), tuple(when.isocalendar()[:2]), (when.year, when.month)
        if day not in days and slots["daily"] > 0:
            slots["daily"] -= 1
        elif week not in weeks and slots["weekly"] > 0:
            slots["weekly"] -= 1
        elif month not in months and slots["monthly"] > 0:
            slots["monthly"] -= 1
        else:
            continue
        kept.add(when)
        days.add(day)
        weeks.add(week)
        months.add(month)
    return kept


@dataclass
class BackupMade:
    """A backup just made: where, what rotation removed, and a warning when the base shrank."""

    path: Path
    deleted: list[Path] = field(default_factory=list)
    warning: str = ""


def far_fewer(new: tuple[int, int] | None, old: tuple[int, int] | None) -> bool:
    """True when `new` holds under half the cases or journal entries of `old` (or none where `old` has some)."""
    if new is None or old is None:
        return False
    return any(before > 0 and (after == 0 or after * 2 < before) for after, before in zip(new, old))


def rotate(directory: Path, connect: Connect | None = None) -> list[Path]:
    """Delete the backups the policy no longer keeps; return them. Only verified backups count.

    A backup holding far more than the newest one (see `far_fewer`) is kept whatever the policy says.
    """
    backups = list_backups(directory)
    regular = [b for b in backups if b.kind == "auto" and b.verified]
    keep = backups_to_keep([b.made_at for b in regular])
    doomed = [b for b in regular if b.made_at not in keep]
    migration = [b for b in backups if b.kind == "migration"]
    doomed += migration[MIGRATION_BACKUPS_KEPT:]
    if doomed and regular:
        connect = connect or plain_connect
        newest = content_counts(regular[0].path, connect)
        doomed = [b for b in doomed if not far_fewer(newest, content_counts(b.path, connect))]
    for info in doomed:
        delete_backup(info.path)
    _remove_stale_partials(directory)
    return [info.path for info in doomed]


def _contents(counts: tuple[int, int]) -> str:
    """« 12 dossiers, 340 entrées de journal »."""
    return f"{fr_count(counts[0], 'dossier')}, {fr_count(counts[1], 'entrée de journal', 'entrées de journal')}"


def shrink_warning(made: Path, connect: Connect) -> str:
    """A French warning when the backup just made holds far fewer than the previous verified one."""
    previous = next((b for b in list_backups(made.parent) if b.path != made and b.verified), None)
    if previous is None:
        return ""
    new, old = content_counts(made, connect), content_counts(previous.path, connect)
    if not far_fewer(new, old):
        return ""
    return (f"La sauvegarde qui vient d'être faite ({made.name} : {_contents(new)}) contient beaucoup moins "
            f"que la précédente, du {previous.made_at:%d/%m/%Y à %H:%M} ({_contents(old)}). "
            "Les deux sont conservées : la rotation ne "
            "supprime aucune sauvegarde plus complète. Si ce n'est pas voulu (base vidée, mauvais fichier), "
            f"restaurez la sauvegarde du {previous.made_at:%d/%m/%Y à %H:%M} : menu Fichier › Sauvegardes…, ou "
            f"uv run main.py restore \"{previous.path}\".")


def _remove_stale_partials(directory: Path, older_than: timedelta = timedelta(hours=1)) -> None:
    """`.partiel` files left by a backup that was killed or failed (never a finished backup)."""
    limit = time.time() - older_than.total_seconds()
    for partial in Path(directory).glob("*.partiel"):
        try:
            if partial.stat().st_mtime < limit:
                partial.unlink()
        except OSError:
            pass


def human_size(size: int) -> str:
    """A file size the French way: « 12,4 Mo » (core.formatting.fr_size)."""
    from core.formatting import fr_size

    return fr_size(size)


def set_backup_folder(database: Database, folder: Path | None) -> None:
    """Choose the backup folder (None: back to the default one)."""
    with database.write() as session:
        setting = session.get(m.Setting, BACKUP_DIR_SETTING)
        if folder is None:
            if setting is not None:
                session.delete(setting)
            return
        folder = Path(folder).expanduser().absolute()
        folder.mkdir(parents=True, exist_ok=True)
        if setting is None:
            session.add(m.Setting(key=BACKUP_DIR_SETTING, value=str(folder)))
        else:
            setting.value = str(folder)


def _require(actor: Actor) -> None:
    if not can(actor, "backup.manage"):
        raise PermissionDenied("Votre rôle ne permet pas de gérer les sauvegardes (responsables et administrateurs).")


def make_backup(database: Database, actor: Actor, progress: Progress | None = None) -> BackupMade:
    """« Sauvegarder maintenant »: a verified backup, rotation, and an audit event (a copy of personal data).

    A cancel (`progress.cancel()`) during the copy leaves no file: the copy is written aside and renamed at the
    end."""
    _require(actor)
    made = make_checked_backup(database, progress)
    with database.write() as session:
        record_event(session, actor, "backup.create", "sauvegarde", made.path.name, {"fichier": str(made.path)})
    return made


def restore_backup(database: Database, actor: Actor, backup: Path, without_checksum: bool = False,
                   progress: Progress | None = None) -> Path | None:
    """Put `backup` in place of the open database; return where the replaced base was kept.

    The engine's connections are closed first, the swap is db.backup.restore_database
    (verified, atomic), then the restored base is brought to this version's schema.
    The caller (the window) must not keep sessions open across this call.
    """
    _require(actor)
    if database.path is None:
        raise BackupError("La restauration d'une sauvegarde concerne les bases SQLite ; une base PostgreSQL "
                          "se restaure sur le serveur (pg_restore).")
    if progress is not None:
        progress.update(0, 1, "Vérification de la sauvegarde")
    database.dispose()
    aside = restore_database(Path(backup), database.path, connector(database), without_checksum,
                             pages_step(progress, "Restauration de la sauvegarde"))
    database.dispose()
    prepare_database(database)
    with database.write() as session:
        record_event(session, actor, "backup.restore", "sauvegarde", Path(backup).name,
                     {"fichier": str(backup), "base_remplacee": str(aside) if aside else ""})
    renew_anchor(database)
    return aside


def renew_anchor(database: Database) -> None:
    """After a restore the trail legitimately went back in time: the anchor follows it."""
    try:
        write_anchor(database, backup_folder(database), force=True)
    except OSError as error:
        logging.getLogger(__name__).warning("Ancre du journal d'audit non écrite : %s", error)


def choose_backup_folder(database: Database, actor: Actor, folder: Path | None) -> None:
    _require(actor)
    set_backup_folder(database, folder)
    with database.write() as session:
        record_event(session, actor, "backup.folder", "sauvegarde", "", {"dossier": str(folder or "")})


def backup_folder(database: Database) -> Path:
    return backup_dir_for(database)


def backup_now(database: Database) -> tuple[Path, list[Path]]:
    """Make a verified backup in the backup folder, then rotate. Returns (backup, deleted)."""
    made = make_checked_backup(database)
    return made.path, made.deleted


def pages_step(progress: Progress | None, label: str):
    """db.backup's page callback, reported as one step of `progress` (None: no report)."""
    if progress is None:
        return None
    return lambda done, total: progress.update(done, total, label)


def make_checked_backup(database: Database, progress: Progress | None = None) -> BackupMade:
    """A verified backup in the backup folder, the audit anchor, then a rotation that never goes backwards."""
    path = backup_database(database, progress=pages_step(progress, "Copie de la base"))
    try:
        write_anchor(database, path.parent)
    except OSError as error:  # the backup itself is good: say it, do not fail it
        log.warning("Ancre du journal d'audit non écrite : %s", error)
    connect = connector(database)
    warning = shrink_warning(path, connect)
    if warning:
        log.warning("%s", warning)
    return BackupMade(path, rotate(path.parent, connect), warning)


def latest_backups(database: Database) -> list[BackupInfo]:
    return list_backups(backup_folder(database))


@dataclass
class AutoBackup:
    """Decides when the running application backs up: after changes, at most every 30 min, at close.

    `Database.write_count` grows at every committed write; a backup is due when it moved
    since the last backup and the last backup is at least `interval` old.
    """

    database: Database
    interval: timedelta = MIN_INTERVAL
    last_backup_at: datetime | None = None
    last_write_count: int = 0
    last_error: str = ""
    last_warning: str = ""  # the base shrank: see BackupMade.warning
    last_path: Path | None = None

    def __post_init__(self) -> None:
        self.last_write_count = self.database.write_count
        if self.last_backup_at is None:
            existing = [b for b in latest_backups(self.database) if b.kind == "auto"] if self.database.path else []
            self.last_backup_at = existing[0].made_at if existing else None

    def changed(self) -> bool:
        return self.database.write_count != self.last_write_count

    def due(self, now: datetime | None = None) -> bool:
        now = now or datetime.now()
        if self.database.path is None or not self.changed():
            return False
        return self.last_backup_at is None or now - self.last_backup_at >= self.interval

    def run(self, now: datetime | None = None) -> Path | None:
        """Back up now (whatever `due` says); on failure keep the French message and return None."""
        count = self.database.write_count
        started = time.perf_counter()
        try:
            made = make_checked_backup(self.database)
        except Exception as error:  # noqa: BLE001 - a failed backup must never stop the work
            self.last_error = describe_error(error, self.database)
            log.error("Sauvegarde automatique : %s", self.last_error)
            return None
        self.last_error, self.last_warning, self.last_path = "", made.warning, made.path
        self.last_backup_at = now or datetime.now()
        self.last_write_count = count
        log.info("Sauvegarde %s faite en %.1f s, %s par la rotation", made.path,
                 time.perf_counter() - started, fr_count(len(made.deleted), "retirée"))
        return made.path

    def maybe_run(self, now: datetime | None = None) -> Path | None:
        return self.run(now) if self.due(now) else None

    def on_close(self) -> Path | None:
        """At close: back up if anything changed since the last backup, whatever its age."""
        if self.database.path is None or not self.changed():
            return None
        return self.run()


def last_good_backup(database_path: Path, folder: Path | None = None, connect=None) -> BackupInfo | None:
    """The newest backup whose checksum and quick check pass (for the start-up recovery offer)."""
    connect = connect or plain_connect
    return last_verified_backup(database_path, connect, [folder] if folder else backup_folders(database_path, connect))
