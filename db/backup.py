"""Live copies of a SQLite database, made with the backup API (never a file copy), and restores.

Every backup is written to a ``.partiel`` file, checked, fsynced, given a SHA-256
sidecar (``.sha256``) and only then renamed into place: a backup that exists under
its final name was verified when it was made, and any later change of its bytes
(bad disk, flipped bits) shows as a checksum mismatch.

All functions take a `connect(path, read_only)` factory returning a DB-API
connection (sqlite3 by default). An encrypted database passes a factory that
applies its key (SQLCipher): its backups then stay encrypted with the same key.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from db.engine import Database, data_dir, default_database_path
from db.errors import BackupError, ForeignDatabaseError, describe_error
from db.identity import classify, read_contents
from db.integrity import CheckReport, Connect, check_connection, check_file, plain_connect
from db.revisions import known_revisions

BACKUP_PREFIX = "sauvegarde-"
MIGRATION_PREFIX = "avant-migration-"
SUFFIX = ".sqlite3"
CHECKSUM_SUFFIX = ".sha256"
BACKUP_DIR_SETTING = "sauvegardes.dossier"
_NAME = re.compile(r"^(sauvegarde|avant-migration)-(\d{8}-\d{6})(?:-(\d+))?\.sqlite3$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime
    size: int
    kind: str  # "auto" or "migration"
    verified: bool  # has a checksum written after its check; `verify_backup` re-reads it

    @property
    def label(self) -> str:
        return "avant migration" if self.kind == "migration" else "sauvegarde"


def connector(database: Database) -> Connect:
    """The connection factory of a database (issue 7's encrypted databases provide their own)."""
    return getattr(database, "connect_file", None) or plain_connect


def default_backup_dir(database_path: Path | None = None) -> Path:
    """`<data>/sauvegardes` for the default database; a sub-folder per other file, so they never mix."""
    root = data_dir() / "sauvegardes"
    if database_path is None or Path(database_path) == default_database_path():
        return root
    path = Path(database_path).absolute()
    digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:8]
    return root / f"{path.stem}-{digest}"


def backup_dir_for(database: Database) -> Path:
    """The configured folder (setting `sauvegardes.dossier`), else the default one."""
    try:
        raw = database.engine.raw_connection()
        try:
            row = raw.driver_connection.execute(
                "SELECT value FROM settings WHERE key = ?", (BACKUP_DIR_SETTING,)).fetchone()
        finally:
            raw.close()
    except Exception:  # noqa: BLE001 - no settings table yet (fresh or old file)
        row = None
    if row and row[0].strip():
        return Path(row[0].strip()).expanduser()
    return default_backup_dir(database.path)


def backup_folders(database_path: Path, connect: Connect = plain_connect) -> list[Path]:
    """Where backups of a base may be: its configured folder (if its settings can be read) and the default one."""
    folders = []
    try:
        connection = connect(Path(database_path), True)
        try:
            row = connection.execute("SELECT value FROM settings WHERE key = ?", (BACKUP_DIR_SETTING,)).fetchone()
        finally:
            connection.close()
        if row and row[0].strip():
            folders.append(Path(row[0].strip()).expanduser())
    except Exception:  # noqa: BLE001 - damaged, foreign or encrypted without key: the default folder only
        pass
    default = default_backup_dir(database_path)
    if default not in folders:
        folders.append(default)
    return folders


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + CHECKSUM_SUFFIX)


Step = Callable[[int, int], None]  # (pages copied, pages in all); may raise to stop the copy
STEP_PAGES = 2048  # 8 MB a step with 4 kB pages: a few hundred reports for a large base


def copy_database(source: Path, target: Path, connect: Connect = plain_connect, full_check: bool = False,
                  progress: Step | None = None) -> Path:
    """Copy a live SQLite database to `target` atomically: backup API, check, fsync, checksum, rename.

    `progress(done, total)` is called as pages are copied; whatever it raises (the user's cancel) stops the
    copy, removes the partial file and reaches the caller unchanged."""
    target = Path(target)
    stopped: list[BaseException] = []
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partiel")
    partial.unlink(missing_ok=True)
    try:
        src = connect(Path(source), True)
        dst = connect(partial, False)
        try:
            _copy_pages(src, dst, progress, stopped)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            report = check_connection(dst, full_check)
        finally:
            dst.close()
            src.close()
        if not report.ok:
            raise BackupError("La base à sauvegarder est endommagée ; la copie a été écartée et les sauvegardes "
                              f"existantes sont conservées. Détail : {report.problems[0]}")
        _fsync_file(partial)
        _write_atomically(checksum_path(target), f"{sha256_of(partial)}  {target.name}\n")
        os.replace(partial, target)
        _fsync_dir(target.parent)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    except Exception as error:  # noqa: BLE001 - sqlite3/sqlcipher3/OSError all end here
        partial.unlink(missing_ok=True)
        if any(error is reason for reason in stopped):
            raise
        raise BackupError(f"Sauvegarde impossible : {describe_error(error)}") from error
    except BaseException:  # Ctrl+C on the command line: no partial file either
        partial.unlink(missing_ok=True)
        raise
    return target


def _copy_pages(src, dst, progress: Step | None, stopped: list[BaseException]) -> None:
    if progress is None:
        src.backup(dst)
        return

    def step(_status, remaining: int, total: int) -> None:
        try:
            progress(total - remaining, total)
        except BaseException as reason:
            stopped.append(reason)
            raise
    src.backup(dst, pages=STEP_PAGES, progress=step)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".partiel")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def quick_check(path: Path) -> str:
    """'ok' or the first problems found (kept for the first callers)."""
    report = check_file(path)
    return "ok" if report.ok else "; ".join(report.problems[:5])


def _require_sqlite(database: Database) -> Path:
    if database.path is None:
        raise BackupError("Les sauvegardes automatiques concernent les bases SQLite. Une base PostgreSQL se "
                          "sauvegarde sur le serveur (pg_dump), par son administrateur.")
    return database.path


def new_backup_path(directory: Path, prefix: str = BACKUP_PREFIX, when: datetime | None = None) -> Path:
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = directory / f"{prefix}{stamp}{SUFFIX}"
    number = 2
    while candidate.exists():
        candidate = directory / f"{prefix}{stamp}-{number}{SUFFIX}"
        number += 1
    return candidate


def backup_database(database: Database, target: Path | None = None, full_check: bool = False,
                    progress: Step | None = None) -> Path:
    """A verified backup of an open database, into `target` or a new file of its backup folder."""
    source = _require_sqlite(database)
    target = Path(target) if target else new_backup_path(backup_dir_for(database))
    return copy_database(source, target, connector(database), full_check, progress)


def backup_before_migration(database: Database, backup_dir: Path | None = None) -> Path:
    source = _require_sqlite(database)
    directory = Path(backup_dir) if backup_dir else backup_dir_for(database)
    return copy_database(source, new_backup_path(directory, MIGRATION_PREFIX), connector(database))


def list_backups(directory: Path) -> list[BackupInfo]:
    """The backups of a folder, newest first (files named by this module only)."""
    found = []
    if not Path(directory).is_dir():
        return found
    for path in Path(directory).iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        made_at = datetime.strptime(match.group(2), "%Y%m%d-%H%M%S")
        kind = "migration" if match.group(1) == "avant-migration" else "auto"
        info = BackupInfo(path, made_at, path.stat().st_size, kind, checksum_path(path).is_file())
        found.append((made_at, int(match.group(3) or 1), info))  # -2, -3…: later in the same second
    found.sort(key=lambda item: item[:2], reverse=True)
    return [info for *_key, info in found]


def delete_backup(path: Path) -> None:
    checksum_path(path).unlink(missing_ok=True)
    Path(path).unlink(missing_ok=True)


def verify_backup(path: Path, full: bool = True, connect: Connect = plain_connect, tick=None) -> CheckReport:
    """Checksum (when the file has one), integrity and that it is a Médiation Habitat base of a known version."""
    path = Path(path)
    problems = []
    sidecar = checksum_path(path)
    if path.is_file() and sidecar.is_file():
        expected = sidecar.read_text(encoding="utf-8").split()[:1]
        if expected != [sha256_of(path)]:
            problems.append("le fichier a changé depuis la sauvegarde (somme de contrôle différente) : "
                            "il est endommagé")
    report = check_file(path, full, connect, tick)
    report.problems = problems + report.problems
    if report.ok:
        report.problems += _application_problems(path, connect)
    return report


def _application_problems(path: Path, connect: Connect) -> list[str]:
    """Is it a Médiation Habitat base (db.identity) of a version we know?"""
    connection = connect(path, True)
    try:
        contents = read_contents(connection)
    finally:
        connection.close()
    try:
        kind = classify(contents, path.name)
    except ForeignDatabaseError:
        return ["ce fichier n'est pas une base Médiation Habitat"]
    if kind == "blank" or "cases" not in contents.tables:
        return ["ce fichier est une base vide, sans aucun dossier : ce n'est pas une sauvegarde de Médiation Habitat"]
    if contents.revision and contents.revision not in known_revisions():
        return ["cette sauvegarde vient d'une version plus récente de l'application"]
    return []


def restore_database(backup: Path, target: Path, connect: Connect = plain_connect,
                     without_checksum: bool = False, progress: Step | None = None) -> Path | None:
    """Replace the database file `target` by `backup`; return where the replaced base was kept.

    Symbolic links are followed: the real file is replaced, the link stays. The backup
    is verified (a backup without its `.sha256` only when `without_checksum`, after the
    user confirmed), copied next to the target (same file system) and checked again; the
    current base is kept aside (hard link, with its -wal) and the new file takes its name
    with one atomic rename. The caller makes sure no one uses `target` (db.instance_lock).
    """
    backup, target = Path(backup), Path(os.path.realpath(Path(target).expanduser()))
    if not checksum_path(backup).is_file() and not without_checksum:
        raise MissingChecksumError(
            f"La sauvegarde « {backup.name} » n'a pas de somme de contrôle (« {checksum_path(backup).name} ») : "
            "rien ne prouve qu'elle est intacte depuis qu'elle a été faite. Confirmez pour la restaurer quand même "
            "(en ligne de commande : restore --sans-somme). La base actuelle n'a pas été touchée.")
    report = verify_backup(backup, True, connect)
    if not report.ok:
        raise BackupError(f"Restauration refusée : la sauvegarde « {backup.name} » est inutilisable ("
                          + "; ".join(report.problems[:3]) + "). La base actuelle n'a pas été touchée.")
    incoming = target.with_name(target.name + ".restauration")
    copy_database(backup, incoming, connect, full_check=True, progress=progress)
    checksum_path(incoming).unlink(missing_ok=True)
    aside = None
    if target.exists():
        aside = target.with_name(f"{target.stem}-remplacee-{datetime.now():%Y%m%d-%H%M%S}{target.suffix}")
        _checkpoint(target, connect)
        _keep_aside(target, aside)
    os.replace(incoming, target)
    _fsync_dir(target.parent)
    return aside


class MissingChecksumError(BackupError):
    """A backup without its .sha256: restored only after the user confirmed."""


def _keep_aside(target: Path, aside: Path) -> None:
    """Keep the replaced base under another name, without opening it outside SQLite."""
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{target}{suffix}")
        if extra.exists():
            os.replace(extra, Path(f"{aside}{suffix}"))
    try:
        os.link(target, aside)  # the target keeps existing until the rename that replaces it
    except OSError:  # no hard links here (FAT, some network disks): a rename, a moment without base
        os.replace(target, aside)


def _checkpoint(target: Path, connect: Connect) -> None:
    """Fold the -wal into the file so the copy kept aside is whole (best effort on a damaged base)."""
    try:
        connection = connect(target, False)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    except Exception:  # noqa: BLE001 - a damaged base is kept aside as it is, with its -wal
        pass



def content_counts(path: Path, connect: Connect = plain_connect) -> tuple[int, int] | None:
    """(cases, journal entries) held by a backup, or None when it cannot be read."""
    try:
        connection = connect(Path(path), True)
        try:
            return tuple(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                         for table in ("cases", "journal_entries"))
        finally:
            connection.close()
    except Exception:  # noqa: BLE001 - sqlite3 and sqlcipher3 errors alike: unknown content
        return None


def last_verified_backup(database_path: Path, connect: Connect = plain_connect,
                         folders: list[Path] | None = None) -> BackupInfo | None:
    """The newest backup of a base whose checksum and quick check pass (its default folder unless told)."""
    for folder in folders or [default_backup_dir(database_path)]:
        for info in list_backups(folder):
            if info.verified and verify_backup(info.path, False, connect).ok:
                return info
    return None


def damaged_message(path: Path, problems: list[str], connect: Connect = plain_connect,
                    folders: list[Path] | None = None) -> str:
    """« base endommagée »: what was found, that nothing was written, and the last verified backup."""
    found = "; ".join(problems[:3])
    text = (f"La base « {path} » est endommagée ({found}). La commande a été arrêtée : rien n'y a été écrit. ")
    latest = last_verified_backup(path, connect, folders)
    if latest is None:
        where = ", ".join(f"« {folder} »" for folder in (folders or [default_backup_dir(path)]))
        return text + (f"Aucune sauvegarde vérifiée n'a été trouvée dans {where} : faites réparer le fichier, ou "
                       "restaurez une sauvegarde que vous avez ailleurs (uv run main.py --db BASE restore FICHIER).")
    return text + (f"Dernière sauvegarde vérifiée : « {latest.path} » du {latest.made_at:%d/%m/%Y à %H:%M}. "
                   f"Pour la remettre en place : uv run main.py --db \"{path}\" restore \"{latest.path}\" "
                   "(la base endommagée est gardée de côté), ou relancez l'application qui la proposera.")
