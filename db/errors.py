"""Errors the persistence layer raises, each with a French message for the user.

`describe_error` is THE single place that turns a database failure (SQLAlchemy,
sqlite3/sqlcipher3, psycopg, OSError) into a French sentence: the GUI's error
dialog, the command line and the start-up check all call it.
"""
from __future__ import annotations

import errno
import re

from sqlalchemy.exc import SQLAlchemyError


class DatabaseError(Exception):
    """A database cannot be opened or used; str(error) is the French message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DatabaseOpenError(DatabaseError):
    pass


class DatabaseTooNewError(DatabaseOpenError):
    pass


class MigrationError(DatabaseOpenError):
    """An upgrade failed; the database stayed at its previous revision."""


class NetworkShareError(DatabaseOpenError):
    """A SQLite file on SMB/CIFS/NFS: WAL and locking are unsafe there."""


class AlreadyOpenError(DatabaseOpenError):
    """Another instance of the application holds the database."""


class IntegrityCheckError(DatabaseOpenError):
    """The file fails quick_check / integrity_check: it must not be used (nor rotated over a good backup)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


class NoDatabaseError(DatabaseOpenError):
    """Nothing at the path, and the command does not create a base."""


class ForeignDatabaseError(DatabaseOpenError):
    """The file belongs to another program (or is not a base at all): refused before any write."""


class DamagedDatabaseError(DatabaseOpenError):
    """The base is damaged (also: empty or unreadable at an existing path). Nothing is written after it."""

    def __init__(self, message: str, path=None, problems: list[str] | None = None):
        super().__init__(message)
        self.path = path
        self.problems = problems or [message]


class BackupError(DatabaseError):
    pass


SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26
_CORRUPTION_WORDS = ("malformed", "not a database", "database corrupt", "file is encrypted")


def is_database_failure(error: BaseException) -> bool:
    """A failure of the database or the file system (as opposed to a bug): describe_error explains it."""
    return isinstance(error, (SQLAlchemyError, DatabaseError, OSError))


def is_corruption(error: BaseException | None) -> bool:
    """True for SQLite's "database disk image is malformed" and "file is not a database" (any driver)."""
    while error is not None:
        if isinstance(error, DamagedDatabaseError):
            return True
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return True
        if type(error).__module__.startswith(("sqlite3", "sqlcipher3")) and any(
                word in str(error).lower() for word in _CORRUPTION_WORDS):
            return True
        error = getattr(error, "orig", None)
    return False


def _where(database) -> str:
    if database is None:
        return "la base"
    describe = getattr(database, "describe", None)
    return f"la base « {describe() if describe else database} »"


def _constraint_message(text: str) -> str | None:
    if "foreign key constraint failed" in text:
        return "Enregistrement refusé : il fait référence à un élément qui n'existe pas (ou plus)."
    match = re.search(r"unique constraint failed: ([\w.]+)", text)
    if match or "unique constraint" in text or "duplicate key" in text:
        what = f" ({match.group(1)})" if match else ""
        return f"Enregistrement refusé : cette valeur existe déjà{what}."
    match = re.search(r"check constraint failed: (\w+)", text)
    if match or "check constraint" in text:
        what = f" ({match.group(1)})" if match else ""
        return f"Enregistrement refusé : une valeur est hors des limites permises{what}."
    if "not null constraint failed" in text or "violates not-null" in text:
        return "Enregistrement refusé : une information obligatoire manque."
    return None


def _os_message(error: OSError, where: str) -> str:
    if error.errno == errno.ENOSPC:
        return "Le disque est plein : l'opération a été annulée, rien n'a été modifié. Libérez de la place."
    if error.errno == errno.EROFS:
        return f"Le support de {where} est en lecture seule : impossible d'y enregistrer."
    if error.errno in (errno.EACCES, errno.EPERM):
        name = f" « {error.filename} »" if error.filename else ""
        return f"Accès refusé au fichier{name} (droits insuffisants)."
    if error.errno == errno.ENOENT:
        name = f" « {error.filename} »" if error.filename else ""
        return f"Fichier introuvable{name}."
    return f"Erreur du système de fichiers : {error.strerror or error}."


def describe_error(error: BaseException, database=None) -> str:
    """A French message for any failure met while using a database."""
    if isinstance(error, DatabaseError):
        return error.message
    message = getattr(error, "message", None)
    if isinstance(message, str) and message and not hasattr(error, "orig"):
        return message  # domain errors (core.errors) already speak French
    if isinstance(error, OSError):
        return _os_message(error, _where(database))
    original = getattr(error, "orig", None) or error
    if isinstance(original, OSError):
        return _os_message(original, _where(database))
    text = str(original).lower()
    where = _where(database)
    if "locked" in text or "busy" in text:
        return (f"{where[0].upper()}{where[1:]} est verrouillée par un autre programme. "
                "Rien n'a été enregistré ; réessayez dans un instant.")
    if "readonly" in text or "read-only" in text or "read only" in text:
        return f"{where[0].upper()}{where[1:]} est en lecture seule : impossible d'y enregistrer, rien n'a été modifié."
    if "full" in text and ("disk" in text or "database" in text) or "no space" in text:
        return "Le disque est plein : l'enregistrement a été annulé, rien n'a été modifié. Libérez de la place."
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return (f"Le fichier de {where} n'est pas une base Médiation Habitat valide, il est endommagé "
                "ou la clé de chiffrement est incorrecte.")
    if "disk i/o error" in text or "i/o error" in text:
        return f"Erreur de lecture ou d'écriture du disque sur {where} : rien n'a été enregistré."
    if "unable to open" in text:
        return f"Impossible d'ouvrir {where} (fichier ou dossier inaccessible)."
    if "could not connect" in text or "connection refused" in text or "server closed" in text:
        return f"Impossible de joindre le serveur de {where}."
    constraint = _constraint_message(text)
    if constraint:
        return constraint
    return f"Erreur de base de données sur {where} : {original}"
