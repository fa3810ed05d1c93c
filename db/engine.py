"""Engines and sessions: a SQLite file by default, any SQLAlchemy URL otherwise.

SQLite is used the way its authors advise (see shared/design/reliability.md):
pragmas are set in a `connect` event, because `journal_mode` set inside a
transaction is silently ignored; write transactions begin IMMEDIATE so two
writers never deadlock halfway through a save.
"""
from __future__ import annotations

import os
import sqlite3
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session

from db.errors import DamagedDatabaseError, DatabaseOpenError, NetworkShareError, is_corruption
from db.integrity import plain_connect

APP_NAME = "mediation-habitat"
APP_AUTHOR = "MEL"
DEFAULT_FILENAME = "mediation-habitat.sqlite3"
BUSY_TIMEOUT_MS = 10_000  # a busy 2-core laptop with another process writing: wait, do not fail
KNOWN_DIALECTS = {"sqlite", "postgresql"}
MOUNTS_FILE = Path("/proc/mounts")
# File systems where WAL's shared memory and POSIX locks are unreliable (SQLite FAQ, "WAL" docs).
NETWORK_FS = {"cifs", "smb", "smb2", "smb3", "smbfs", "nfs", "nfs4", "ncpfs", "afs", "9p", "fuse.sshfs",
              "sshfs", "davfs", "fuse.davfs2", "glusterfs", "fuse.glusterfs", "ceph", "fuse.ceph", "lustre",
              "webdav", "afpfs", "fuse.afpfs"}


DAMAGED_ENGINES: weakref.WeakSet = weakref.WeakSet()  # engines whose base SQLite reported corrupt


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def default_database_path() -> Path:
    return data_dir() / DEFAULT_FILENAME


def resolve_url(target: str | os.PathLike | None, writable: bool = True) -> URL:
    """Turn a path, a URL or nothing (the default file) into a SQLAlchemy URL."""
    if target is None:
        path = default_database_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        _refuse_network_share(str(path))  # e.g. a home directory mounted over NFS
        return URL.create("sqlite", database=str(path))
    text = os.fspath(target)
    if "://" in text:
        return _parse_url(text, writable)
    _refuse_network_share(text)
    return URL.create("sqlite", database=str(_checked_path(Path(text), writable)))


def _parse_url(text: str, writable: bool = True) -> URL:
    try:
        url = make_url(text)
    except ArgumentError:
        raise DatabaseOpenError(f"Adresse de base de données illisible : « {text} ».") from None
    if url.get_backend_name() not in KNOWN_DIALECTS:
        raise DatabaseOpenError(
            f"Type de base de données inconnu « {url.drivername} » : utilisez un chemin de fichier "
            "SQLite ou une adresse postgresql://."
        )
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        _refuse_network_share(url.database)
        url = url.set(database=str(_checked_path(Path(url.database), writable)))
    return url


def network_filesystem(path: str | os.PathLike, mounts_file: Path | None = None) -> str | None:
    """The network file system holding `path` ("cifs", "nfs4", "UNC"…), or None if local."""
    text = os.fspath(path)
    if text.upper().startswith("\\\\?\\UNC\\"):
        return "UNC"
    if text.startswith(("\\\\", "//")) and not text.startswith(("\\\\?\\", "\\\\.\\")):
        return "UNC"
    if os.name == "nt":
        return _windows_remote_drive(text)
    mounts = mounts_file or MOUNTS_FILE
    try:
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = os.path.realpath(os.path.expanduser(text))
    best, best_type = "", None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, best_type = point, fields[2]
    if best_type and (best_type.lower() in NETWORK_FS or best_type.lower().startswith(("nfs", "smb", "cifs"))):
        return best_type
    return None


def _windows_remote_drive(text: str) -> str | None:
    import ctypes

    drive = os.path.splitdrive(os.path.abspath(text))[0]
    if drive and ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4:  # DRIVE_REMOTE
        return "lecteur réseau"
    return None


def _refuse_network_share(text: str) -> None:
    kind = network_filesystem(text)
    if kind:
        raise NetworkShareError(
            f"La base « {text} » est sur un partage réseau ({kind}). Une base SQLite n'y est pas fiable : "
            "le verrouillage et le journal WAL ne fonctionnent pas correctement sur le réseau et le fichier "
            "peut être endommagé. Copiez la base sur le disque de ce poste ou, pour un bureau où plusieurs "
            "postes partagent les dossiers, utilisez une base PostgreSQL "
            "(--db postgresql://utilisateur@serveur/base)."
        )


def _checked_path(path: Path, writable: bool = True) -> Path:
    # Symbolic links are followed: SQLite names the -wal after the real file, and so do the lock and restore.
    path = Path(os.path.realpath(path.expanduser()))
    if path.is_dir():
        raise DatabaseOpenError(f"« {path} » est un dossier, pas un fichier de base de données.")
    if not path.parent.is_dir():
        raise DatabaseOpenError(f"Le dossier « {path.parent} » n'existe pas.")
    if path.exists():
        if not os.access(path, os.R_OK):
            raise DatabaseOpenError(f"Le fichier « {path} » ne peut pas être lu (droits insuffisants).")
        if writable and not os.access(path, os.W_OK):
            raise DatabaseOpenError(
                f"Le fichier « {path} » est en lecture seule : impossible d'y enregistrer quoi que ce soit."
            )
    elif not os.access(path.parent, os.W_OK):
        raise DatabaseOpenError(f"Impossible de créer la base dans « {path.parent} » (droits insuffisants).")
    return path


def make_engine(target: str | os.PathLike | URL | None = None, **kwargs) -> Engine:
    url = target if isinstance(target, URL) else resolve_url(target)
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ArgumentError) as error:
        raise DatabaseOpenError(f"Pilote de base de données indisponible : {error}") from None
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            f"busy_timeout = {BUSY_TIMEOUT_MS}",
            "journal_mode = WAL",
            "synchronous = FULL",
            "foreign_keys = ON",
            "secure_delete = ON",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()
        from db.search import fold_sql

        # The search index is folded by the same transliteration as the query (db/search.py).
        dbapi_connection.create_function("mh_fold", 1, fold_sql, deterministic=True)

    @event.listens_for(engine, "handle_error")
    def _on_error(context):
        if is_corruption(context.original_exception):
            DAMAGED_ENGINES.add(engine)  # Database.write refuses from now on

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """One database: its engine, a read session and a write transaction."""

    def __init__(self, target: str | os.PathLike | URL | None = None, read_only: bool = False, **engine_kwargs):
        """`read_only=True` opens a SQLite file so that SQLite itself refuses every write (checks, tests)."""
        if read_only:
            url = target if isinstance(target, URL) else resolve_url(target, writable=False)
            if url.get_backend_name() == "sqlite" and url.database:
                uri = f"file:{Path(url.database).as_posix()}?mode=ro"
                engine_kwargs["creator"] = lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
            target = url
        self.read_only = read_only
        self.engine = make_engine(target, **engine_kwargs)
        self._writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self.write_count = 0  # committed write transactions: automatic backups watch it

    @property
    def url(self) -> URL:
        return self.engine.url

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        if self.is_sqlite and self.url.database not in (None, "", ":memory:"):
            return Path(self.url.database)
        return None

    def describe(self) -> str:
        """What the status bar shows: the file, or the server without password."""
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=True)

    def session(self) -> Session:
        """A short read session (caller closes it, e.g. `with db.session() as s:`)."""
        return Session(self.engine, expire_on_commit=False)

    @property
    def damaged(self) -> bool:
        """True once SQLite reported corruption ("malformed", "not a database") on this base."""
        return self.engine in DAMAGED_ENGINES

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction, begun IMMEDIATE on SQLite; commits or rolls back whole.

        Refused once the base was found damaged: nothing is written after a corruption error.
        """
        if self.damaged:
            raise DamagedDatabaseError(
                f"La base « {self.describe()} » est endommagée : plus rien n'y est enregistré. Fermez "
                "l'application ; au prochain démarrage, la dernière sauvegarde vérifiée vous sera proposée.",
                self.path)
        with Session(self._writer, expire_on_commit=False) as session:
            with session.begin():
                yield session
        self.write_count += 1

    def connect_file(self, path: str | os.PathLike, read_only: bool = False):
        """A DB-API connection to another file of the same kind (backups, checks).

        An encrypted database overrides this to apply its key, so its backups stay encrypted.
        """
        return plain_connect(Path(path), read_only)

    def dispose(self) -> None:
        self.engine.dispose()
