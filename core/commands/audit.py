"""`main.py audit verify|purge|list`: check and maintain the audit trail."""
from __future__ import annotations

import sys

from core.commands.actor import command_actor
from core.audit import EventFilter, purge_expired, retention_months, verify_trail
from core.formatting import fr_count
from core.queries.admin import find_events


def register(subparsers) -> None:
    parser = subparsers.add_parser("audit", help="journal d'audit : vérifier l'intégrité, purger, consulter")
    actions = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True, parser_class=type(parser))
    actions.add_parser("verify", help="vérifier que le journal n'a pas été altéré (code de sortie 1 sinon)")
    actions.add_parser("purge", help="effacer les événements plus anciens que la durée de conservation")
    key = actions.add_parser("cle", help="exporter ou importer la clé qui scelle le journal (autre poste, "
                                         "serveur partagé, restauration sur une autre machine)")
    which = key.add_mutually_exclusive_group(required=True)
    which.add_argument("--exporter", metavar="FICHIER", help="écrire la clé de cette base dans FICHIER (à protéger)")
    which.add_argument("--importer", metavar="FICHIER", help="installer sur ce poste une clé exportée")
    listing = actions.add_parser("list", help="afficher les derniers événements")
    listing.add_argument("--utilisateur", dest="login", default="")
    listing.add_argument("--action", default="")
    listing.add_argument("--nombre", dest="limit", type=int, default=50)
    parser.set_defaults(func=run)


def run(args, open_db) -> int:
    database = open_db()
    if args.audit_command == "verify":
        check = verify_trail(database)
        count, problems = check.count, check.problems
        if not problems:
            print(f"Journal d'audit intègre : {fr_count(count, 'événement vérifié', 'événements vérifiés')}.")
            print(check.anchor_text())
            return 0
        print(f"Journal d'audit ALTÉRÉ : {fr_count(len(problems), 'anomalie')} sur {fr_count(count, 'événement')}.",
              file=sys.stderr)
        for problem in problems:
            print(f"  - {problem.describe()}", file=sys.stderr)
        return 1
    if args.audit_command == "cle":
        return _key(args, database)
    if args.audit_command == "purge":
        removed = purge_expired(database, command_actor(database, args))
        with database.session() as session:
            months = retention_months(session)
        print(f"{fr_count(removed, 'événement effacé', 'événements effacés')} (plus de {months} mois).")
        return 0
    events = find_events(database, command_actor(database, args), EventFilter(login=args.login, action=args.action, limit=args.limit))
    for event in events:
        print(f"{event.id:>7} {event.occurred_at:%d/%m/%Y %H:%M:%S} {event.user_login:<14} {event.action:<28} "
              f"{event.entity} {event.entity_id} {event.details}")
    return 0


def _key(args, database) -> int:
    from core.audit_key import export_key, import_key_file
    from core.errors import DomainError

    try:
        if args.exporter:
            key_id = export_key(database, args.exporter)
            print(f"Clé du journal « {key_id} » écrite dans {args.exporter} : conservez ce fichier comme un mot de "
                  "passe (qui le détient peut resceller le journal).")
        else:
            key_id = import_key_file(args.importer, database)
            print(f"Clé du journal « {key_id} » installée sur ce poste.")
    except DomainError as error:
        print(f"Erreur : {error.message}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Erreur : fichier de clé illisible ou impossible à écrire ({error.strerror or error}).", file=sys.stderr)
        return 1
    return 0
