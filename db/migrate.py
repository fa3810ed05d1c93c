"""Bring a database to the schema of this version, safely.

An existing SQLite file is backed up before any migration; the whole upgrade
runs in one transaction, so a failure or a kill leaves the previous revision.
A database written by a newer version of the application is refused.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from db.engine import Database
from db.errors import DatabaseTooNewError, MigrationError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Alembic (and Mako) cost a third of a second to import: a base already at head never loads them.


def alembic_config(database: Database):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % as interpolation: an accented folder is %-encoded in the URL ("H%C3%A9l%C3%A8ne").
    config.set_main_option("sqlalchemy.url", database.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def _revision_graph() -> dict[str, str | None]:
    return _read_revision_graph(MIGRATIONS_DIR)


@lru_cache(maxsize=4)
def _read_revision_graph(directory: Path) -> dict[str, str | None]:
    """revision -> down_revision, read from the revision files without importing Alembic."""
    graph = {}
    for path in sorted((directory / "versions").glob("*.py")):
        values = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if node.targets[0].id in ("revision", "down_revision"):
                    values[node.targets[0].id] = ast.literal_eval(node.value)
        if "revision" in values:
            graph[values["revision"]] = values.get("down_revision")
    return graph


def head_revision() -> str:
    graph = _revision_graph()
    heads = set(graph) - set(graph.values())
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except (OperationalError, ProgrammingError):  # no alembic_version table: an empty base
            return None


def known_revisions() -> set[str]:
    return set(_revision_graph())


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
    try:
        run_alembic(database, "upgrade", "head")
    except Exception as error:
        # One transaction: SQLite rolled everything back, the file is at its previous revision.
        from db.errors import describe_error

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
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def _refuse_broken_references(connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
    if broken:
        details = ", ".join(f"{row[0]} ligne {row[1]} → {row[2]}" for row in broken)
        raise MigrationError(f"La migration laisserait des références cassées ({details}) : elle est annulée.")
