"""Login: Argon2id password hashes, the password policy and throttling.

Hashes are argon2-cffi's PHC strings (`$argon2id$v=19$m=...`), so each one
carries its own salt and cost; a hash made with older costs is upgraded at the
next successful login. Failed attempts are counted per login name and per
workstation (core.throttle); from the fifth one the name waits longer and longer
before the next try, which defeats guessing without locking a colleague out for good.
"""
from __future__ import annotations


from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import throttle
from core.actor import SYSTEM, Actor
from core.audit import record_event
from core.password_policy import check_password_policy  # noqa: F401 - the policy's historical home
from core.throttle import delay_after  # noqa: F401
from core.validation import CONTROL_CHARACTERS
from db.base import now
from db.engine import Database
from db.models import Case, Setting, User

# argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4) exceed OWASP's minimum.
_hasher = PasswordHasher()


def use_fast_hashing_for_tests() -> None:
    """TEST-ONLY: cheap Argon2id costs so the suite stays fast. Never called by the application."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def use_default_hashing() -> None:
    global _hasher
    _hasher = PasswordHasher()


class AuthenticationError(Exception):
    """A refused login, with the French message to show."""

    def __init__(self, message: str, wait_seconds: int = 0):
        super().__init__(message)
        self.message = message
        self.wait_seconds = wait_seconds


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def actor_for(user: User) -> Actor:
    return Actor(user_id=user.id, login=user.login, role=user.role, full_name=user.full_name,
                 sector_ids=frozenset(n.id for n in user.sectors))


def needs_first_administrator(session: Session) -> bool:
    """True when nobody can log in: the first start must create an administrator."""
    count = session.scalar(
        select(func.count(User.id)).where(User.active.is_(True), User.role == "admin", User.password_hash.is_not(None))
    )
    return not count


def _dummy_hash() -> str:
    """A hash to verify against when the login is unknown, so the answer takes as long either way."""
    global _DUMMY
    if _DUMMY is None or not _DUMMY.startswith(f"$argon2id$v=19$m={_hasher.memory_cost},t={_hasher.time_cost}"):
        _DUMMY = hash_password("mot de passe fictif")
    return _DUMMY


_DUMMY: str | None = None


def _matches(user: User | None, password: str) -> bool:
    """Verify the password; an unknown login or an account without password costs the same time and fails."""
    stored = user.password_hash if user is not None else None
    verified = verify_password(stored or _dummy_hash(), password)
    return verified and stored is not None


def _clean_login(login: str) -> str:
    """The typed login as counted and audited: stripped, control characters removed, 60 characters at most."""
    return CONTROL_CHARACTERS.sub("", (login or "").strip())[:60]


def authenticate(database: Database, login: str, password: str) -> Actor:
    """Return the actor for these credentials, or raise AuthenticationError (French message).

    Whatever the outcome — unknown login, wrong password, throttled, disabled — the password
    is hashed exactly once and the same counters are touched, so neither the message nor the
    time taken tells whether a login exists. Every outcome is audited with the counters.
    """
    login = _clean_login(login)
    _dummy_hash()  # made before timing matters, whichever path the first attempt takes
    refusal: AuthenticationError | None = None
    # The refusal is raised only after the commit: the failure counters and the audit event must persist.
    with database.write() as session:
        user = session.scalar(select(User).where(func.lower(User.login) == login.lower()))
        moment = now()
        wait = throttle.remaining_wait(session, [key for key, _free in throttle.keys_for(login)], moment)
        matches = _matches(user, password)
        if wait:
            _failed(session, login, user, "essai pendant l'attente imposée")
            refusal = AuthenticationError(_wait_message(wait), wait)
        elif not matches or not user.active:
            reason = "identifiant inconnu" if user is None else ("compte désactivé" if not user.active else "mot de passe erroné")
            wait = throttle.count_failures(session, login, moment)
            _failed(session, login, user, reason)
            message = "Identifiant ou mot de passe incorrect."
            refusal = AuthenticationError(message + (" " + _wait_message(wait) if wait else ""), wait)
        else:
            throttle.clear_login(session, login)
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            actor = actor_for(user)
            record_event(session, actor, "connexion", "user", user.id)
    if refusal is not None:
        raise refusal
    return actor


def _failed(session: Session, login: str, user: User | None, reason: str) -> None:
    who = Actor(user_id=user.id if user else None, login=login, role=user.role if user else "agent")
    record_event(session, who, "connexion.echec", "user", user.id if user else None, {"motif": reason})


def _wait_message(seconds: int) -> str:
    if seconds >= 60:
        minutes = (seconds + 59) // 60
        return f"Trop d'essais : réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."
    return f"Trop d'essais : réessayez dans {seconds} secondes."


def logout(database: Database, actor: Actor, reason: str = "") -> None:
    with database.write() as session:
        record_event(session, actor, "deconnexion", "user", actor.user_id, {"motif": reason} if reason else None)


def first_start(database: Database) -> bool:
    """True when the window must first create an administrator (nobody can log in)."""
    with database.session() as session:
        return needs_first_administrator(session)


def first_administrator(database: Database) -> Actor:
    """The first active administrator (SYSTEM when there is none): who works in a window opened without a login."""
    with database.session() as session:
        user = session.scalars(
            select(User).where(User.active.is_(True), User.role == "admin").order_by(User.id)).first()
        return actor_for(user) if user is not None else SYSTEM


def unattended_actor(database: Database) -> Actor | None:
    """Screenshots without anyone at the keyboard: only on demo data or a database without cases (None: refused)."""
    from core.demo import DEMO_MARKER  # only for screenshots: the demo generator stays out of every start-up

    with database.session() as session:
        is_demo = session.get(Setting, DEMO_MARKER) is not None
        has_cases = session.scalar(select(Case.id).limit(1)) is not None
    if is_demo:
        return first_administrator(database)
    return SYSTEM if not has_cases else None
