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


# PostgreSQL's SQLSTATE codes that a user can meet, in French (the server's own text is English, or in the
# server's language). {where} is « la base « … » ». Connection failures carry no code: _connection_message.
_SQLSTATE_MESSAGES = {
    "23503": "Enregistrement refusé : il fait référence à un élément qui n'existe pas (ou plus).",
    "23502": "Enregistrement refusé : une information obligatoire manque.",
    "23514": "Enregistrement refusé : une valeur est hors des limites permises.",
    "22001": "Enregistrement refusé : un texte est trop long pour sa zone. Raccourcissez-le.",
    "22021": "Enregistrement refusé : un texte contient un caractère invalide (caractère nul ou encodage "
             "incorrect). Retapez-le au lieu de le coller.",
    "22P02": "Enregistrement refusé : une valeur n'a pas la forme attendue (nombre, date…).",
    "22003": "Enregistrement refusé : un nombre est trop grand.",
    "22007": "Enregistrement refusé : une date ou une heure est invalide.",
    "22008": "Enregistrement refusé : une date ou une heure est hors des limites permises.",
    "40001": "Enregistrement refusé : un autre poste a modifié les mêmes données au même moment. Rien n'a été "
             "enregistré ; réessayez.",
    "40P01": "Enregistrement refusé : un autre poste a modifié les mêmes données au même moment. Rien n'a été "
             "enregistré ; réessayez.",
    "55P03": "Ces données sont en cours de modification sur un autre poste. Rien n'a été enregistré ; réessayez "
             "dans un instant.",
    "57014": "L'opération a pris trop de temps et le serveur l'a interrompue : rien n'a été enregistré. "
             "Réessayez, ou affinez la recherche.",
    "25006": "Le serveur de {where} n'accepte que la lecture (serveur de secours ?) : rien n'a été enregistré.",
    "42501": "Le compte de connexion au serveur de {where} n'a pas les droits nécessaires. Le service informatique "
             "doit lui donner les droits sur la base (voir le guide, « Bureau partagé »).",
    "42P01": "{where} n'a pas les tables de Médiation Habitat (base vide, ou d'un autre programme). Vérifiez "
             "l'adresse de connexion.",
    "53100": "Le disque du serveur de {where} est plein : rien n'a été enregistré. Prévenez le service "
             "informatique.",
    "53200": "Le serveur de {where} manque de mémoire : rien n'a été enregistré. Réessayez dans un instant.",
    "53300": "Le serveur de {where} refuse de nouvelles connexions (trop de postes connectés). Réessayez dans un "
             "instant, ou prévenez le service informatique.",
    "57P01": "Le serveur de {where} a été arrêté par son administrateur : rien n'a été enregistré. Réessayez "
             "quand il sera redémarré.",
    "57P03": "Le serveur de {where} démarre ou s'arrête : réessayez dans un instant.",
    "3D000": "La base de données indiquée dans l'adresse de connexion n'existe pas sur le serveur. Vérifiez le nom "
             "après la dernière barre oblique (…/mediation).",
    "28P01": "Le serveur de {where} refuse la connexion : identifiant ou mot de passe du serveur incorrect "
             "(ceux de l'adresse de connexion, pas votre compte de l'application).",
    "28000": "Le serveur de {where} refuse la connexion de ce poste (accès non autorisé dans sa configuration, "
             "pg_hba.conf). Prévenez le service informatique.",
}
# Errors that a second try of the same transaction may not meet again (another seat's transaction in the way).
TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03"}


def sqlstate(error: BaseException | None) -> str | None:
    """The PostgreSQL SQLSTATE code of a failure (SQLAlchemy wraps the driver's error), or None."""
    while error is not None:
        code = getattr(error, "sqlstate", None)
        if isinstance(code, str) and code:
            return code
        error = getattr(error, "orig", None)
    return None


def is_transient(error: BaseException) -> bool:
    """A serialization failure or a deadlock: the whole transaction was rolled back and may be run again."""
    return sqlstate(error) in TRANSIENT_SQLSTATES


# Connection failures (no SQLSTATE before the session exists): what libpq says, in English or in French.
_CONNECTION_FAILURES = (
    (("password authentication failed", "authentification par mot de passe", "no password supplied",
      "aucun mot de passe"), "28P01"),
    (("no pg_hba.conf entry", "aucune entrée dans pg_hba.conf"), "28000"),
    (("database \"", "la base de données « "), None),  # « … does not exist », checked below
    (("too many clients", "trop de clients", "remaining connection slots"), "53300"),
    (("the database system is starting up", "the database system is shutting down", "le système de bases de "
      "données se lance", "le système de base de données s'arrête"), "57P03"),
)


def _connection_message(text: str, where: str) -> str | None:
    for words, code in _CONNECTION_FAILURES:
        if any(word.lower() in text for word in words):
            if code is None:
                if "does not exist" in text or "n'existe pas" in text:
                    return _SQLSTATE_MESSAGES["3D000"]
                continue
            return _SQLSTATE_MESSAGES[code].format(where=where)
    if "failed to resolve host" in text or "could not translate host name" in text or "name or service" in text:
        return (f"Le serveur de {where} est introuvable : vérifiez le nom du serveur dans l'adresse de connexion "
                "et le réseau du poste.")
    if "connection refused" in text or "connexion refusée" in text:
        return (f"Le serveur de {where} ne répond pas (connexion refusée) : il est arrêté, ou l'adresse ou le port "
                "de connexion est faux. Prévenez le service informatique.")
    if "timeout expired" in text or "timed out" in text:
        return f"Le serveur de {where} ne répond pas (délai dépassé) : vérifiez le réseau du poste, puis réessayez."
    if "server closed the connection" in text or "connection is closed" in text or "consuming input failed" in text:
        return (f"La connexion au serveur de {where} a été coupée : rien n'a été enregistré de l'opération en cours. "
                "Réessayez ; si cela se reproduit, prévenez le service informatique.")
    return None


def _postgres_message(original: BaseException, where: str) -> str | None:
    code = sqlstate(original)
    if code == "23505":
        detail = getattr(getattr(original, "diag", None), "message_detail", None) or ""
        match = re.search(r"=\((.*)\) already exists", detail)
        value = f" (« {match.group(1)} »)" if match else ""
        return f"Enregistrement refusé : cette valeur existe déjà{value}."
    if code in _SQLSTATE_MESSAGES:
        return _SQLSTATE_MESSAGES[code].format(where=where)
    text = str(original).lower()
    if "nul (0x00)" in text or ("0x00" in text and "cannot contain" in text):
        return _SQLSTATE_MESSAGES["22021"]
    if code is None:
        return _connection_message(text, where)
    return (f"Le serveur de {where} a refusé l'opération (code {code}) : rien n'a été enregistré. Communiquez ce "
            "code au service informatique.")


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
    if type(original).__module__.startswith("psycopg"):
        message = _postgres_message(original, where)
        if message:
            return message[0].upper() + message[1:]
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
