"""`main.py encrypt` / `decrypt` / `rekey`: encryption at rest for laptops that leave the office.

The passphrase is typed twice without echo, or taken from the environment
variable MEDIATION_HABITAT_PHRASE (scripts). Encrypting replaces the plain file
(and its WAL) by the encrypted one unless --sortie names a new file. `rekey`
asks for the current passphrase, then the new one (MEDIATION_HABITAT_NOUVELLE_PHRASE
for scripts).
"""
from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from db import crypto
from db.engine import default_database_path
from db.errors import DatabaseError
from db.instance_lock import InstanceLock

NEW_PASSPHRASE_ENV = "MEDIATION_HABITAT_NOUVELLE_PHRASE"


def register(subparsers) -> None:
    encrypt = subparsers.add_parser("encrypt", help="chiffrer la base (SQLCipher) avec une phrase de passe")
    encrypt.add_argument("--sortie", metavar="FICHIER", help="écrire une copie chiffrée au lieu de chiffrer sur place")
    encrypt.set_defaults(func=run_encrypt)
    decrypt = subparsers.add_parser("decrypt", help="écrire une copie en clair d'une base chiffrée")
    decrypt.add_argument("--sortie", metavar="FICHIER", required=True, help="fichier en clair à créer")
    decrypt.set_defaults(func=run_decrypt)
    rekey = subparsers.add_parser("rekey", help="changer la phrase de passe d'une base chiffrée")
    rekey.set_defaults(func=run_rekey)


def _path(args) -> Path:
    if args.db and "://" in args.db:
        raise DatabaseError("Seules les bases SQLite (fichiers) peuvent être chiffrées.")
    path = Path(args.db).expanduser().absolute() if args.db else default_database_path()
    if not path.is_file():
        raise DatabaseError(f"Le fichier « {path} » n'existe pas.")
    return path


def _new_passphrase(variable: str = crypto.PASSPHRASE_ENV) -> str:
    passphrase = os.environ.get(variable)
    if passphrase is not None:
        return passphrase
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise DatabaseError(f"Pas de terminal pour saisir la phrase de passe sans l'afficher : lancez la commande "
                            f"dans un terminal, ou donnez-la dans la variable d'environnement {variable}.")
    try:
        first = getpass.getpass("Nouvelle phrase de passe (12 caractères au moins) : ")
        second = getpass.getpass("Confirmez la phrase de passe : ")
    except EOFError:
        raise DatabaseError("Saisie de la phrase de passe interrompue : rien n'a été modifié.") from None
    if second != first:
        raise DatabaseError("Les deux saisies de la phrase de passe diffèrent : rien n'a été modifié.")
    return first


def run_encrypt(args, open_db) -> int:
    path = _path(args)
    if crypto.is_encrypted(path):
        raise DatabaseError(f"La base « {path} » est déjà chiffrée.")
    passphrase = _new_passphrase()
    if args.sortie:
        target = crypto.encrypt_copy(path, Path(args.sortie).expanduser().absolute(), passphrase)
        print(f"Copie chiffrée écrite : {target}. La base « {path} » reste en clair.")
    else:
        with InstanceLock.acquire(path, purpose="chiffrement"):  # never under an open window
            crypto.encrypt_in_place(path, passphrase)
        print(f"La base « {path} » est maintenant chiffrée. Sans la phrase de passe, elle est illisible : "
              "conservez-la en lieu sûr.")
    print("Pensez aux anciennes sauvegardes en clair : supprimez-les ou remplacez-les.", file=sys.stderr)
    return 0


def run_decrypt(args, open_db) -> int:
    path = _path(args)
    if not crypto.is_encrypted(path):
        raise DatabaseError(f"La base « {path} » n'est pas chiffrée.")
    target = crypto.decrypt_copy(path, Path(args.sortie).expanduser().absolute(), crypto.ask_passphrase(path))
    print(f"Copie en clair écrite : {target}.")
    return 0


def run_rekey(args, open_db) -> int:
    path = _path(args)
    if not crypto.is_encrypted(path):
        raise DatabaseError(f"La base « {path} » n'est pas chiffrée : chiffrez-la d'abord (commande « encrypt »).")
    old = crypto.ask_passphrase(path)
    crypto.check_literal(path, crypto.literal_for(path, old))  # a mistyped current phrase stops here
    new = _new_passphrase(NEW_PASSPHRASE_ENV)
    with InstanceLock.acquire(path, purpose="changement de phrase de passe"):
        crypto.change_passphrase(path, old, new)
    print(f"La phrase de passe de « {path} » a changé ; l'ancienne ne l'ouvre plus. Les sauvegardes déjà faites "
          "gardent l'ancienne phrase.")
    return 0
