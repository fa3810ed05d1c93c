"""Login: Argon2id hashes, password policy, throttling, first administrator."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.actor import SYSTEM
from core.auth import AuthenticationError, authenticate, check_password_policy, delay_after, needs_first_administrator
from core.errors import PermissionDenied, ValidationError
from core.queries.admin import list_users
from core.users import add_user, create_first_administrator, disable_user, set_password
from db.models import AuditEvent, User

GOOD = "Bonjour-Lille-2026"


def _events(db, action):
    with db.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("password", ["Court-1a", "toutenminuscules-123", "SANSCHIFFRE-abcdef", "Sanssigne12345"])
def test_weak_passwords_are_refused_with_a_french_reason(password):
    with pytest.raises(ValidationError, match="au moins 12 caractères"):
        check_password_policy(password)


@pytest.mark.parametrize("password", [GOOD, "la mer du nord est grise ce matin", "Zx9!Zx9!Zx9!"])
def test_strong_passwords_and_long_passphrases_pass(password):
    check_password_policy(password)


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
    with db.write() as s:  # time passes
        user = s.scalar(select(User).where(User.login == "camille"))
        user.locked_until -= timedelta(seconds=31)
    assert authenticate(db, "camille", GOOD).login == "camille"
    with db.session() as s:
        assert s.scalar(select(User.failed_logins).where(User.login == "camille")) == 0


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
