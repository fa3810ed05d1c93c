"""Open a database for use: resolve, migrate (with a backup first), load reference data."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError

from db.engine import Database
from db.errors import DatabaseOpenError
from db.migrate import upgrade
from db.reference import load_reference_data


def open_database(target: str | os.PathLike | None = None, backup_dir: Path | None = None) -> Database:
    """Return a ready database, or raise DatabaseOpenError with a French message."""
    database = Database(target)
    try:
        upgrade(database, backup_dir)
        with database.write() as session:
            load_reference_data(session)
    except SQLAlchemyDatabaseError as error:
        database.dispose()
        raise DatabaseOpenError(describe_operational_error(error, database)) from None
    except Exception:
        database.dispose()
        raise
    return database


def describe_operational_error(error: SQLAlchemyDatabaseError, database: Database) -> str:
    text = str(error.orig).lower()
    where = database.describe()
    if "locked" in text or "busy" in text:
        return f"La base « {where} » est verrouillée par un autre programme. Réessayez dans un instant."
    if "readonly" in text or "read-only" in text:
        return f"La base « {where} » est en lecture seule : impossible d'y enregistrer."
    if "not a database" in text or "malformed" in text:
        return f"Le fichier « {where} » n'est pas une base Médiation Habitat valide ou il est endommagé."
    if "disk" in text and "full" in text or "database or disk is full" in text:
        return "Le disque est plein : l'enregistrement a été annulé, rien n'a été modifié."
    if "could not connect" in text or "connection refused" in text:
        return f"Impossible de joindre le serveur de base de données « {where} »."
    return f"Impossible d'ouvrir la base « {where} » : {error.orig}"
