"""`main.py user add|disable|enable|passwd|list`: user accounts from the command line.

The command line acts as the system (whoever runs it holds the database file);
every change is audited. Passwords are asked twice without echo, or read from
standard input with --mot-de-passe-stdin (for scripts).
"""
from __future__ import annotations

import getpass
import sys
import warnings

from core.actor import SYSTEM
from core.auth import first_start
from core.commands.actor import command_actor
from core.errors import DomainError
from core.queries.admin import list_users
from core.users import add_user, disable_user, enable_user, find_user_id, set_password
from db.vocab import ROLES


def register(subparsers) -> None:
    parser = subparsers.add_parser("user", help="gérer les comptes utilisateurs (add, disable, enable, passwd, list)")
    actions = parser.add_subparsers(dest="user_command", metavar="ACTION", required=True,
                                    parser_class=type(parser))
    add = actions.add_parser("add", help="créer un compte")
    add.add_argument("login", help="identifiant (minuscules, chiffres, . - _)")
    add.add_argument("--role", choices=sorted(ROLES), default="agent", help="rôle : agent, manager ou admin")
    add.add_argument("--nom", dest="full_name", help="nom complet (par défaut : l'identifiant)")
    add.add_argument("--email", default="")
    add.add_argument("--civilite", choices=("Mme", "M."), default="",
                     help="Mme ou M. : les courriers disent « votre interlocutrice » ou « votre interlocuteur »")
    add.add_argument("--fonction", default="", help="fonction imprimée sous la signature (ex. « Agente de proximité »)")
    _password_option(add)
    for name, text in (("disable", "désactiver un compte"), ("enable", "réactiver un compte"),
                       ("passwd", "changer le mot de passe d'un compte")):
        sub = actions.add_parser(name, help=text)
        sub.add_argument("login")
        if name == "passwd":
            _password_option(sub)
    actions.add_parser("list", help="lister les comptes")
    parser.set_defaults(func=run)


def _password_option(parser) -> None:
    parser.add_argument("--mot-de-passe-stdin", dest="password_stdin", action="store_true",
                        help="lire le mot de passe sur l'entrée standard (une ligne)")


def read_new_password(args) -> str:
    """From standard input (--mot-de-passe-stdin), or typed twice without echo on a terminal.

    Without a terminal, getpass would print Python's English warning and echo the
    password, then fail with EOFError: the user gets one French sentence instead.
    """
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise DomainError("Aucun mot de passe reçu sur l'entrée standard (--mot-de-passe-stdin attend une ligne).")
        return line.rstrip("\r\n")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise DomainError("Pas de terminal pour saisir le mot de passe sans l'afficher : lancez la commande dans "
                          "un terminal, ou passez le mot de passe sur l'entrée standard avec --mot-de-passe-stdin.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            first = getpass.getpass("Mot de passe : ")
            second = getpass.getpass("Confirmez le mot de passe : ")
    except EOFError:
        raise DomainError("Saisie du mot de passe interrompue : aucun compte n'a été modifié.") from None
    if first != second:
        raise DomainError("Les deux saisies du mot de passe diffèrent.")
    return first


def run(args, open_db) -> int:
    try:
        return _run(args, open_db())
    except DomainError as error:
        print(f"Erreur : {error.message}", file=sys.stderr)
        return 1


def _run(args, database) -> int:
    command = args.user_command
    # The very first administrator of a server is created without a login (nobody could log in yet).
    bootstrap = command == "add" and args.role == "admin" and first_start(database)
    actor = SYSTEM if bootstrap else command_actor(database, args)
    if command == "list":
        for row in list_users(database, actor):
            state = "actif" if row.active else "désactivé"
            password = "mot de passe défini" if row.has_password else "sans mot de passe"
            sectors = f" — secteurs : {', '.join(row.sectors)}" if row.sectors else ""
            print(f"{row.login:<16} {row.role_label:<20} {row.full_name} ({state}, {password}){sectors}")
        return 0
    if command == "add":
        password = read_new_password(args)
        add_user(database, actor, args.login, args.full_name or args.login, args.role, password, email=args.email,
                 civility=args.civilite, job_title=args.fonction)
        print(f"Compte « {args.login.strip().lower()} » créé ({ROLES[args.role]}).")
        return 0
    user_id = find_user_id(database, args.login)
    if command == "disable":
        disable_user(database, actor, user_id)
        print(f"Compte « {args.login} » désactivé.")
    elif command == "enable":
        enable_user(database, actor, user_id)
        print(f"Compte « {args.login} » réactivé.")
    elif command == "passwd":
        set_password(database, actor, user_id, read_new_password(args))
        print(f"Mot de passe de « {args.login} » changé.")
    return 0
