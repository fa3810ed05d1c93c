"""What a user meets when the server refuses: French, whatever the server's own words (translated by SQLSTATE)."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from db.errors import DatabaseOpenError, describe_error, is_transient
from db.open import open_database
from tests.postgres import _free_port

MAIN = str(Path(__file__).resolve().parents[2] / "main.py")
PASSWORD = "Serveur-Bureau-2026"


@pytest.fixture(scope="module")
def guarded_server():
    """A server that asks for a password over TCP, as an office's server does."""
    from tests.postgres import running_server

    with running_server(password=PASSWORD) as url:
        yield url


def _refusal(url: str) -> str:
    with pytest.raises(DatabaseOpenError) as refused:
        open_database(url)
    return refused.value.message


def test_a_wrong_server_password_is_told_in_french(guarded_server):
    message = _refusal(guarded_server.replace(PASSWORD, "mauvais"))
    assert "mot de passe du serveur incorrect" in message and "mauvais" not in message
    assert "authentication" not in message


def test_an_unknown_database_is_told_in_french(guarded_server):
    message = _refusal(guarded_server.rsplit("/", 1)[0] + "/mediation_inconnue")
    assert message.startswith("La base de données indiquée dans l'adresse de connexion n'existe pas")


def test_a_server_that_does_not_answer_is_told_in_french():
    message = _refusal(f"postgresql+psycopg://postgres:x@127.0.0.1:{_free_port()}/mediation")
    assert "ne répond pas (connexion refusée)" in message and "Is the server running" not in message


def test_the_command_line_says_it_in_french_too(guarded_server, tmp_path):
    wrong = guarded_server.replace(PASSWORD, "mauvais")
    done = subprocess.run([sys.executable, MAIN, "--db", wrong, "--utilisateur", "gerard", "export", "--format",
                           "csv", "-o", str(tmp_path / "liste.csv")], input="x\n", capture_output=True, text=True,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), timeout=120)
    assert done.returncode != 0
    assert "mot de passe du serveur incorrect" in done.stderr and "Traceback" not in done.stderr
    assert "authentication failed" not in done.stderr


def _server_error(url: str, *statements: str, parameters: dict | None = None) -> BaseException:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements[:-1]:
                connection.execute(text(statement))
            connection.execute(text(statements[-1]), parameters or {})
    except Exception as error:  # noqa: BLE001 - the test looks at it
        return error
    finally:
        engine.dispose()
    raise AssertionError("the server accepted it")


def test_refusals_by_the_server_are_told_in_french(postgres_url):
    setup = ("CREATE TABLE parent (id int PRIMARY KEY, code varchar(5) UNIQUE, texte text)",
             "CREATE TABLE enfant (id int PRIMARY KEY, parent_id int REFERENCES parent(id))",
             "INSERT INTO parent VALUES (1, 'A1', '')")
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        for statement in setup:
            connection.execute(text(statement))
    engine.dispose()
    cases = {
        "cette valeur existe déjà (« A1 »)": ("INSERT INTO parent VALUES (2, 'A1', '')",),
        "fait référence à un élément qui n'existe pas": ("INSERT INTO enfant VALUES (1, 99)",),
        "un texte est trop long": ("INSERT INTO parent VALUES (3, 'TROP-LONG', '')",),
        "trop de temps": ("SET LOCAL statement_timeout = 50", "SELECT pg_sleep(2)"),
    }
    for expected, statements in cases.items():
        message = describe_error(_server_error(postgres_url, *statements))
        assert expected in message, (expected, message)
    nul = _server_error(postgres_url, "INSERT INTO parent VALUES (4, 'B', :texte)", parameters={"texte": "a\x00b"})
    assert "caractère invalide" in describe_error(nul)


def test_a_deadlock_between_two_seats_is_told_in_french_and_marked_for_a_retry(postgres_url):
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE compteur (id int PRIMARY KEY, n int)"))
        connection.execute(text("INSERT INTO compteur VALUES (1, 0), (2, 0)"))
    both_hold_one = threading.Barrier(2)
    errors = []

    def seat(first: int, second: int):
        try:
            with engine.begin() as connection:
                connection.execute(text("UPDATE compteur SET n = n + 1 WHERE id = :id"), {"id": first})
                both_hold_one.wait(timeout=10)
                connection.execute(text("UPDATE compteur SET n = n + 1 WHERE id = :id"), {"id": second})
        except Exception as error:  # noqa: BLE001 - the test looks at it
            errors.append(error)

    seats = [threading.Thread(target=seat, args=(1, 2)), threading.Thread(target=seat, args=(2, 1))]
    for thread in seats:
        thread.start()
    for thread in seats:
        thread.join(timeout=30)
    engine.dispose()
    assert len(errors) == 1 and is_transient(errors[0])
    assert "un autre poste a modifié les mêmes données au même moment" in describe_error(errors[0])


def test_a_save_caught_in_a_deadlock_with_another_seat_is_run_again(postgres_url):
    """Another seat holds the audit trail's lock and then wants the case row this save has just updated: the
    server breaks the deadlock by cancelling the save, which runs again once the other seat is done."""
    from sqlalchemy import select

    from core.services.cases import update_case
    from db import models as m
    from tests.core.trade_helpers import make_user, new_case

    database = open_database(postgres_url)
    agent = make_user(database, login="sabrina", role="manager")
    case_id = new_case(database, agent)
    engine = create_engine(postgres_url)
    other_seat = engine.connect()
    other_seat.begin()
    other_seat.execute(text("SELECT pg_advisory_xact_lock(770007)"))  # as while appending to the trail
    done = {}

    def save():
        try:
            update_case(database, agent, case_id, {"summary": "Visite du 3 décembre faite"})
            done["ok"] = True
        except Exception as error:  # noqa: BLE001 - the test reports it
            done["error"] = error

    saving = threading.Thread(target=save)
    saving.start()
    time.sleep(0.3)  # the save holds the case row and waits for the trail's lock
    other_seat.execute(text("UPDATE cases SET priority = priority WHERE id = :id"), {"id": case_id})  # deadlock
    other_seat.commit()
    other_seat.close()
    saving.join(timeout=30)
    engine.dispose()
    assert done == {"ok": True}, done
    with database.session() as session:
        assert session.get(m.Case, case_id).summary == "Visite du 3 décembre faite"
        saves = session.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "case.update")).all()
    assert len(saves) == 1  # the cancelled attempt left nothing
    database.dispose()
