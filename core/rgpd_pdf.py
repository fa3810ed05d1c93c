"""The readable PDF of a right-of-access export (same content as the JSON)."""
from __future__ import annotations

from reportlab.platypus import PageBreak

from core import fields as declared
from core.actor import Actor
from core.pdf.common import CONTENT_WIDTH, build_pdf, fields, para, spacer, table
from core.pdf.service import service_header

# Labels of the other records; the case, household and dwelling fields take theirs from core.fields.
LABELS = {
    "reference": "Référence", "status": "Statut", "closed_on": "Clos le", "closure_reason": "Motif de clôture",
    "last_activity_at": "Dernière activité", "created_at": "Créé le", "updated_at": "Modifié le", "text": "Texte",
    "kind": "Nature", "comment": "Commentaire", "subject": "Objet", "answer": "Réponse", "title": "Intitulé",
    "observations": "Observations", "next_steps": "Suites", "filename": "Fichier", "caption": "Légende",
    "presentation": "Présentation", "decision": "Décision", "state": "État", "abandon_reason": "Motif d'abandon",
    "answered_on": "Réponse le", "cal_date": "Date de CAL", "cal_decision": "Décision de CAL",
    "cancel_reason": "Motif d'annulation", "charge_after": "Charges après", "charge_before": "Charges avant",
    "charges": "Charges", "content": "Contenu", "criticality": "Criticité", "dalo_recognized_on": "DALO reconnu le",
    "done_at": "Réalisée le", "done_on": "Fait le", "due_on": "Échéance", "dwelling_description": "Logement proposé",
    "expected_answer_on": "Réponse attendue le", "floor_or_lift": "Étage ou ascenseur",
    "household_decision": "Décision du ménage", "in_qpv": "En QPV", "landlord_present": "Bailleur présent",
    "max_rent": "Loyer maximal", "mime_type": "Type de fichier", "needed_typology": "Typologie recherchée",
    "needs_accessibility": "Accessibilité nécessaire", "new_address": "Nouvelle adresse",
    "new_in_qpv": "Nouveau logement en QPV", "new_is_recent": "Nouveau logement récent",
    "occupant_present": "Occupant présent", "occurred_at": "Date", "position": "Rang", "proposed_on": "Proposé le",
    "reason": "Motif", "refusal_reason": "Motif du refus", "rehoused_on": "Relogé le", "rent": "Loyer",
    "reported_on": "Signalé le", "scheduled_at": "Prévue le", "sent_on": "Envoyée le", "shareable": "Partageable",
    "size_bytes": "Taille (octets)", "sne_filed_on": "SNE déposé le", "sne_number": "Numéro SNE",
    "syplo_labelled": "Labellisé SYPLO", "taken_at": "Prise le", "visit_type": "Type de visite",
    "wished_communes": "Communes souhaitées",
}
_HIDDEN = {"id", "household_id", "dwelling_id", "case_id", "created_at", "updated_at", "agent_id", "author_id",
           "created_by_id", "assignee_id", "added_by_id", "commune_id", "neighbourhood_id", "landlord_id", "visit_id",
           "relocation_id", "commission_id", "item_id", "case_disorder_id", "partner_id", "sha256", "rule_key"}
_SECTIONS = [
    ("visites", "Visites"), ("desordres", "Désordres signalés"), ("saisines", "Saisines des partenaires"),
    ("relogement", "Relogement"), ("propositions", "Propositions de logement"), ("commissions", "Passages en commission"),
    ("journal", "Journal du dossier"), ("taches", "Tâches"), ("pieces_jointes", "Pièces jointes"),
]


_DECLARED = {f.key: f for f in declared.ALL} | {f.export_key: f for f in declared.ALL}


def _label(key: str) -> str:
    if key in _DECLARED:
        return _DECLARED[key].label
    return LABELS.get(key, key.replace("_", " ").capitalize())


def _shown(value) -> str:
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        day = f"{value[8:10]}/{value[5:7]}/{value[:4]}"
        return day + (f" {value[11:16]}" if len(value) > 10 else "")
    return "" if value is None else str(value)


def _pairs(row: dict) -> list[tuple[str, str]]:
    return [(_label(k), _shown(_DECLARED[k].choices.get(v, v) if k in _DECLARED and _DECLARED[k].choices else v))
            for k, v in row.items() if k not in _HIDDEN and v not in (None, "")]


def _records(rows: list[dict]) -> list:
    story = []
    for index, row in enumerate(rows, 1):
        story.append(para(f"n° {index}", "small"))
        story.append(fields(_pairs(row), columns=1))
    return story


def render_pdf(session, document: dict, actor: Actor) -> bytes:
    household = document["menage"]
    story = [
        para("Droit d'accès aux données personnelles", "title"),
        para("Toutes les données détenues par le service de médiation habitat sur ce ménage "
             "(règlement général sur la protection des données, article 15).", "subtitle"),
        para("Ménage", "h1"), fields(_pairs(household)),
    ]
    for entry in document["dossiers"]:
        case = entry["dossier"]
        story += [PageBreak(), para(f"Dossier {case['reference']}", "h1"), fields(_pairs(case)),
                  para("Logement", "h2"), fields(_pairs(entry["logement"]))]
        if entry["types"] or entry["objectifs"]:
            story.append(para("Types : " + ", ".join(entry["types"]) + "\nObjectifs : " + "; ".join(entry["objectifs"])))
        for key, title in _SECTIONS:
            if entry.get(key):
                story += [para(title, "h2"), *_records(entry[key])]
    accesses = document["journal_des_acces"]
    story += [PageBreak(), para("Qui a consulté ou modifié ces données", "h1")]
    if accesses:
        rows = [["Date", "Utilisateur", "Action", "Dossier"]] + [
            [_shown(a["date"]), a["utilisateur"], a["action"], a["dossier"]] for a in accesses]
        story.append(table(rows, [CONTENT_WIDTH * f for f in (0.22, 0.22, 0.36, 0.2)]))
    else:
        story.append(para("Aucun événement enregistré."))
    story += [spacer(4), para("Les pièces jointes figurent dans l'archive, dossier « pieces-jointes », et toutes les "
                              "données au format JSON dans le fichier .json de l'archive.", "muted")]
    return build_pdf(story, title="Droit d'accès — données d'un ménage", header=service_header(session),
                     author=actor.full_name or actor.login)
