"""Opening safely: no network share, one window per file, `check` reports problems in French."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import db.engine as engine_module
from db.engine import Database, network_filesystem
from db.errors import AlreadyOpenError, NetworkShareError
from db.instance_lock import InstanceLock, is_locked
from tests.damage import damage_table

ROOT = Path(__file__).resolve().parents[2]
MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
//nas/partage /mnt/bureau cifs rw,vers=3.0 0 0
nas:/export/mediation /srv/mediation nfs4 rw 0 0
/dev/sdb1 /srv/mediation/local ext4 rw 0 0
/dev/sdc1 /mnt/bureau\\040local ext4 rw 0 0
"""


@pytest.fixture
def mounts(tmp_path, monkeypatch):
    path = tmp_path / "mounts"
    path.write_text(MOUNTS)
    monkeypatch.setattr(engine_module, "MOUNTS_FILE", path)
    return path


@pytest.mark.parametrize("where, expected", [
    ("/mnt/bureau/mediation.sqlite3", "cifs"),
    ("/srv/mediation/base.sqlite3", "nfs4"),
    ("/srv/mediation/local/base.sqlite3", None),  # the longest mount point wins: a local disk
    ("/mnt/bureau local/base.sqlite3", None),
    ("/home/agent/base.sqlite3", None),
    ("//serveur/partage/base.sqlite3", "UNC"),
    ("\\\\serveur\\partage\\base.sqlite3", "UNC"),
])
def test_network_file_systems_are_recognised(mounts, where, expected):
    assert network_filesystem(where) == expected


def test_a_database_on_a_network_share_is_refused_with_the_postgresql_advice(mounts):
    for target in ("/mnt/bureau/mediation.sqlite3", "sqlite:////srv/mediation/base.sqlite3",
                   "\\\\serveur\\partage\\base.sqlite3"):
        with pytest.raises(NetworkShareError) as error:
            Database(target)
        assert "partage réseau" in str(error.value) and "PostgreSQL" in str(error.value)


def test_a_second_window_on_the_same_file_gets_a_clear_message(db_path, db):
    with InstanceLock.acquire(db_path):
        assert is_locked(db_path)
        with pytest.raises(AlreadyOpenError) as error:
            InstanceLock.acquire(db_path)
        assert "déjà ouverte par une autre fenêtre" in str(error.value)
        code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path;"
                f"from db.instance_lock import is_locked; print(is_locked(Path({str(db_path)!r})))")
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert other.stdout.strip() == "True"  # another process sees it too
    assert not is_locked(db_path)
    InstanceLock.acquire(db_path).release()  # released at close: the next start works


def test_restore_is_refused_while_the_application_has_the_base_open(db_path, db, tmp_path):
    from db.backup import backup_database

    copy = backup_database(db, tmp_path / "copie.sqlite3")
    with InstanceLock.acquire(db_path):
        result = run_main("--db", str(db_path), "restore", str(copy))
    assert result.returncode == 1
    assert "déjà ouverte" in result.stderr and "Traceback" not in result.stderr


def run_main(*args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=120)


def test_check_command_reports_damage_in_french_with_a_non_zero_exit(demo_db, db_path):
    ok = run_main("--db", str(db_path), "check", "--complet")
    assert ok.returncode == 0 and "aucun problème" in ok.stdout
    demo_db.dispose()
    damage_table(db_path, "households")
    damaged = run_main("--db", str(db_path), "check", "--complet")
    assert damaged.returncode == 1
    assert re.search(r"\d+ problèmes? trouvés? :", damaged.stdout) and "restaurez" in damaged.stdout
    assert "Traceback" not in damaged.stderr


def test_the_application_does_not_open_a_damaged_base(demo_db, db_path, tmp_path):
    demo_db.dispose()
    damage_table(db_path, "cases")
    before = db_path.read_bytes()
    png = tmp_path / "fenetre.png"
    result = run_main("--db", str(db_path), "--screenshot", str(png))  # unattended start: no dialog
    assert result.returncode == 1 and not png.exists()
    assert "endommagée et n'a pas été ouverte" in result.stderr and "restore" in result.stderr
    assert "Traceback" not in result.stderr
    assert db_path.read_bytes() == before  # not one byte written to the damaged file
