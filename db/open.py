"""Open a database for use: resolve, migrate (with a backup first), load reference data."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError

from db.crypto import attach_connector, unlock
from db.engine import Database
from db.errors import DatabaseOpenError, describe_error
from db.migrate import upgrade
from db.reference import load_reference_data


def open_database(target: str | os.PathLike | None = None, backup_dir: Path | None = None) -> Database:
    """Return a ready database, or raise DatabaseOpenError with a French message."""
    database = Database(unlock(target))
    attach_connector(database)
    try:
        prepare_database(database, backup_dir)
    except SQLAlchemyDatabaseError as error:
        database.dispose()
        raise DatabaseOpenError(describe_operational_error(error, database)) from None
    except Exception:
        database.dispose()
        raise
    return database


def prepare_database(database: Database, backup_dir: Path | None = None) -> None:
    """Migrate (backing up first) and load reference data: also after a restore of an older backup."""
    upgrade(database, backup_dir)
    with database.write() as session:
        load_reference_data(session)


def describe_operational_error(error: BaseException, database: Database | None = None) -> str:
    """Kept for callers of the first version: the translation lives in db.errors.describe_error."""
    return describe_error(error, database)
