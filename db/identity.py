"""What a file at a base path is, told before anything is written to it.

Two steps, in this order:

1. `probe_file` reads the first kilobyte of the file itself. It must run before this
   process has any SQLite connection to the file: closing any descriptor of a file
   drops every POSIX lock the process holds on it, SQLite's included ("How To Corrupt
   An SQLite Database File", §2.2). Nothing else in the application opens a base file
   except through SQLite.
2. `classify` looks at what a SQLite connection reads: `PRAGMA application_id`, the
   tables and the Alembic revision. Our bases carry APPLICATION_ID from creation; a
   base of ours made before it existed is recognised by our revision ids and tables
   (the migration path then stamps it).

An encrypted (SQLCipher) file starts with its random salt; a file starting with zeros
or text is damaged, not encrypted.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from db.errors import ForeignDatabaseError
from db.revisions import known_revisions

APPLICATION_ID = 0x4D484142  # "MHAB": written in every base of ours (PRAGMA application_id)
SQLITE_HEADER = b"SQLite format 3\x00"
SALT_BYTES = 16
PROBE_BYTES = 1024
# Tables every revision of ours has had since 0001: with a known revision they identify an older base of ours.
OUR_TABLES = frozenset({"cases", "households", "journal_entries", "settings", "audit_events"})


@dataclass(frozen=True)
class FileProbe:
    """What the first bytes of a path say. kind: absent, empty, unreadable, sqlite, encrypted or garbage."""

    path: Path
    kind: str
    size: int = 0
    salt: bytes = b""
    detail: str = ""

    @property
    def damaged(self) -> bool:
        return self.kind in ("empty", "unreadable", "garbage")


def probe_file(path: str | os.PathLike) -> FileProbe:
    """Read the header of `path` (never call it while this process has the file open in SQLite)."""
    path = Path(path)
    if not os.path.lexists(path):
        return FileProbe(path, "absent")
    if not path.exists():
        return FileProbe(path, "unreadable", detail=f"le lien symbolique pointe vers « {os.path.realpath(path)} », "
                                                     "qui n'existe pas")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError as error:
        return FileProbe(path, "unreadable", detail=f"lecture impossible ({error.strerror})")
    try:
        size = os.fstat(fd).st_size
        block = os.read(fd, PROBE_BYTES)
    except OSError as error:
        return FileProbe(path, "unreadable", detail=f"lecture impossible ({error.strerror})")
    finally:
        os.close(fd)
    if size == 0:
        return FileProbe(path, "empty", 0, detail="le fichier est vide (0 octet)")
    if block.startswith(SQLITE_HEADER):
        return FileProbe(path, "sqlite", size)
    if size >= PROBE_BYTES and size % 512 == 0 and looks_random(block):
        return FileProbe(path, "encrypted", size, salt=block[:SALT_BYTES])
    return FileProbe(path, "garbage", size, detail="ce n'est pas une base lisible : son en-tête n'est ni celui d'une "
                                                   "base SQLite ni celui d'une base chiffrée (octets nuls, texte…)")


def looks_random(block: bytes) -> bool:
    """SQLCipher's first 16 bytes are a random salt and the rest of page 1 is ciphertext; zeros and text are not."""
    salt = block[:SALT_BYTES]
    if len(set(salt)) < 8 or all(32 <= byte < 127 or byte in (9, 10, 13) for byte in salt):
        return False
    return len(set(block[:PROBE_BYTES])) >= 160


@dataclass(frozen=True)
class Contents:
    """What a SQLite connection reads of a file's identity."""

    application_id: int
    tables: frozenset[str]
    revision: str | None  # None: no alembic_version table; "": the table is empty


def read_contents(connection) -> Contents:
    """Read the identity of a base through a DB-API connection (raises the driver's error if unreadable)."""
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    tables = frozenset(row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    revision = None
    if "alembic_version" in tables:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else ""
    return Contents(application_id, tables, revision)


def classify(contents: Contents, path) -> str:
    """"ours" (stamped), "legacy" (ours, made before the stamp) or "blank" (no table at all).

    Raises ForeignDatabaseError for anything else, before a single write.
    """
    where = f"Le fichier « {path} » n'est pas une base Médiation Habitat"
    keep = ("Il n'a pas été modifié. Vérifiez le chemin donné (--db) ou choisissez un autre fichier ; "
            "pour revenir à vos données, restaurez une sauvegarde de Médiation Habitat.")
    if contents.application_id == APPLICATION_ID:
        return "ours"
    if contents.application_id != 0:
        raise ForeignDatabaseError(f"{where} : il appartient à un autre programme (identifiant d'application "
                                   f"0x{contents.application_id & 0xFFFFFFFF:08X}). {keep}")
    if not contents.tables:
        return "blank"
    if contents.revision == "":
        raise ForeignDatabaseError(f"{where} : sa table de versions (alembic_version) est vide, c'est la base "
                                   f"d'un autre programme. {keep}")
    if contents.revision in known_revisions() and OUR_TABLES <= contents.tables:
        return "legacy"
    own = sorted(contents.tables - OUR_TABLES - {"alembic_version"})[:5]
    listed = f" ({', '.join(own)}…)" if own else ""
    raise ForeignDatabaseError(f"{where} : il contient les tables d'un autre programme{listed}. {keep}")
