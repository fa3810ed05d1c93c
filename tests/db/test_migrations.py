"""Migrations: from empty, down to base and back, no drift between models and revisions."""
import sqlite3

import pytest
from alembic import command
from sqlalchemy import inspect

from db.engine import Database
from db.errors import DatabaseTooNewError
from db.migrate import alembic_config, current_revision, head_revision, run_alembic, upgrade
from db.open import open_database


def test_upgrade_from_empty_reaches_head(db_path):
    database = Database(db_path)
    upgrade(database)
    assert current_revision(database) == head_revision()
    assert "cases" in inspect(database.engine).get_table_names()
    database.dispose()


def test_downgrade_to_base_and_upgrade_again(demo_db):
    run_alembic(demo_db, "downgrade", "base")
    assert current_revision(demo_db) is None
    assert "cases" not in inspect(demo_db.engine).get_table_names()
    run_alembic(demo_db, "upgrade", "head")
    assert current_revision(demo_db) == head_revision()


def test_models_and_migrations_do_not_drift(db):
    command.check(alembic_config(db))  # raises if autogenerate would find differences


def test_every_index_of_the_models_exists_after_migrating(db):
    """The drift check cannot compare indexes on expressions (the list's sort keys, lower(last_name)): SQLite's
    reflection skips them, and so does a batch table rebuild, which would drop them without a word."""
    from db.models import Base

    declared = {index.name for table in Base.metadata.tables.values() for index in table.indexes}
    with db.engine.connect() as connection:
        present = {name for (name,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"ix_households_sort_name", "ix_dwellings_sort_street"} <= declared
    assert declared - present == set()


def test_database_from_a_newer_version_is_refused(db_path, db):
    connection = sqlite3.connect(db_path)
    connection.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    connection.commit()
    connection.close()
    with pytest.raises(DatabaseTooNewError) as error:
        open_database(db_path)
    assert "version plus récente" in str(error.value)


def test_existing_database_is_backed_up_before_migrating(db_path, tmp_path):
    database = open_database(db_path)
    run_alembic(database, "downgrade", "base")  # an old file, one revision behind everything
    database.dispose()
    backups = tmp_path / "backups"
    database = open_database(db_path, backup_dir=backups)
    made = list(backups.glob("avant-migration-*.sqlite3"))
    assert len(made) == 1
    assert sqlite3.connect(made[0]).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert current_revision(database) == head_revision()
    database.dispose()


def test_fresh_file_is_not_backed_up(db_path, tmp_path):
    backups = tmp_path / "backups"
    open_database(db_path, backup_dir=backups).dispose()
    assert not backups.exists() or not list(backups.iterdir())


def test_reference_data_loads_once(db):
    from sqlalchemy import func, select

    from db import models as m
    from db.reference import load_reference_data

    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(m.DisorderItem))
    with db.write() as session:
        assert load_reference_data(session) == 0
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(m.DisorderItem)) == before >= 40
        assert session.scalar(select(func.count()).select_from(m.Objective)) == 7
        zones = set(session.scalars(select(m.DisorderItem.zone)))
    assert zones == {"batiment", "logement"}


def test_database_in_an_accented_folder_migrates(tmp_path):
    folder = tmp_path / "Médiation Hélène" / "données 100%"
    folder.mkdir(parents=True)
    database = open_database(folder / "base.sqlite3")
    assert current_revision(database) == head_revision()
    run_alembic(database, "downgrade", "base")
    run_alembic(database, "upgrade", "head")
    assert current_revision(database) == head_revision()
    database.dispose()


def test_reference_rows_missing_after_a_change_of_the_reference_files_are_added_at_next_opening(db, db_path):
    """Start-up skips the row-by-row check when the base holds this version of the reference files; when they
    change (another fingerprint), the next opening adds what is missing."""
    from sqlalchemy import delete, select

    from db import models as m
    from db.open import open_database
    from db.reference import FINGERPRINT_SETTING

    with db.session() as session:
        assert session.get(m.Setting, FINGERPRINT_SETTING) is not None  # recorded when the base was prepared
        code = session.scalars(select(m.CaseSource.code).order_by(m.CaseSource.code)).first()
    with db.write() as session:
        session.execute(delete(m.CaseSource).where(m.CaseSource.code == code))
        session.merge(m.Setting(key=FINGERPRINT_SETTING, value="files of an older version"))
    db.dispose()
    reopened = open_database(db_path)
    try:
        with reopened.session() as session:
            assert session.get(m.CaseSource, code) is not None
            assert session.get(m.Setting, FINGERPRINT_SETTING).value != "files of an older version"
    finally:
        reopened.dispose()
