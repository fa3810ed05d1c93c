"""Search: French users type « oe » for « œ » and « ae » for « æ » (issue 19), in the list, pickers and command line."""
import csv
import os
import subprocess
import sys
from pathlib import Path

from core.case_list import CaseQuery, case_ids
from db.search import fold
from tests.core.trade_helpers import make_user, new_case

ROOT = Path(__file__).resolve().parents[2]


def _make_cases(database):
    actor = make_user(database)
    wanted = new_case(database, actor, last_name="Lœuillet", first_name="Lætitia")
    other = new_case(database, actor, last_name="Martin", first_name="Paul")
    return wanted, other


def test_fold_transliterates_ligatures_and_accents():
    assert fold("Lœuillet") == "loeuillet"
    assert fold("LÆTITIA") == "laetitia"
    assert fold("Hélène Çağlar") == "helene caglar"


def test_oe_and_ae_typed_find_the_ligatures_in_the_case_list(db):
    wanted, other = _make_cases(db)
    with db.session() as session:
        for typed in ("loeuillet", "LOEUILLET", "lœuillet", "loeu", "laetitia", "lætitia", "loeuillet laet"):
            assert case_ids(session, CaseQuery(text=typed)) == [wanted], typed
        assert case_ids(session, CaseQuery(text="martin")) == [other]


def test_postgresql_finds_the_ligatures_too(postgres_url):
    from db.open import open_database

    database = open_database(postgres_url)
    try:
        wanted, _other = _make_cases(database)
        with database.session() as session:
            for typed in ("loeuillet", "Lœuillet", "laetitia"):
                assert wanted in case_ids(session, CaseQuery(text=typed)), typed
    finally:
        database.dispose()


def test_command_line_export_search_finds_the_ligature(db, db_path, tmp_path):
    wanted, _other = _make_cases(db)
    db.dispose()
    target = tmp_path / "liste.csv"
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "export", "--format", "csv",
                             "-o", str(target), "--search", "loeuillet"], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), timeout=120)
    assert result.returncode == 0, result.stderr
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert len(rows) == 2 and any("LŒUILLET" in cell.upper() for cell in rows[1])


def test_upgrading_an_older_base_rebuilds_its_index_with_the_transliteration(db):
    """A base indexed before 0006 held « lœuillet » as typed: the upgrade refolds it."""
    from sqlalchemy import text

    from db.migrate import run_alembic

    wanted, _other = _make_cases(db)
    run_alembic(db, "downgrade", "0005_security")
    with db.write() as session:
        session.execute(text("UPDATE case_search SET household = 'Lœuillet Lætitia'"))
    with db.session() as session:
        assert case_ids(session, CaseQuery(text="loeuillet")) == []
    run_alembic(db, "upgrade", "head")
    with db.session() as session:
        assert case_ids(session, CaseQuery(text="loeuillet")) == [wanted]
