"""Open a base for use, safely.

1. Tell what the file is before anything touches it (db.identity): nothing at the path,
   a damaged file (empty, unreadable, zeros), an encrypted base, a plain SQLite file.
2. A new base is created only when the path does not exist and the command creates one;
   it is built under a temporary name and linked into place whole, so a kill never
   leaves a half-made base that would later pass for a new one.
3. A file that is not ours is refused before a single write; a damaged one stops with
   « base endommagée » and the last verified backup; a base with several names (hard
   links) is refused, as SQLite would give each name its own -wal.
4. Then migrate (with a backup first) and load the reference data.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError

from db.backup import backup_folders, damaged_message
from db.crypto import (
    PASSPHRASE_MIN_LENGTH,
    ask_passphrase,
    attach_connector,
    check_literal,
    key_connector,
    keyed_url,
    literal_for,
)
from db.engine import Database, resolve_url
from db.errors import (
    DamagedDatabaseError,
    DatabaseOpenError,
    NoDatabaseError,
    describe_error,
    is_corruption,
)
from db.identity import classify, probe_file, read_contents
from db.integrity import Connect, check_file, plain_connect
from db.migrate import head_revision, upgrade
from db.reference import ensure_reference_data, reference_data_current


def open_database(target: str | os.PathLike | URL | None = None, backup_dir: Path | None = None,
                  create: bool = True, quick_check: bool = False, passphrase: str | None = None) -> Database:
    """Return a ready database, or raise DatabaseOpenError (or a subclass) with a French message.

    `create`: make a new base when nothing is at the path (else « aucune base à cet endroit »).
    `quick_check`: run PRAGMA quick_check before anything is written (command-line tools).
    """
    path = sqlite_file(target)
    if path is None:
        return _ready(Database(target), backup_dir)
    probe = probe_file(path)
    if probe.kind == "absent":
        if not create:
            raise NoDatabaseError(
                f"Aucune base à cet endroit : « {path} » n'existe pas. Vérifiez le chemin donné à --db ; cette "
                "commande ne crée pas de base (l'application, « demo » et « import » en créent une).")
        return create_database(path, backup_dir, passphrase)
    refuse_hard_links(path)
    if probe.damaged:
        raise damaged(path, [probe.detail])
    literal = None
    if probe.kind == "encrypted":
        literal = literal_for(path, passphrase or ask_passphrase(path), probe.salt)
        check_literal(path, literal)
    connect = key_connector(literal) if literal else plain_connect
    if identify(path, connect) == "blank":
        raise damaged(path, ["le fichier est une base SQLite vide, sans aucune table (si c'est voulu, supprimez-le : "
                             "une base neuve sera créée à sa place)"], connect)
    if quick_check:
        report = check_file(path, False, lambda file, _read_only: connect(file, False))
        if not report.ok:
            raise damaged(path, report.problems, connect)
    return _ready(Database(keyed_url(path, literal) if literal else path), backup_dir)


def open_encrypted(path: str | os.PathLike, passphrase: str, backup_dir: Path | None = None) -> Database:
    """Open (creating it when absent) an encrypted database, migrated and ready."""
    if len(passphrase or "") < PASSPHRASE_MIN_LENGTH and not Path(path).exists():
        raise DatabaseOpenError(
            f"Phrase de passe trop courte : il faut au moins {PASSPHRASE_MIN_LENGTH} caractères pour chiffrer une base."
        )
    return open_database(path, backup_dir, passphrase=passphrase)


def sqlite_file(target) -> Path | None:
    """The SQLite file a target names (links resolved), or None for a server URL or an in-memory base."""
    if isinstance(target, URL):
        return None  # built by our own code (an encrypted base's keyed URL): already identified
    url = resolve_url(target)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database)
    return None


def identify(path: Path, connect: Connect = plain_connect) -> str:
    """db.identity.classify of the file, read through SQLite without writing; damage raises DamagedDatabaseError."""
    try:
        try:
            contents = _read(path, connect, True)
        except Exception as error:  # noqa: BLE001 - a read-only open may fail where a plain one replays a -wal
            if is_corruption(error):
                raise
            contents = _read(path, connect, False)
    except Exception as error:  # noqa: BLE001 - sqlite3 and sqlcipher3 alike
        if is_corruption(error):
            raise damaged(path, [describe_error(error)], connect) from None
        raise DatabaseOpenError(f"Impossible de lire la base « {path} » : {describe_error(error)}") from None
    return classify(contents, path)


def _read(path: Path, connect: Connect, read_only: bool):
    connection = connect(path, read_only)
    try:
        return read_contents(connection)
    finally:
        connection.close()


def refuse_hard_links(path: Path) -> None:
    links = os.stat(path).st_nlink
    if links > 1:
        raise DatabaseOpenError(
            f"La base « {path} » porte {links} noms (liens physiques) : ouverte sous deux noms, SQLite tiendrait "
            "deux journaux (-wal) distincts et l'endommagerait. Gardez un seul nom : supprimez les autres liens "
            "(par exemple un fichier « …-remplacee-… » laissé par une restauration interrompue, qui en est une "
            "copie).")


def damaged(path: Path, problems: list[str], connect: Connect = plain_connect) -> DamagedDatabaseError:
    message = damaged_message(path, problems, connect, backup_folders(path, connect))
    return DamagedDatabaseError(message, path, problems)


def create_database(path: Path, backup_dir: Path | None = None, passphrase: str | None = None) -> Database:
    """A new base at `path`, made whole under a temporary name then linked into place (never over a file)."""
    temporary = path.with_name(f".{path.name}.creation-{os.getpid()}")
    _remove_with_journal(temporary)
    literal = literal_for(temporary, passphrase) if passphrase else None
    database = Database(keyed_url(temporary, literal) if literal else temporary)
    try:
        attach_connector(database)
        prepare_database(database, backup_dir)
    except SQLAlchemyDatabaseError as error:
        raise DatabaseOpenError(describe_error(error, database)) from None
    finally:
        database.dispose()  # the last connection folds the -wal into the file
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process created it meanwhile: open theirs
    except OSError:  # no hard links on this file system (FAT…): a rename, refused over an existing file
        if not path.exists():
            os.replace(temporary, path)
    finally:
        _remove_with_journal(temporary)
    return open_database(path, backup_dir, create=False, passphrase=passphrase)


def _remove_with_journal(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _ready(database: Database, backup_dir: Path | None) -> Database:
    attach_connector(database)
    try:
        prepare_database(database, backup_dir)
    except SQLAlchemyDatabaseError as error:
        database.dispose()
        if is_corruption(error) and database.path is not None:
            raise damaged(database.path, [describe_error(error)], database.connect_file) from None
        raise DatabaseOpenError(describe_error(error, database)) from None
    except Exception:
        database.dispose()
        raise
    return database


def prepare_database(database: Database, backup_dir: Path | None = None) -> None:
    """Migrate (backing up first) and load reference data: also after a restore of an older backup."""
    upgrade(database, backup_dir)
    revision = head_revision()
    with database.session() as session:  # a read first: no write lock taken when there is nothing to add
        current = reference_data_current(session, revision)
    if not current:
        with database.write() as session:
            ensure_reference_data(session, revision)
