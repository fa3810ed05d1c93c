"""Who runs a command: on a local SQLite file, the workstation's administrator (the « système » actor);
on a shared server, an application account that logs in (`--utilisateur`), audited under its name.

Not a command itself (no `register`): the commands that read or write personal data call command_actor.
"""
from __future__ import annotations

import getpass
import sys

from core.actor import SYSTEM, Actor
from core.auth import AuthenticationError, authenticate
from core.errors import DomainError


def command_actor(database, args) -> Actor:
    """The actor of this command line, or DomainError (French) when a server needs a login it did not get."""
    login = (getattr(args, "utilisateur", None) or "").strip()
    if not login:
        if database.is_sqlite:
            return SYSTEM
        raise DomainError("Sur une base partagée (serveur PostgreSQL), la ligne de commande se connecte avec un "
                          "compte de l'application : ajoutez --utilisateur IDENTIFIANT (le mot de passe est demandé, "
                          "ou lu sur l'entrée standard).", field="utilisateur")
    try:
        return authenticate(database, login, _password(login))
    except AuthenticationError as error:
        raise DomainError(f"Connexion refusée pour « {login} » : {error.message}", field="utilisateur") from None


def _password(login: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return getpass.getpass(f"Mot de passe de « {login} » : ")
        except (EOFError, KeyboardInterrupt):
            raise DomainError("Connexion abandonnée : aucun mot de passe saisi.", field="utilisateur") from None
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise DomainError(f"Mot de passe de « {login} » attendu sur l'entrée standard (une ligne).",
                          field="utilisateur")
    return line.rstrip("\r\n")
