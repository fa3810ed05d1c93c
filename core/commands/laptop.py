"""`main.py checkout -o portable.sqlite3 [--mes-dossiers | --secteur S | --references R1,R2]`, `checkin FICHIER`,
`conflits [--regler N --choix bureau|portable | --valeur V]`: field laptops (core.laptop).

The laptop base's passphrase is typed twice without echo at check-out, once at check-in, or taken from
MEDIATION_HABITAT_PHRASE (scripts), like the `encrypt` command.
"""
from __future__ import annotations

import json
from pathlib import Path

from core.commands.actor import command_actor
from core.commands.cli import identifier
from core.commands.encrypt import _new_passphrase
from core.formatting import fr_count
from db import crypto


def register(subparsers) -> None:
    out = subparsers.add_parser("checkout", help="emporter des dossiers sur un portable de terrain (base chiffrée)")
    out.add_argument("-o", "--sortie", required=True, metavar="FICHIER", help="base du portable à créer")
    which = out.add_mutually_exclusive_group(required=True)
    which.add_argument("--mes-dossiers", action="store_true", help="les dossiers ouverts qui vous sont attribués")
    which.add_argument("--secteur", metavar="QUARTIER", help="les dossiers ouverts d'un quartier")
    which.add_argument("--references", metavar="R1,R2…", help="des dossiers par leur référence")
    out.add_argument("--en-clair", action="store_true",
                     help="base du portable non chiffrée (essais seulement ; noté au journal d'audit)")
    out.set_defaults(func=run_checkout)
    back = subparsers.add_parser("checkin", help="rapporter un portable de terrain : fusionner son travail")
    back.add_argument("portable", metavar="FICHIER", help="base du portable")
    back.add_argument("--pdf", metavar="FICHIER", help="écrire aussi le compte rendu en PDF")
    back.set_defaults(func=run_checkin)
    conflicts = subparsers.add_parser("conflits",
                                      help="lister ou régler les conflits laissés par un retour de portable")
    conflicts.add_argument("--tous", action="store_true", help="aussi les conflits déjà réglés")
    conflicts.add_argument("--regler", type=identifier, metavar="N", help="numéro du conflit à régler")
    conflicts.add_argument("--choix", choices=("bureau", "portable"), help="garder la valeur du bureau ou du portable")
    conflicts.add_argument("--valeur", metavar="TEXTE", help="ou saisir la valeur à garder")
    conflicts.set_defaults(func=run_conflicts)


def run_checkout(args, open_db) -> int:
    from core.laptop import Selection, checkout

    database = open_db()
    actor = command_actor(database, args)
    references = tuple(r.strip() for r in (args.references or "").split(",") if r.strip())
    selection = Selection(mine=args.mes_dossiers, sector=args.secteur or "", references=references)
    passphrase = None if args.en_clair else _new_passphrase()
    result = checkout(database, actor, Path(args.sortie), selection, passphrase, encrypt=not args.en_clair)
    print(checkout_line(result))
    print("Comptes utilisables hors ligne : " + (", ".join(result.account_logins) or "aucun") + ".")
    return 0


def checkout_line(result) -> str:
    """« 2 dossiers emportés (1 pièce jointe) dans … »: what a check-out took, and where."""
    cases = fr_count(result.case_count, "dossier emporté", "dossiers emportés")
    attachments = fr_count(result.attachment_count, "pièce jointe", "pièces jointes")
    return f"{cases} ({attachments}) dans {result.path}{'' if result.encrypted else ' (NON chiffrée)'}."


def _laptop_passphrase(path: Path) -> str | None:
    if not path.is_file() or not crypto.is_encrypted(path):
        return None
    return crypto.ask_passphrase(path)


def run_checkin(args, open_db) -> int:
    from core.laptop import checkin

    database = open_db()
    actor = command_actor(database, args)
    path = Path(args.portable).expanduser().absolute()
    report = checkin(database, actor, path, _laptop_passphrase(path))
    print("\n".join(report.lines()))
    if args.pdf:
        from core.pdf.laptop_report import write_checkin_pdf

        written = write_checkin_pdf(report, Path(args.pdf), database, actor.full_name or actor.login)
        print(f"Compte rendu PDF : {written}")
    return 0


def run_conflicts(args, open_db) -> int:
    from core.errors import ValidationError
    from core.laptop import list_conflicts, settle_conflict

    database = open_db()
    actor = command_actor(database, args)
    if args.regler is not None:
        if (args.choix is None) == (args.valeur is None):
            raise ValidationError("Avec --regler, donnez --choix bureau|portable ou --valeur.", field="choix")
        value = None
        if args.valeur is not None:
            try:
                value = json.loads(args.valeur)
            except ValueError:
                value = args.valeur
        settle_conflict(database, actor, args.regler, choice=args.choix, value=value)
        print(f"Conflit n° {args.regler} réglé.")
        return 0
    found = list_conflicts(database, actor, open_only=not args.tous)
    if not found:
        print("Aucun conflit à arbitrer.")
        return 0
    for conflict in found:
        state = "" if conflict.status == "ouvert" else f" [réglé : « {conflict.chosen} »]"
        print(f"n° {conflict.id} · {conflict.sentence()}{state}")
    return 0
