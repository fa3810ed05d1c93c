"""User accounts: add, disable, enable, set a password (the list: core.queries.admin.list_users).

Managing accounts is an administrator's action (permission `user.manage`),
audited like every other. The first administrator is created by the system
when nobody can log in yet (first start).
"""
from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import throttle, validation as v
from core.actor import SYSTEM, Actor
from core.auth import hash_password, needs_first_administrator, verify_password
from core.password_policy import DEMO_PASSWORD, check_password_policy
from core.errors import NotFound, PermissionDenied, ValidationError
from core.services.base import Changes, action
from db.engine import Database
from db.models import Neighbourhood, User
from db.vocab import CIVILITIES, ROLES

_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")


def _check_login(session: Session, login: str) -> str:
    login = (login or "").strip().lower()
    if not _LOGIN.match(login):
        raise ValidationError(
            "Identifiant invalide : 2 à 60 caractères parmi lettres minuscules sans accent, chiffres, « . », « - » et « _ ».",
            field="login",
        )
    if session.scalar(select(User.id).where(func.lower(User.login) == login)) is not None:
        raise ValidationError(f"L'identifiant « {login} » est déjà utilisé.", field="login")
    return login


def is_demo_base(session: Session) -> bool:
    from core.demo import DEMO_MARKER
    from db.models import Setting

    return session.get(Setting, DEMO_MARKER) is not None


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(f"Rôle inconnu « {role} » : {', '.join(ROLES)}.", field="role")
    return role


def _check_civility(civility: str | None) -> str:
    civility = (civility or "").strip()
    aliases = {"madame": "Mme", "mme": "Mme", "monsieur": "M.", "m.": "M.", "m": "M."}
    civility = aliases.get(civility.lower(), civility)
    if civility not in CIVILITIES:
        raise ValidationError(f"Civilité inconnue « {civility} » : Mme, M. ou rien.", field="civility")
    return civility


def _check_title(job_title: str | None) -> str:
    title = " ".join((job_title or "").split())
    if len(title) > 120:
        raise ValidationError("La fonction ne doit pas dépasser 120 caractères.", field="job_title")
    return title


def _get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise NotFound(f"Utilisateur n° {user_id} introuvable.")
    return user


def _sectors(session: Session, sector_ids) -> list[Neighbourhood]:
    sectors = []
    for sector_id in sector_ids or ():
        sector = session.get(Neighbourhood, sector_id)
        if sector is None:
            raise ValidationError(f"Quartier n° {sector_id} inconnu.", field="sectors")
        sectors.append(sector)
    return sectors


@action("utilisateur.creation", "user.manage")
def add_user(session: Session, actor: Actor, login: str, full_name: str, role: str, password: str | None = None,
             email: str = "", phone: str = "", sector_ids=(), civility: str = "", job_title: str = "") -> Changes:
    """A new account; civility and title are printed in the letters the person signs."""
    login = _check_login(session, login)
    full_name = v.text(full_name, "full_name", "Nom complet", 160, required=True)
    email = v.email(email)
    phone = v.text(phone, "phone", "Téléphone", 30)
    role = _check_role(role)
    civility, job_title = _check_civility(civility), _check_title(job_title)
    password_hash = None
    if password is not None:
        check_password_policy(password, login, full_name, role, is_demo_base(session))
        password_hash = hash_password(password)
    user = User(login=login, full_name=full_name[:160], role=role, email=email, phone=phone, civility=civility,
                job_title=job_title,
                password_hash=password_hash, active=True, failed_logins=0)
    user.sectors = _sectors(session, sector_ids)
    session.add(user)
    session.flush()
    return Changes(entity="user", entity_id=user.id, created=True, result=user.id,
                   fields=["login", "full_name", "role"] + (["password"] if password_hash else []))


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count(User.id)).where(User.role == "admin", User.active.is_(True))) or 0


@action("utilisateur.desactivation", "user.manage")
def disable_user(session: Session, actor: Actor, user_id: int) -> Changes:
    user = _get_user(session, user_id)
    if user.role == "admin" and user.active and _active_admins(session) <= 1:
        raise ValidationError("Impossible de désactiver le dernier administrateur actif.", field="active")
    if user.id == actor.user_id:
        raise ValidationError("Vous ne pouvez pas désactiver votre propre compte.", field="active")
    user.active = False
    return Changes(entity="user", entity_id=user.id, fields=["active"])


@action("utilisateur.reactivation", "user.manage")
def enable_user(session: Session, actor: Actor, user_id: int) -> Changes:
    user = _get_user(session, user_id)
    user.active = True
    throttle.clear_login(session, user.login)
    return Changes(entity="user", entity_id=user.id, fields=["active"])


@action("utilisateur.mot_de_passe", "user.manage")
def set_password(session: Session, actor: Actor, user_id: int, password: str) -> Changes:
    user = _get_user(session, user_id)
    check_password_policy(password, user.login, user.full_name, user.role, is_demo_base(session))
    user.password_hash = hash_password(password)
    throttle.clear_login(session, user.login)
    return Changes(entity="user", entity_id=user.id, fields=["password"])


@action("utilisateur.modification", "user.manage")
def update_user(session: Session, actor: Actor, user_id: int, full_name: str | None = None, role: str | None = None,
                sector_ids=None, civility: str | None = None, job_title: str | None = None) -> Changes:
    user = _get_user(session, user_id)
    fields = []
    for name, value in (("civility", None if civility is None else _check_civility(civility)),
                        ("job_title", None if job_title is None else _check_title(job_title))):
        if value is not None and value != getattr(user, name):
            setattr(user, name, value)
            fields.append(name)
    if full_name is not None and full_name.strip() != user.full_name:
        user.full_name = v.text(full_name, "full_name", "Nom complet", 160, required=True)
        fields.append("full_name")
    if role is not None and role != user.role:
        _check_role(role)
        if user.role == "admin" and user.active and _active_admins(session) <= 1:
            raise ValidationError("Le dernier administrateur actif doit le rester.", field="role")
        user.role, fields = role, fields + ["role"]
    if sector_ids is not None:
        user.sectors, fields = _sectors(session, sector_ids), fields + ["sectors"]
    return Changes(entity="user", entity_id=user.id, fields=fields)


@action("utilisateur.mon_mot_de_passe", "account.self")
def change_own_password(session: Session, actor: Actor, old_password: str, new_password: str) -> Changes:
    user = _get_user(session, actor.user_id) if actor.user_id else None
    if user is None:
        raise PermissionDenied("Aucun compte utilisateur n'est connecté.")
    if not verify_password(user.password_hash, old_password):
        raise ValidationError("L'ancien mot de passe est incorrect.", field="old_password")
    check_password_policy(new_password, user.login, user.full_name, user.role, is_demo_base(session))
    user.password_hash = hash_password(new_password)
    return Changes(entity="user", entity_id=user.id, fields=["password"])


def create_first_administrator(database: Database, login: str, full_name: str, password: str) -> int:
    """First start: the system creates the administrator, only while nobody can log in."""
    with database.session() as session:
        if not needs_first_administrator(session):
            raise PermissionDenied("Un administrateur existe déjà : connectez-vous avec son compte.")
        existing = session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))
    if existing is not None and existing.role == "admin":
        set_password(database, SYSTEM, existing.id, password)
        enable_user(database, SYSTEM, existing.id)
        return existing.id
    return add_user(database, SYSTEM, login, full_name, "admin", password).result


def find_user_id(database: Database, login: str) -> int:
    with database.session() as session:
        user_id = session.scalar(select(User.id).where(func.lower(User.login) == login.strip().lower()))
    if user_id is None:
        raise NotFound(f"Aucun utilisateur « {login} ».")
    return user_id


def set_demo_passwords(database: Database) -> list[str]:
    """Demo databases only: every account without a password gets the documented demo password."""
    from core.demo import DEMO_MARKER
    from db.models import Setting

    with database.write() as session:
        if session.get(Setting, DEMO_MARKER) is None:
            raise PermissionDenied("Le mot de passe de démonstration est réservé aux bases de démonstration.")
        users = list(session.scalars(select(User).where(User.password_hash.is_(None)).order_by(User.id)))
        shared_hash = hash_password(DEMO_PASSWORD)  # one costly hash for all: same public password anyway
        for user in users:
            user.password_hash = shared_hash
        return [u.login for u in users]
