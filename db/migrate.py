"""Bring a database to the schema of this version, safely.

An existing SQLite file is backed up before any migration; the whole upgrade
runs in one transaction, so a failure or a kill leaves the previous revision.
A database written by a newer version of the application is refused.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from db.engine import Database
from db.errors import DatabaseTooNewError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database.url.render_as_string(hide_password=False))
    return config


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}


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
    """Migrate to head; return the backup made first, if any."""
    if not needs_upgrade(database):
        return None
    backup = None
    if database.path is not None and database.path.exists() and has_user_tables(database):
        from db.backup import backup_before_migration

        backup = backup_before_migration(database, backup_dir)
    run_alembic(database, "upgrade", "head")
    return backup


def run_alembic(database: Database, action: str, revision: str) -> None:
    config = alembic_config(database)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)
