"""Encryption at rest with SQLCipher, for laptops that leave the office.

Key: Argon2id(passphrase, salt) gives 32 raw bytes, passed to SQLCipher as a raw
key with an explicit salt: `PRAGMA key = "x'<64 hex key><32 hex salt>'"`, so
SQLCipher's own slow PBKDF2 is skipped (Argon2id already made the key costly).

Salt, where? SQLCipher writes the salt it is given in the first 16 bytes of the
file, in clear (it is not secret). So an encrypted file carries its own salt:
no sidecar to lose, and a copy made with the same key (a backup) carries the
same salt and opens with the same passphrase. A plain SQLite file starts with
"SQLite format 3\\0" instead, which is how an encrypted file is recognised.

The Argon2id costs are part of the file format (KDF version 1): never change the
constants below for existing files.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlcipher3
from argon2.low_level import Type, hash_secret_raw
from sqlalchemy.engine import URL

from db.errors import DatabaseError, DatabaseOpenError
from db.identity import SALT_BYTES, SQLITE_HEADER, probe_file  # noqa: F401 - SQLITE_HEADER re-exported
from db.integrity import plain_connect

KEY_BYTES = 32
PASSPHRASE_MIN_LENGTH = 12
PASSPHRASE_ENV = "MEDIATION_HABITAT_PHRASE"

# KDF version 1: 3 passes over 64 MiB, 4 lanes (RFC 9106 second recommendation).
_DEFAULT_KDF = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}
_kdf = dict(_DEFAULT_KDF)


def use_fast_derivation_for_tests() -> None:
    """TEST-ONLY: cheap Argon2id costs so the suite stays fast. Never called by the application."""
    _kdf.update(time_cost=1, memory_cost=8, parallelism=1)


def use_default_derivation() -> None:
    _kdf.update(_DEFAULT_KDF)


def is_encrypted(path: str | os.PathLike) -> bool:
    """True for an existing file whose header is SQLCipher's random salt (see db.identity.probe_file).

    Reads the file itself: only before this process opened it in SQLite.
    """
    return probe_file(path).kind == "encrypted"


def read_salt(path: str | os.PathLike) -> bytes:
    return probe_file(path).salt


def derive_key(passphrase: str, salt: bytes) -> bytes:
    if not passphrase:
        raise DatabaseOpenError("La phrase de passe de la base chiffrée est vide.")
    return hash_secret_raw(passphrase.encode("utf-8"), salt, hash_len=KEY_BYTES, type=Type.ID, **_kdf)


def key_literal(key: bytes, salt: bytes) -> str:
    """The value of PRAGMA key for a raw key with explicit salt: x'<key><salt>'."""
    return f"x'{key.hex()}{salt.hex()}'"


def literal_for(path: str | os.PathLike, passphrase: str, salt: bytes | None = None) -> str:
    """Key literal for an existing encrypted file (its salt, given or read) or a new one (fresh salt)."""
    if salt is None:
        probe = probe_file(path)
        salt = probe.salt if probe.kind == "encrypted" else os.urandom(SALT_BYTES)
    return key_literal(derive_key(passphrase, salt), salt)


def connect(path: str | os.PathLike, literal: str | None = None):
    """A raw sqlcipher3 connection, keyed when a literal is given (plain SQLite otherwise)."""
    connection = sqlcipher3.connect(str(path))
    # A wrong key is reported to the user in French; SQLCipher's own stderr log would only confuse.
    connection.execute("PRAGMA cipher_log_level = NONE")
    if literal:
        connection.execute(f'PRAGMA key = "{literal}"')
    return connection


def check_literal(path: str | os.PathLike, literal: str) -> None:
    """Raise DatabaseOpenError with a clear French message if the key does not open the file."""
    connection = connect(path, literal)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError:
        raise DatabaseOpenError(
            f"Phrase de passe incorrecte : la base chiffrée « {path} » ne peut pas être ouverte avec elle. "
            "Vérifiez la saisie (majuscules, accents) ; sans la bonne phrase, les données sont illisibles."
        ) from None
    finally:
        connection.close()


def encrypted_url(path: str | os.PathLike, passphrase: str, salt: bytes | None = None) -> URL:
    """SQLAlchemy URL for the sqlite+pysqlcipher dialect, which runs `PRAGMA key="<password>"`.

    `salt`: the file's (from db.identity.probe_file), or None for a new file.
    """
    path = Path(path).expanduser().absolute()
    literal = literal_for(path, passphrase, salt or os.urandom(SALT_BYTES))
    if salt is not None:
        check_literal(path, literal)
    return keyed_url(path, literal)


def keyed_url(path: str | os.PathLike, literal: str) -> URL:
    return URL.create("sqlite+pysqlcipher", password=literal, database=str(path))


def key_of(url: URL) -> str | None:
    """The key literal of an encrypted database's URL, None for a plain one."""
    return url.password if url.drivername == "sqlite+pysqlcipher" else None


def _export(source: Path, source_literal: str | None, target: Path, target_literal: str) -> None:
    """Copy a whole database into a new file with another key ('' = plain) via sqlcipher_export."""
    if target.exists():
        raise DatabaseError(f"Le fichier « {target} » existe déjà : choisissez un autre nom.")
    partial = target.with_name(target.name + ".partiel")
    partial.unlink(missing_ok=True)
    connection = connect(source, source_literal)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        application = connection.execute("PRAGMA application_id").fetchone()[0]
        connection.execute(f"ATTACH DATABASE ? AS converted KEY \"{target_literal}\"", (str(partial),))
        connection.execute("SELECT sqlcipher_export('converted')")
        connection.execute(f"PRAGMA converted.user_version = {int(version)}")
        connection.execute(f"PRAGMA converted.application_id = {int(application)}")  # sqlcipher_export omits it
        connection.execute("DETACH DATABASE converted")
    except sqlcipher3.DatabaseError as error:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"Conversion impossible : {error}") from None
    finally:
        connection.close()
    _verify(partial, target_literal or None)
    os.replace(partial, target)


def _verify(path: Path, literal: str | None) -> None:
    connection = connect(path, literal)
    try:
        verdict = connection.execute("PRAGMA quick_check").fetchall()
    finally:
        connection.close()
    if verdict != [("ok",)]:
        path.unlink(missing_ok=True)
        raise DatabaseError("La copie convertie est défectueuse : elle a été écartée.")


def encrypt_copy(source: str | os.PathLike, target: str | os.PathLike, passphrase: str) -> Path:
    """Write an encrypted copy of a plain database (the source is left as it is), also while it is open.

    The source is read only through sqlite3's backup API, the library the application opens plain
    bases with: were sqlcipher3 (a second copy of SQLite in the process) to open and close the live
    file, the application's own locks on it would be dropped ("How To Corrupt An SQLite Database
    File", §2.2-2.3). The clear copy lives a moment next to the source, never next to the target.
    """
    source, target = Path(source), Path(target)
    if len(passphrase or "") < PASSPHRASE_MIN_LENGTH:
        raise DatabaseError(f"Phrase de passe trop courte : il faut au moins {PASSPHRASE_MIN_LENGTH} caractères.")
    clear = source.with_name(f".{source.name}.copie-{os.getpid()}")
    try:
        _plain_snapshot(source, clear)
        salt = os.urandom(SALT_BYTES)
        _export(clear, None, target, key_literal(derive_key(passphrase, salt), salt))
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{clear}{suffix}").unlink(missing_ok=True)
    return target


def _plain_snapshot(source: Path, copy: Path) -> None:
    src, dst = plain_connect(source, True), plain_connect(copy, False)
    try:
        src.backup(dst)
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"« {source} » n'est pas une base en clair lisible (déjà chiffrée ?) : {error}") from None
    finally:
        dst.close()
        src.close()


def decrypt_copy(source: str | os.PathLike, target: str | os.PathLike, passphrase: str) -> Path:
    source, target = Path(source), Path(target)
    literal = literal_for(source, passphrase)
    check_literal(source, literal)
    _export(source, literal, target, "")
    return target


def encrypt_in_place(path: str | os.PathLike, passphrase: str) -> Path:
    """Replace a plain database by its encrypted version; the plain file and its WAL are removed."""
    path = Path(path)
    converted = path.with_name(path.name + ".chiffre")
    converted.unlink(missing_ok=True)
    encrypt_copy(path, converted, passphrase)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.replace(converted, path)
    return path


def change_passphrase(path: str | os.PathLike, old: str, new: str) -> Path:
    """Re-encrypt a database under a new passphrase (and a fresh salt); the old one no longer opens it.

    The file is copied under the new key, the copy checked, then swapped in: a failure
    at any point leaves the base as it was, still under the old passphrase.
    """
    path = Path(path)
    if not is_encrypted(path):
        raise DatabaseError(f"La base « {path} » n'est pas chiffrée : chiffrez-la d'abord (commande « encrypt »).")
    if len(new or "") < PASSPHRASE_MIN_LENGTH:
        raise DatabaseError(f"Nouvelle phrase de passe trop courte : il faut au moins {PASSPHRASE_MIN_LENGTH} caractères.")
    if new == old:
        raise DatabaseError("La nouvelle phrase de passe est identique à l'ancienne.")
    old_literal = literal_for(path, old)
    check_literal(path, old_literal)
    converted = path.with_name(path.name + ".nouvelle-cle")
    converted.unlink(missing_ok=True)
    salt = os.urandom(SALT_BYTES)
    _export(path, old_literal, converted, key_literal(derive_key(new, salt), salt))
    for suffix in ("-wal", "-shm", "-journal"):  # written under the old key; their content is in the copy
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.replace(converted, path)
    return path


def backup_copy(source: str | os.PathLike, target: str | os.PathLike, literal: str | None) -> Path:
    """Online copy with SQLite's backup API; with a key, the copy is encrypted with the same key and salt."""
    source, target = Path(source), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partiel")
    partial.unlink(missing_ok=True)
    src, dst = connect(source, literal), connect(partial, literal)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()
    _verify(partial, literal)
    os.replace(partial, target)
    return target


_prompt = None


def _has_terminal() -> bool:
    try:
        return os.isatty(0)
    except (OSError, ValueError):
        return False


def current_prompt():
    return _prompt


def set_passphrase_prompt(prompt) -> None:
    """Register how to ask for a passphrase (the GUI registers a dialog): prompt(path) -> str | None."""
    global _prompt
    _prompt = prompt


def ask_passphrase(path: Path) -> str:
    """The passphrase for an encrypted file: environment variable, registered prompt, or terminal."""
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None and _prompt is not None:
        passphrase = _prompt(path)
    if passphrase is None and _has_terminal():
        import getpass

        passphrase = getpass.getpass(f"Phrase de passe de la base chiffrée « {path.name} » : ")
    if not passphrase:
        raise DatabaseOpenError(
            f"La base « {path} » est chiffrée : sa phrase de passe est nécessaire pour l'ouvrir, et personne ne "
            f"peut la saisir ici (pas de terminal). Lancez la commande depuis un terminal, ou donnez la phrase "
            f"dans la variable d'environnement {PASSPHRASE_ENV}."
        )
    return passphrase


def key_connector(literal: str):
    """A `connect(path, read_only)` factory (db.backup, db.integrity) applying this key."""

    def connect_file(path, read_only: bool = False):
        if read_only:
            connection = sqlcipher3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True, isolation_level=None)
        else:
            connection = sqlcipher3.connect(str(path), isolation_level=None)
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f'PRAGMA key = "{literal}"')
        return connection

    return connect_file


def attach_connector(database) -> None:
    """Give an encrypted Database the `connect_file` factory its backups and checks use."""
    literal = key_of(database.url)
    if literal:
        database.connect_file = key_connector(literal)
