"""A French argparse: messages a user of the command line can read."""
from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

_TRANSLATIONS = [
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"argument \1 : choix invalide \2 (valeurs possibles : \3)"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"argument \1 : valeur invalide \3"),
    (r"argument (\S+): expected one argument", r"argument \1 : une valeur est attendue"),
    (r"argument (\S+): not allowed with argument (\S+)", r"argument \1 : incompatible avec \2"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"commande inconnue \1 (commandes possibles : \2)"),
    (r"argument (\S+): (.*)", r"argument \1 : \2"),
]


def translate(message: str) -> str:
    for pattern, replacement in _TRANSLATIONS:
        if re.search(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class FrenchArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "utilisation :")

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "utilisation :")
        return text.replace("positional arguments:", "arguments :").replace("options:", "options :")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"Erreur : {translate(message)}\n")


def french_date(value: str) -> date:
    """argparse type for dates written JJ/MM/AAAA or AAAA-MM-JJ, with a French message."""
    from core.formatting import parse_date

    try:
        return parse_date(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {value} » (formats acceptés : JJ/MM/AAAA ou "
                                         "AAAA-MM-JJ)") from None


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un nombre entier") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"« {value} » doit être positif ou nul")
    return number


def identifier(value: str) -> int:
    """argparse type for a record number: « identifiant invalide » for anything a database cannot hold."""
    from core.errors import ValidationError
    from core.validation import record_id

    try:
        return record_id(value)
    except ValidationError:
        raise argparse.ArgumentTypeError(f"identifiant invalide « {value} » (un nombre entier positif est attendu)") \
            from None


def output_target(text: str) -> Path | None:
    """The file a command will write, or None (message printed) when its folder does not exist."""
    target = Path(text)
    if not target.parent.is_dir():
        print(f"Erreur : le dossier « {target.parent} » n'existe pas.", file=sys.stderr)
        return None
    return target


def write_with_messages(target: Path, action):
    """Run `action()`, which writes `target`; (True, result), or (False, None) after a French message."""
    from core.errors import DomainError

    try:
        return True, action()
    except DomainError as error:
        print(f"Erreur : {error.message}", file=sys.stderr)
    except OSError as error:
        print(f"Erreur : impossible d'écrire « {target} » ({error.strerror or error}).", file=sys.stderr)
    return False, None
