"""One audit key per shared base: a seat that lacks it writes nothing and says how to import it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import audit_key
from core.actor import SYSTEM
from core.audit import verify_trail
from core.users import add_user
from db import models as m
from db.open import open_database

pytestmark = pytest.mark.stress  # several processes at once: its own CI step (README « Tests »)

MAIN = str(Path(__file__).resolve().parents[2] / "main.py")
PASSWORD = "Brume-Tilleul-Quai-42!"


def _seat(url: str, keys: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """main.py on a seat whose data folder holds the audit keys in `keys`."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{audit_key.KEY_DIR_VARIABLE: str(keys)})
    return subprocess.run([sys.executable, MAIN, "--db", url, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


def _key_settings(database) -> tuple[str, str, int]:
    with database.session() as session:
        return (session.get(m.Setting, audit_key.KEY_SETTING).value,
                session.get(m.Setting, audit_key.FINGERPRINT_SETTING).value,
                session.scalar(select(func.count(m.AuditEvent.id))))


def test_a_seat_without_the_base_s_key_refuses_until_the_administrator_imports_it(postgres_url, tmp_path,
                                                                                   monkeypatch):
    first, second, other = tmp_path / "poste1", tmp_path / "poste2", tmp_path / "autre-bureau"
    monkeypatch.setenv(audit_key.KEY_DIR_VARIABLE, str(first))
    audit_key.forget_cached_keys()
    database = open_database(postgres_url)
    add_user(database, SYSTEM, "gerard", "Gérard Nouvel", "manager", PASSWORD)  # the first seat makes the key
    before = _key_settings(database)
    assert (first / f"{before[0]}.cle").exists()

    export = ["--utilisateur", "gerard", "export", "--format", "csv", "-o", str(tmp_path / "liste.csv")]
    refused = _seat(postgres_url, second, *export, stdin=PASSWORD + "\n")
    assert refused.returncode == 1 and not (tmp_path / "liste.csv").exists()
    assert "ne détient pas la clé du journal d'audit de cette base" in refused.stderr
    assert "audit cle --importer" in refused.stderr and "Traceback" not in refused.stderr
    assert _key_settings(database) == before  # no second key invented, nothing written
    assert not list(second.glob("*.cle"))

    stranger = other / "cle.json"  # a key of another office's base
    audit_key.forget_cached_keys()
    monkeypatch.setenv(audit_key.KEY_DIR_VARIABLE, str(other))
    stranger.parent.mkdir()
    stranger.write_text(json.dumps({"cle": audit_key.create_key(), "secret": "ab" * 32}))
    wrong = _seat(postgres_url, second, "audit", "cle", "--importer", str(stranger))
    assert wrong.returncode == 1 and "n'est pas celle qui scelle le journal de cette base" in wrong.stderr
    forged = other / "forgee.json"  # the right name, another secret
    forged.write_text(json.dumps({"cle": before[0], "secret": "cd" * 32}))
    wrong = _seat(postgres_url, second, "audit", "cle", "--importer", str(forged))
    assert wrong.returncode == 1 and "empreinte différente" in wrong.stderr

    exported = _seat(postgres_url, first, "audit", "cle", "--exporter", str(tmp_path / "cle-bureau.json"))
    assert exported.returncode == 0, exported.stderr
    imported = _seat(postgres_url, second, "audit", "cle", "--importer", str(tmp_path / "cle-bureau.json"))
    assert imported.returncode == 0, imported.stderr
    done = _seat(postgres_url, second, *export, stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr

    monkeypatch.setenv(audit_key.KEY_DIR_VARIABLE, str(first))
    audit_key.forget_cached_keys()
    with database.session() as session:
        keys = set(session.scalars(select(m.AuditEvent.key_id).where(m.AuditEvent.key_id != "")))
    assert keys == {before[0]}  # one key for the whole trail, whichever seat wrote
    check = verify_trail(database)
    assert not check.problems
    database.dispose()
