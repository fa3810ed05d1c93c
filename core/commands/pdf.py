"""`main.py pdf …`: the printable documents, the same as the application prints.

    pdf fiche REF -o FICHIER
    pdf visite VISIT_ID -o FICHIER
    pdf courrier-bailleur REF -o FICHIER
    pdf courrier-menage REF -o FICHIER
    pdf bilan --du JJ/MM/AAAA --au JJ/MM/AAAA [--quartier NOM | --commune NOM] -o FICHIER
    pdf commission ID -o FICHIER
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from core.commands.actor import command_actor
from core.commands.cli import french_date, identifier, output_target, write_with_messages
from core.errors import DomainError
from core.formatting import fr_seconds, fr_size


def register(subparsers) -> None:
    parser = subparsers.add_parser("pdf", help="produire un document PDF (fiche, visite, courrier, bilan, commission)")
    kinds = parser.add_subparsers(dest="pdf_command", metavar="DOCUMENT", required=True, parser_class=type(parser))
    for name, help_text, argument, argument_help in (
        ("fiche", "fiche de suivi d'un dossier", "reference", "référence du dossier (ex. 2026-00042)"),
        ("visite", "compte rendu de visite, avec ses photos", "visit_id", "numéro de la visite"),
        ("courrier-bailleur", "courrier au bailleur demandant des travaux", "reference", "référence du dossier"),
        ("courrier-menage", "courrier au ménage : où en est son dossier", "reference", "référence du dossier"),
        ("commission", "ordre du jour et relevé de décisions d'une commission", "commission_id",
         "numéro de la commission"),
    ):
        sub = kinds.add_parser(name, help=help_text)
        sub.add_argument(argument, metavar=argument.upper().replace("REFERENCE", "REF"), help=argument_help,
                         type=str if argument == "reference" else identifier)
        _output(sub)
    bilan = kinds.add_parser("bilan", help="bilan par objectif sur une période")
    bilan.add_argument("--du", type=french_date, required=True, metavar="JJ/MM/AAAA", help="début de la période")
    bilan.add_argument("--au", type=french_date, required=True, metavar="JJ/MM/AAAA", help="fin de la période")
    where = bilan.add_mutually_exclusive_group()
    where.add_argument("--quartier", metavar="NOM", help="limiter à un quartier")
    where.add_argument("--commune", metavar="NOM", help="limiter à une commune")
    bilan.add_argument("--nominatif", action="store_true",
                       help="annexe avec les noms des ménages (document interne, enregistré au journal d'audit) ; "
                            "par défaut, références et nombres seulement")
    _output(bilan)
    header = kinds.add_parser("en-tete", help="voir ou régler l'en-tête imprimé sur chaque page (nom, adresse, logo)")
    header.add_argument("--nom", help="nom du service")
    header.add_argument("--adresse", help="adresse ; séparez les lignes par « | »")
    header.add_argument("--logo", metavar="FICHIER", help="image PNG ou JPEG (chaîne vide pour l'enlever)")
    header.add_argument("--telephone", help="téléphone indiqué dans les courriers")
    header.add_argument("--horaires", help="quand appeler, dans le courrier au ménage "
                                           "(ex. « du lundi au vendredi, de 9 h à 12 h »)")
    parser.set_defaults(func=run)


def _output(parser) -> None:
    parser.add_argument("-o", "--sortie", required=True, metavar="FICHIER", help="fichier PDF à écrire")


def run(args, open_db) -> int:
    if args.pdf_command == "en-tete":
        return _header(args, open_db())
    target = pdf_target(args.sortie)
    if target is None:
        return 1
    database = open_db()
    started = time.perf_counter()
    ok, data = write_with_messages(target, lambda: _build(args, database, target))
    if not ok:
        return 1
    print(f"PDF écrit : {target} ({fr_size(len(data))}, {fr_seconds(time.perf_counter() - started)}).")
    return 0


def pdf_target(text: str) -> Path | None:
    """The PDF to write: « .pdf » added to a name without extension; another extension is refused."""
    target = output_target(text)
    if target is None:
        return None
    if not target.suffix:
        target = target.with_name(target.name + ".pdf")
        print(f"Le document sera écrit dans « {target} ».", file=sys.stderr)
    elif target.suffix.lower() != ".pdf":
        print(f"Erreur : « {target.name} » n'est pas un nom de fichier PDF : donnez un nom qui se termine par .pdf.",
              file=sys.stderr)
        return None
    return target


def _build(args, database, target: Path) -> bytes:
    from core.pdf.documents import case_id_for_reference

    command = args.pdf_command
    actor = command_actor(database, args)
    if command == "fiche":
        from core.pdf.fiche import build_fiche
        return build_fiche(database, actor, case_id_for_reference(database, args.reference), target)
    if command == "visite":
        from core.pdf.visit import build_visit_report
        return build_visit_report(database, actor, args.visit_id, target)
    if command == "courrier-bailleur":
        from core.pdf.letters import build_landlord_letter
        return build_landlord_letter(database, actor, case_id_for_reference(database, args.reference), target)
    if command == "courrier-menage":
        from core.pdf.letters import build_household_letter
        return build_household_letter(database, actor, case_id_for_reference(database, args.reference), target)
    if command == "commission":
        from core.pdf.commission import build_commission
        return build_commission(database, actor, args.commission_id, target)
    from core.commands.progress_line import progress_line
    from core.pdf.bilan import build_bilan
    with progress_line() as progress:
        return build_bilan(database, actor, args.du, args.au, quartier=args.quartier, commune=args.commune,
                           target=target, nominatif=args.nominatif, progress=progress)


def _header(args, database) -> int:
    from core.pdf.service import configure_service_header, service_header

    values = {"service_name": args.nom, "service_logo": args.logo, "service_phone": args.telephone,
              "service_hours": args.horaires,
              "service_address": args.adresse.replace("|", "\n") if args.adresse is not None else None}
    try:
        if any(value is not None for value in values.values()):
            header = configure_service_header(database, command_actor(database, args), **values)
        else:
            with database.session() as session:
                header = service_header(session)
    except DomainError as error:
        print(f"Erreur : {error.message}", file=sys.stderr)
        return 1
    print(f"Nom : {header.name}")
    print("Adresse : " + " / ".join(header.address_lines()))
    print(f"Logo : {header.logo_path or '(aucun)'}")
    print(f"Téléphone : {header.phone}")
    print(f"Horaires d'appel : {header.hours}")
    return 0
