"""Bring a database to the schema of this version, safely.

An existing SQLite file is backed up before any migration; the whole upgrade
runs in one transaction, so a failure or a kill leaves the previous revision.
A database written by a newer version of the application is refused.
"""
from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from db import revisions
from db.backup import backup_before_migration
from db.engine import Database
from db.errors import DatabaseTooNewError, MigrationError, describe_error
from db.identity import APPLICATION_ID, classify, read_contents

# Alembic (and Mako) cost a third of a second to import: a base already at head never loads them.


def alembic_config(database: Database):
    from alembic.config import Config

    config = Config(stdout=sys.stdout)  # the stream of now: Config() would keep the one of its import
    config.set_main_option("script_location", str(revisions.MIGRATIONS_DIR))
    # ConfigParser treats % as interpolation: an accented folder is %-encoded in the URL ("H%C3%A9l%C3%A8ne").
    config.set_main_option("sqlalchemy.url", database.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def head_revision() -> str:
    return revisions.head_revision()


def known_revisions() -> set[str]:
    return revisions.known_revisions()


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except (OperationalError, ProgrammingError):  # no alembic_version table: an empty base
            return None


def has_user_tables(database: Database) -> bool:
    return bool(inspect(database.engine).get_table_names())


def needs_upgrade(database: Database) -> bool:
    current = current_revision(database)
    if current is not None and current not in known_revisions():
        raise DatabaseTooNewError(
            "Cette base a été enregistrée par une version plus récente de Médiation Habitat "
            f"(révision {current}). Mettez l'application à jour avant de l'ouvrir."
        )
    return current != head_revision()


def upgrade(database: Database, backup_dir: Path | None = None) -> Path | None:
    """Migrate to head and stamp our application_id; return the backup made first, if any.

    A SQLite file that is not ours (db.identity.classify) is refused before any write.
    """
    if database.is_sqlite:
        _refuse_foreign(database)
    if not needs_upgrade(database):
        stamp_application_id(database)
        return None
    backup = None
    if database.path is not None and database.path.exists() and has_user_tables(database):
        backup = backup_before_migration(database, backup_dir)
    try:
        run_alembic(database, "upgrade", "head")
    except Exception as error:
        # One transaction: SQLite rolled everything back, the file is at its previous revision.
        kept = f" Une sauvegarde faite juste avant se trouve dans « {backup} »." if backup else ""
        raise MigrationError(
            "La mise à jour de la structure de la base a échoué ; la base est restée telle qu'elle était "
            f"(révision {current_revision(database) or 'vide'}).{kept} Détail : {describe_error(error, database)}"
        ) from error
    return backup


def run_alembic(database: Database, action: str, revision: str) -> None:
    """Run an Alembic command in ONE transaction (all of it, or nothing).

    On SQLite, foreign keys are switched off for the migration, as SQLite advises for
    schema changes: batch mode rebuilds a table by dropping the old one, and with
    foreign keys on that drop would cascade-delete the rows of its child tables.
    They are checked (foreign_key_check) before the commit instead.
    """
    from alembic import command

    config = alembic_config(database)
    with database.engine.connect() as connection:
        raw = connection.connection.driver_connection if database.is_sqlite else None
        if raw is not None:
            connection.commit()  # PRAGMA foreign_keys is a no-op inside a transaction
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                getattr(command, action)(config, revision)
                if raw is not None:
                    _refuse_broken_references(connection)
                    if action == "upgrade":  # a new base is ours from its first commit
                        connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def _refuse_broken_references(connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
    if broken:
        details = ", ".join(f"{row[0]} ligne {row[1]} → {row[2]}" for row in broken)
        raise MigrationError(f"La migration laisserait des références cassées ({details}) : elle est annulée.")


def _refuse_foreign(database: Database) -> None:
    raw = database.engine.raw_connection()
    try:
        classify(read_contents(raw.driver_connection), database.describe())
    finally:
        raw.close()


def stamp_application_id(database: Database) -> None:
    """A base of ours made before the stamp existed gets it (one header write, once)."""
    if not database.is_sqlite:
        return
    with database.engine.connect() as connection:
        if connection.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID:
            return
    with database.write() as session:
        session.connection().exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
