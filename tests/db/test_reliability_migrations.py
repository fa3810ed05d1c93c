"""Migrations that fail or are killed leave the previous revision, intact; table rebuilds lose nothing.

Each test adds one extra revision after the real head, in a copy of the migration
scripts, and points db.migrate at that copy.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import db.migrate as migrate
import db.revisions as revisions
from db.errors import MigrationError
from db.migrate import current_revision, head_revision
from db.open import open_database

ROOT = Path(__file__).resolve().parents[2]

REVISION = '''
"""{title}"""
import time
from alembic import op
import sqlalchemy as sa

revision = "9999_test"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade():
{body}


def downgrade():
    pass
'''


def scripts_with_extra_revision(tmp_path, title: str, body: str) -> Path:
    scripts = tmp_path / "migrations"
    shutil.copytree(revisions.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    text = REVISION.format(title=title, head=head_revision(), body=textwrap.indent(textwrap.dedent(body), "    "))
    (scripts / "versions" / "9999_test.py").write_text(text, encoding="utf-8")
    return scripts


def dump_digest(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        lines = [line for line in connection.iterdump()]
    finally:
        connection.close()
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_failing_migration_leaves_the_previous_revision_intact(demo_db, db_path, tmp_path, monkeypatch):
    demo_db.dispose()
    before, revision = dump_digest(db_path), head_revision()
    scripts = scripts_with_extra_revision(tmp_path, "fails halfway", """
        op.create_table("essai", sa.Column("id", sa.Integer, primary_key=True))
        with op.batch_alter_table("cases") as batch:
            batch.add_column(sa.Column("essai", sa.Integer))
        op.execute("UPDATE households SET last_name = 'ÉCRASÉ'")
        raise RuntimeError("panne au milieu de la migration")
    """)
    monkeypatch.setattr(revisions, "MIGRATIONS_DIR", scripts)
    with pytest.raises(MigrationError) as error:
        open_database(db_path, backup_dir=tmp_path / "sauvegardes")
    message = str(error.value)
    assert "a échoué" in message and f"révision {revision}" in message and "sauvegarde" in message
    assert dump_digest(db_path) == before  # not one change kept
    assert list((tmp_path / "sauvegardes").glob("avant-migration-*.sqlite3"))


def test_table_rebuild_in_a_migration_keeps_dependent_rows(demo_db, db_path, tmp_path, monkeypatch):
    """Batch mode recreates a table; with foreign keys on, dropping the old one would cascade."""
    with demo_db.session() as session:
        from sqlalchemy import text

        journal = session.execute(text("SELECT count(*) FROM journal_entries")).scalar()
    demo_db.dispose()
    scripts = scripts_with_extra_revision(tmp_path, "rebuilds cases", """
        with op.batch_alter_table("cases", recreate="always") as batch:
            batch.add_column(sa.Column("essai", sa.Integer))
    """)
    monkeypatch.setattr(revisions, "MIGRATIONS_DIR", scripts)
    database = open_database(db_path, backup_dir=tmp_path / "sauvegardes")
    assert current_revision(database) == "9999_test"
    database.dispose()
    connection = sqlite3.connect(db_path)
    assert connection.execute("SELECT count(*) FROM journal_entries").fetchone()[0] == journal > 0
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()


@pytest.mark.slow
def test_killed_migration_leaves_the_previous_revision_intact(demo_db, db_path, tmp_path):
    demo_db.dispose()
    before, revision = dump_digest(db_path), head_revision()
    scripts = scripts_with_extra_revision(tmp_path, "killed halfway", """
        op.execute("UPDATE households SET last_name = 'ÉCRASÉ'")
        with op.batch_alter_table("cases", recreate="always") as batch:
            batch.add_column(sa.Column("essai", sa.Integer))
        print("milieu", flush=True)
        time.sleep(60)
    """)
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; import db.revisions as mg;"
            f"mg.MIGRATIONS_DIR = Path({str(scripts)!r}); from db.open import open_database;"
            f"open_database({str(db_path)!r}, backup_dir=Path({str(tmp_path / 'sauvegardes')!r}))")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert process.stdout.readline().strip() == "milieu"  # the migration is halfway
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert dump_digest(db_path) == before
    assert sqlite3.connect(db_path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    database = open_database(db_path)  # the real application opens it normally afterwards
    assert current_revision(database) == revision
    database.dispose()
