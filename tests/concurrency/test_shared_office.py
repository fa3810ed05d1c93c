"""Several seats working on one base at the same moment (PostgreSQL for a shared office, SQLite for one
workstation's file): nothing refused, nothing lost, references unique and contiguous."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from db.open import open_database
from tests.core.trade_helpers import make_user, new_case

pytestmark = pytest.mark.stress  # several processes at once: its own CI step (README « Tests »)

SEAT = Path(__file__).with_name("seat.py")


def _run_seats(url: str, seats: int, per_seat: int, tmp_path: Path, command: str = "create") -> list[dict]:
    database = open_database(url)  # migrated once, before the seats start
    for index in range(seats):
        make_user(database, login=f"siege{index}", role="manager")
    database.dispose()
    flag = tmp_path / "go"
    processes = [subprocess.Popen([sys.executable, str(SEAT), command, url, str(per_seat), f"siege{index}",
                                   str(flag)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for index in range(seats)]
    flag.touch()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _check_contiguous(results: list[dict], expected: int) -> None:
    refused = [message for r in results for message in r["refused"]]
    assert not refused, f"{len(refused)} creations refused: {Counter(refused).most_common(2)}"
    references = [ref for r in results for ref in r["references"]]
    assert len(references) == len(set(references)) == expected
    numbers = sorted(int(ref[5:]) for ref in references)
    assert numbers == list(range(1, expected + 1))  # contiguous: no number lost, none given twice


@pytest.mark.slow
def test_eight_seats_creating_at_once_on_postgresql(postgres_url, tmp_path):
    _check_contiguous(_run_seats(postgres_url, seats=8, per_seat=50, tmp_path=tmp_path), 400)


@pytest.mark.slow
def test_three_processes_creating_at_once_on_one_sqlite_file(tmp_path):
    url = str(tmp_path / "bureau.sqlite3")
    _check_contiguous(_run_seats(url, seats=3, per_seat=12, tmp_path=tmp_path), 36)


def test_two_seats_applying_the_same_reminders_at_once_on_postgresql(postgres_url):
    """The second seat's run waits on the first's uncommitted tasks, then skips them: no IntegrityError."""
    import threading
    from datetime import date

    from sqlalchemy import func, select

    from core.demo import build_demo
    from core.reminders import apply_plan, plan_reminders
    from db import models as m

    today = date(2026, 11, 25)
    database = open_database(postgres_url)
    build_demo(database, cases=40, seed=5, today=today)
    with database.session() as session:
        session.execute(m.Task.__table__.delete().where(m.Task.rule_key.is_not(None)))
        session.commit()
        plan = plan_reminders(session, today)
    assert plan.new
    errors = []

    def second_seat():
        try:
            with database.write() as session:
                apply_plan(session, plan, today)
        except Exception as error:  # noqa: BLE001 - the test reports it
            errors.append(error)

    with database.write() as first:
        apply_plan(first, plan, today)
        other = threading.Thread(target=second_seat)
        other.start()
        other.join(timeout=1.0)  # it is now blocked on our uncommitted rows
        assert other.is_alive()
    other.join(timeout=30)
    assert not errors
    with database.session() as session:
        assert session.scalar(select(func.count(m.Task.id)).where(m.Task.rule_key.is_not(None))) == len(plan.new)
    database.dispose()


@pytest.mark.slow
def test_seats_editing_the_same_cases_lose_no_acknowledged_save(postgres_url, tmp_path):
    """Every save a seat was told succeeded is there (one version step each), every refused one was told in
    French, nothing else went wrong."""
    from sqlalchemy import select

    from db import models as m

    database = open_database(postgres_url)
    owner = make_user(database, login="proprietaire", role="manager")
    for index in range(20):
        new_case(database, owner, last_name=f"Partagé {index}")
    with database.session() as session:
        before = dict(session.execute(select(m.Case.id, m.Case.version)).all())
    database.dispose()
    results = _run_seats(postgres_url, seats=8, per_seat=30, tmp_path=tmp_path, command="edit")  # 30 s each
    assert not [e for r in results for e in r["errors"]]
    refused = [message for r in results for message in r["refused"]]
    assert all(message.startswith("Enregistrement refusé") for message in refused)
    acknowledged = [(case_id, token) for r in results for case_id, token in r["acknowledged"]]
    assert len(acknowledged) > 20
    database = open_database(postgres_url)
    with database.session() as session:
        after = {row.id: row for row in session.scalars(select(m.Case))}
    for case_id, version in before.items():
        saves = [token for c, token in acknowledged if c == case_id]
        assert after[case_id].version - version == len(saves)
        if saves:
            assert after[case_id].summary in saves
    database.dispose()


def test_a_seat_s_anchor_shows_newest_events_deleted_on_the_server(postgres_url):
    """On a server there is no backup folder of the base: each seat anchors the trail in its own data folder at
    a clean close, so events deleted afterwards by someone with rights on the server are seen."""
    from sqlalchemy import func, select, text

    from core.audit import log_event, verify_trail
    from core.audit_anchor import anchor_at_close
    from core.actor import SYSTEM
    from db import models as m

    database = open_database(postgres_url)
    for index in range(4):
        log_event(database, SYSTEM, "essai", "test", index)
    anchor_at_close(database)
    check = verify_trail(database)
    assert check.anchor is not None and not check.problems
    with database.session() as session:
        newest = session.scalar(select(func.max(m.AuditEvent.id)))
        session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        session.execute(text("DELETE FROM audit_events WHERE id >= :id"), {"id": newest - 1})
        session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        session.commit()
    check = verify_trail(database)
    assert check.problems and any("disparu" in problem.reason for problem in check.problems)
    database.dispose()


def test_the_command_line_on_a_server_logs_in_and_is_audited_under_that_account(postgres_url, tmp_path):
    """On a shared server nobody exports without an application account; on a local file the workstation's
    administrator still can (the « système » actor)."""
    import os

    from sqlalchemy import select

    from core.users import add_user
    from core.actor import SYSTEM
    from db import models as m

    database = open_database(postgres_url)
    password = "Brume-Tilleul-Quai-42!"
    add_user(database, SYSTEM, "gerard", "Gérard Nouvel", "manager", password)
    database.dispose()
    main = str(Path(__file__).resolve().parents[2] / "main.py")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    target = tmp_path / "liste.csv"

    def run(*args, stdin=""):
        return subprocess.run([sys.executable, main, "--db", postgres_url, *args], input=stdin, text=True,
                              capture_output=True, env=env, timeout=120)

    refused = run("export", "--format", "csv", "-o", str(target))
    assert refused.returncode == 1 and "--utilisateur" in refused.stderr and not target.exists()
    wrong = run("--utilisateur", "gerard", "export", "--format", "csv", "-o", str(target), stdin="mauvais\n")
    assert wrong.returncode == 1 and "Connexion refusée" in wrong.stderr and not target.exists()
    done = run("--utilisateur", "gerard", "export", "--format", "csv", "-o", str(target), stdin=password + "\n")
    assert done.returncode == 0, done.stderr
    database = open_database(postgres_url)
    with database.session() as session:
        export_event = session.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export")).one()
    assert export_event.user_login == "gerard"
    database.dispose()


@pytest.mark.slow
def test_wrong_logins_at_once_on_one_account_are_all_counted_and_audited(postgres_url, tmp_path):
    """Eight seats typing a wrong password for the same account at the same moment: eight refusals in French,
    eight audit events, and every attempt judged is counted towards the wait (none lost to a race)."""
    from sqlalchemy import select

    from core.throttle import login_key, workstation_key
    from db import models as m

    database = open_database(postgres_url)
    make_user(database, login="cible", role="agent")
    database.dispose()
    flag = tmp_path / "go"
    processes = [subprocess.Popen([sys.executable, str(SEAT), "login", postgres_url, "-", "cible", str(flag)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    flag.touch()
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err[-2000:]
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    assert all(outcome.get("refused", "").startswith(("Identifiant ou mot de passe incorrect", "Trop d'essais"))
               for outcome in outcomes), outcomes
    database = open_database(postgres_url)
    with database.session() as session:
        reasons = [json.loads(details)["motif"] for details in session.scalars(
            select(m.AuditEvent.details).where(m.AuditEvent.action == "connexion.echec"))]
        counters = dict(session.execute(select(m.LoginThrottle.key, m.LoginThrottle.failures)).all())
    database.dispose()
    assert len(reasons) == 8  # every attempt audited
    judged = reasons.count("mot de passe erroné")
    assert judged >= 5 and judged + reasons.count("essai pendant l'attente imposée") == 8
    assert counters[login_key("cible")] == judged and counters[workstation_key()] == judged
