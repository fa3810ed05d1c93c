"""Fixed enumerations enforced by CHECK constraints, with their French labels.

Enumerations whose list an administrator may edit live in reference tables
(see db/models/reference.py and resources/reference/); the ones here drive the
workflow and the legal rules, so code depends on their exact values.
"""
from __future__ import annotations

CASE_STATUSES = {
    "nouveau": "Nouveau",
    "en_cours": "En cours",
    "en_attente": "En attente",
    "clos": "Clos",
}

PRIORITIES = {
    "basse": "Basse",
    "normale": "Normale",
    "haute": "Haute",
    "urgente": "Urgente",
}

ROLES = {
    "agent": "Agent de proximité",
    "manager": "Responsable",
    "admin": "Administrateur",
}

# How a letter addresses or signs for a person: "" when the account does not say.
CIVILITIES = {
    "": "Non précisée",
    "Mme": "Madame",
    "M.": "Monsieur",
}

TENURES = {
    "locataire_social": "Locataire parc social",
    "locataire_prive": "Locataire parc privé",
    "proprietaire_occupant": "Propriétaire occupant",
    "heberge": "Hébergé",
    "sans_titre": "Sans titre",
}

SOCIAL_FINANCINGS = {"PLAI": "PLAI", "PLUS": "PLUS", "PLS": "PLS", "PLI": "PLI"}

TYPOLOGIES = {t: t for t in ("T1", "T2", "T3", "T4", "T5", "T6+")}

DPE_CLASSES = {c: c for c in "ABCDEFG"}

ZONES = {"batiment": "Bâtiment (parties communes)", "logement": "Logement"}

DISORDER_STATES = {
    "signale": "Signalé",
    "confirme": "Confirmé",
    "non_confirme": "Non confirmé",
}

VISIT_STATUSES = {
    "a_planifier": "À planifier",
    "planifiee": "Planifiée",
    "conclusion_a_renseigner": "Conclusion à renseigner",
    "realisee": "Réalisée",
    "annulee": "Annulée",
    "non_realisee": "Non réalisée",
}

REFERRAL_STATUSES = {
    "nouvelle": "Nouvelle",
    "en_cours": "En cours",
    "refusee": "Refusée",
    "close": "Close",
}

RELOCATION_STATUSES = {
    "en_cours": "En cours",
    "reloge": "Relogé",
    "abandon": "Abandon",
}

CAL_DECISIONS = {
    "attribution": "Attribution",
    "attribution_rang": "Attribution en rang",
    "refus": "Refus",
    "ajournement": "Ajournement",
}

HOUSEHOLD_DECISIONS = {
    "en_attente": "En attente de réponse",
    "acceptee": "Acceptée",
    "refusee": "Refusée",
}

COMMISSION_KINDS = {
    "relogement": "Commission de relogement",
    "veille_habitat_indigne": "Cellule de veille habitat indigne",
    "preparation_cal": "Préparation CAL",
}

JOURNAL_KINDS = {
    "note": "Note",
    "appel": "Appel",
    "courrier": "Courrier",
    "statut": "Changement de statut",
    "visite": "Visite",
    "saisine": "Saisine",
    "relogement": "Relogement",
    "desordre": "Désordres",
    "commission": "Commission",
    "echeance": "Échéance",
}


def label(vocabulary: dict[str, str], code: str | None) -> str:
    """French label of a code, or an empty string when there is none."""
    if code is None:
        return ""
    return vocabulary.get(code, code)
