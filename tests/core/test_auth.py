"""Login: Argon2id hashes, password policy, throttling, first administrator."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.actor import SYSTEM
from core.auth import AuthenticationError, authenticate, check_password_policy, delay_after, needs_first_administrator
from core.errors import PermissionDenied, ValidationError
from core.queries.admin import list_users
from core.users import add_user, create_first_administrator, disable_user, set_password
from db.models import AuditEvent, LoginThrottle, User

GOOD = "Beffroi-Lille-2026"


def _events(db, action):
    with db.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("password", ["Court-1a", "toutenminuscules-123", "SANSCHIFFRE-abcdef", "Sanssigne12345"])
def test_weak_passwords_are_refused_with_a_french_reason(password):
    with pytest.raises(ValidationError, match="au moins 12 caractères"):
        check_password_policy(password)


@pytest.mark.parametrize("password", [GOOD, "la mer du nord est grise ce matin", "Tq7#vL2!mWp9",
                                      "ours-brun-grimpe-escalier-42"])
def test_strong_passwords_and_long_passphrases_pass(password):
    check_password_policy(password, role="admin")


def test_password_containing_the_login_is_refused():
    with pytest.raises(ValidationError, match="identifiant"):
        check_password_policy("Camille-Lille-2026", login="camille")


def test_passwords_are_stored_only_as_argon2id_hashes(db, db_path):
    user_id = add_user(db, SYSTEM, "camille", "Camille Martin", "agent", GOOD).result
    set_password(db, SYSTEM, user_id, "Autre-Secret-2027")
    with db.session() as s:
        stored = s.get(User, user_id).password_hash
    assert stored.startswith("$argon2id$")
    db.dispose()
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))
    assert GOOD.encode() not in raw and b"Autre-Secret-2027" not in raw


def test_login_succeeds_and_is_audited(db):
    add_user(db, SYSTEM, "camille", "Camille Martin", "manager", GOOD)
    actor = authenticate(db, "Camille", GOOD)
    assert (actor.login, actor.role) == ("camille", "manager")
    assert [e.user_login for e in _events(db, "connexion")] == ["camille"]


def test_wrong_password_unknown_login_and_disabled_account_are_refused_and_audited(db):
    user_id = add_user(db, SYSTEM, "camille", "Camille Martin", "agent", GOOD).result
    add_user(db, SYSTEM, "admin2", "Admin", "admin", GOOD)
    for login, password in (("camille", "faux"), ("personne", GOOD)):
        with pytest.raises(AuthenticationError, match="Identifiant ou mot de passe incorrect"):
            authenticate(db, login, password)
    disable_user(db, SYSTEM, user_id)
    with pytest.raises(AuthenticationError):
        authenticate(db, "camille", GOOD)
    reasons = [e.details for e in _events(db, "connexion.echec")]
    assert len(reasons) == 3
    assert "mot de passe erroné" in reasons[0] and "inconnu" in reasons[1] and "désactivé" in reasons[2]


def _time_passes(db, seconds=31):
    with db.write() as s:
        for row in s.scalars(select(LoginThrottle).where(LoginThrottle.locked_until.is_not(None))):
            row.locked_until -= timedelta(seconds=seconds)


def test_throttling_after_five_failures_even_with_the_right_password(db):
    add_user(db, SYSTEM, "camille", "Camille Martin", "agent", GOOD)
    for attempt in range(4):
        with pytest.raises(AuthenticationError) as refused:
            authenticate(db, "camille", "mauvais")
        assert refused.value.wait_seconds == 0
    with pytest.raises(AuthenticationError, match="réessayez dans 30 secondes"):
        authenticate(db, "camille", "mauvais")
    with pytest.raises(AuthenticationError, match="Trop d'essais"):
        authenticate(db, "camille", GOOD)  # even the right password waits
    assert list_users(db, SYSTEM)[0].locked
    _time_passes(db)
    assert authenticate(db, "camille", GOOD).login == "camille"
    with db.session() as s:
        assert s.scalar(select(LoginThrottle.failures).where(LoginThrottle.key == "identifiant:camille")) is None


def test_delay_doubles_and_is_capped():
    assert [delay_after(n) for n in (4, 5, 6, 7)] == [0, 30, 60, 120]
    assert delay_after(40) == 15 * 60


def test_first_administrator_only_while_nobody_can_log_in(db):
    with db.session() as s:
        assert needs_first_administrator(s)
    create_first_administrator(db, "chef", "Chef de service", GOOD)
    with db.session() as s:
        assert not needs_first_administrator(s)
    with pytest.raises(PermissionDenied):
        create_first_administrator(db, "pirate", "Pirate", GOOD)
    assert authenticate(db, "chef", GOOD).role == "admin"


def test_last_active_administrator_cannot_be_disabled(db):
    admin_id = add_user(db, SYSTEM, "chef", "Chef", "admin", GOOD).result
    with pytest.raises(ValidationError, match="dernier administrateur"):
        disable_user(db, SYSTEM, admin_id)


def test_only_administrators_manage_users(db):
    add_user(db, SYSTEM, "camille", "Camille", "manager", GOOD)
    manager = authenticate(db, "camille", GOOD)
    with pytest.raises(PermissionDenied, match="gérer les comptes"):
        add_user(db, manager, "intrus", "Intrus", "admin", GOOD)
    with pytest.raises(PermissionDenied):
        list_users(db, manager)


def test_accounts_without_password_cannot_log_in(db):
    add_user(db, SYSTEM, "sanspasse", "Sans Mot de passe", "agent")
    for password in ("", "mot de passe fictif"):
        with pytest.raises(AuthenticationError):
            authenticate(db, "sanspasse", password)
        with pytest.raises(AuthenticationError):
            authenticate(db, "inconnu", password)


# -- as an attacker would try ------------------------------------------------------------------------

WEAK = ["Password1234!", "Marseille2026!", "a b c d e f g h i j k", "1 2 3 4 5 6 7 8 9 10", "aaaa aaaa aaaa bbbb cccc"]


@pytest.mark.parametrize("password", WEAK)
@pytest.mark.parametrize("role", ["agent", "admin"])
def test_guessable_passwords_are_refused_with_french_advice(db, password, role):
    with pytest.raises(ValidationError) as refused:
        add_user(db, SYSTEM, "camille", "Camille Martin", role, password)
    message = refused.value.message
    assert refused.value.field == "password" and "trop" in message
    assert not any(english in message for english in ("Add another", "easy to guess", "Avoid"))
    with db.session() as s:
        assert s.scalar(select(User.id).where(User.login == "camille")) is None


def test_the_estimator_hints_are_given_in_french():
    with pytest.raises(ValidationError) as refused:
        check_password_policy("Password1234!", login="camille")
    assert "mot de passe très répandu" in refused.value.message


def test_the_application_words_and_the_persons_name_count_against_a_password():
    check_password_policy("Sabrina-Lefort-59", login="camille", full_name="Camille Martin", role="admin")
    with pytest.raises(ValidationError, match="trop facile"):  # her own name is the first thing tried
        check_password_policy("Sabrina-Lefort-59", login="camille", full_name="Camille Lefort", role="admin")


def test_administrators_need_the_top_score_agents_one_less():
    check_password_policy("Bordeaux-Velo-26", role="agent")
    with pytest.raises(ValidationError, match="il faut 4 pour un compte administrateur"):
        check_password_policy("Bordeaux-Velo-26", role="admin")


def test_the_published_demo_password_is_refused_on_a_real_base(db):
    from core.users import DEMO_PASSWORD

    with pytest.raises(ValidationError, match="démonstration"):
        add_user(db, SYSTEM, "camille", "Camille Martin", "agent", DEMO_PASSWORD)
    user_id = add_user(db, SYSTEM, "camille", "Camille Martin", "agent", GOOD).result
    with pytest.raises(ValidationError, match="démonstration"):
        set_password(db, SYSTEM, user_id, DEMO_PASSWORD)


def test_the_demo_password_is_accepted_on_a_demo_base(demo_db):
    from core.users import DEMO_PASSWORD

    add_user(demo_db, SYSTEM, "visiteur", "Visiteur", "agent", DEMO_PASSWORD)
    assert authenticate(demo_db, "visiteur", DEMO_PASSWORD).login == "visiteur"


def test_an_unknown_login_is_throttled_exactly_like_an_existing_one(db):
    add_user(db, SYSTEM, "camille", "Camille Martin", "agent", GOOD)
    answers = {}
    for login in ("camille", "personne"):
        answers[login] = []
        for _attempt in range(6):
            with pytest.raises(AuthenticationError) as refused:
                authenticate(db, login, "mauvais-mot-de-passe")
            # The seconds left tick down while the test runs: compare the answers, not the clock.
            answers[login].append((re.sub(r"\d+", "N", refused.value.message), refused.value.wait_seconds > 0))
        _time_passes(db, 10_000)
    assert answers["camille"] == answers["personne"]
    assert "Trop d'essais" in answers["personne"][4][0]


def test_a_few_tries_on_each_of_many_accounts_hit_the_workstation_limit(db):
    from core.throttle import WORKSTATION_FREE_ATTEMPTS

    for number in range(21):
        add_user(db, SYSTEM, f"agent{number:02d}", f"Agent {number}", "agent", GOOD)
    waits = []
    for number in range(21):
        for _attempt in range(4):
            try:
                authenticate(db, f"agent{number:02d}", "Soleil-2026!")
            except AuthenticationError as refused:
                waits.append(refused.wait_seconds)
    assert all(wait == 0 for wait in waits[:WORKSTATION_FREE_ATTEMPTS - 1])
    assert waits[WORKSTATION_FREE_ATTEMPTS - 1] > 0
    assert sum(1 for wait in waits if wait) >= len(waits) - WORKSTATION_FREE_ATTEMPTS
    with pytest.raises(AuthenticationError, match="Trop d'essais"):
        authenticate(db, "agent20", GOOD)  # the workstation waits, even for a right password


def test_every_refusal_hashes_once_and_takes_the_same_time_whether_the_login_exists(db, monkeypatch):
    """50 tries on each side: one Argon2 verification per attempt on every path (unknown, wrong, throttled),
    and medians within a generous margin (2 busy cores, cheap test costs: the structure is the real proof)."""
    import statistics
    import time

    from core import auth

    add_user(db, SYSTEM, "camille", "Camille Martin", "agent", GOOD)
    calls = []
    real_verify = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda *a, **k: calls.append(1) or real_verify(*a, **k))
    timings = {"camille": [], "personne": []}
    for _round in range(50):
        for login in timings:
            before, started = len(calls), time.perf_counter()
            with pytest.raises(AuthenticationError):
                authenticate(db, login, "mauvais-mot-de-passe")
            timings[login].append(time.perf_counter() - started)
            assert len(calls) - before == 1, login
    known, unknown = (statistics.median(timings[k]) for k in ("camille", "personne"))
    assert abs(known - unknown) < max(0.5 * max(known, unknown), 0.005), (known, unknown)


def test_a_throttled_answer_still_costs_one_hash(db, monkeypatch):
    from core import auth

    for _attempt in range(5):
        with pytest.raises(AuthenticationError):
            authenticate(db, "personne", "mauvais")
    calls = []
    real_verify = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda *a, **k: calls.append(1) or real_verify(*a, **k))
    with pytest.raises(AuthenticationError, match="Trop d'essais"):
        authenticate(db, "personne", "mauvais")
    assert len(calls) == 1
