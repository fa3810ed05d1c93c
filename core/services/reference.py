"""Reference data an administrator edits: objectives and lines of action, the disorder grid,
partners, neighbourhoods, communes and the small vocabularies (kinds, sources, visit types,
procedures, partner types, closure and relocation reasons). Agents' sectors are set with core.users.update_user.

Rows other records point to are never deleted: they are deactivated (active=False), so
history keeps its labels while forms stop offering them.
"""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import ValidationError
from core.scoring import recompute_all_criticality
from core.services.base import Changes, action
from core.services.common import assign_changed
from db import models as m
from db.vocab import ZONES


def _required(value: str | None, field: str, what: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{what} est obligatoire.", field=field)
    if len(text) > limit:
        raise ValidationError(f"{what} ne doit pas dépasser {limit} caractères.", field=field)
    return text


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:30] or "desordre"


# -- objectives and lines of action ----------------------------------------------------
def _objective(session: Session, objective: int | str | None) -> m.Objective | None:
    if isinstance(objective, int):
        return session.get(m.Objective, objective)
    code = (objective or "").strip()
    return session.scalar(select(m.Objective).where(m.Objective.code == code)) if code else None


@action("referentiel.objectif", "reference.edit")
def save_objective(session: Session, actor: Actor, objective: int | str, label: str, description: str = "",
                   active: bool = True) -> Changes:
    """Edit an objective (by id or code); a code not yet known creates the objective."""
    row = _objective(session, objective)
    label = _required(label, "label", "Le libellé de l'objectif", 300)
    created = row is None
    if created:
        if isinstance(objective, int):
            raise ValidationError(f"Objectif n° {objective} inconnu.", field="objective")
        code = _required(objective if isinstance(objective, str) else "", "code", "Le code de l'objectif", 10)
        position = (session.scalar(select(func.max(m.Objective.position))) or 0) + 1
        row = m.Objective(code=code, label=label, description="", position=position, active=True)
        session.add(row)
    fields = assign_changed(row, {"label": label, "description": (description or "").strip(), "active": bool(active)})
    session.flush()
    return Changes("objective", row.id, fields=(fields or ["label"]) if created else fields,
                   created=created)


@action("referentiel.piste", "reference.edit")
def save_line_of_action(session: Session, actor: Actor, objective: int | str, label: str, position: int | None = None,
                        active: bool = True, line_id: int | None = None) -> Changes:
    """Add a line of action under an objective, or edit one (line_id)."""
    parent = _objective(session, objective)
    if parent is None:
        raise ValidationError("Choisissez l'objectif de la piste d'action.", field="objective")
    label = _required(label, "label", "Le libellé de la piste d'action", 400)
    if position is not None and (not isinstance(position, int) or position < 1):
        raise ValidationError("La position doit être un entier positif.", field="position")
    if line_id is None:
        last = session.scalar(select(func.max(m.LineOfAction.position))
                              .where(m.LineOfAction.objective_id == parent.id)) or 0
        number = last + 1
        while session.scalar(select(m.LineOfAction.id).where(m.LineOfAction.code == f"{parent.code}.{number}")):
            number += 1
        row = m.LineOfAction(objective_id=parent.id, code=f"{parent.code}.{number}", label=label,
                             position=position or number, active=bool(active))
        session.add(row)
        session.flush()
        return Changes("line_of_action", row.id, fields=["label"], created=True)
    row = session.get(m.LineOfAction, line_id)
    if row is None:
        raise ValidationError(f"Piste d'action n° {line_id} inconnue.", field="line_id")
    values = {"objective_id": parent.id, "label": label, "active": bool(active)}
    if position is not None:
        values["position"] = position
    return Changes("line_of_action", row.id, fields=assign_changed(row, values))


# -- disorder grid -----------------------------------------------------------------------
def _procedures(session: Session, codes) -> list[m.ProcedureType]:
    procedures = []
    for code in dict.fromkeys(codes or ()):
        procedure = session.get(m.ProcedureType, code)
        if procedure is None:
            raise ValidationError(f"Procédure « {code} » inconnue.", field="procedures")
        procedures.append(procedure)
    return procedures


@action("referentiel.desordre", "reference.edit")
def save_disorder_item(session: Session, actor: Actor, item_id: int | None, zone: str, theme: str, label: str,
                       weight: int, is_danger: bool = False, procedures=(), active: bool = True) -> Changes:
    """Add or edit a line of the disorder grid; criticalities follow a change of weight or activity."""
    if zone not in ZONES:
        raise ValidationError("Zone inconnue : choisissez « Bâtiment » ou « Logement ».", field="zone")
    theme = _required(theme, "theme", "Le thème", 80)
    label = _required(label, "label", "Le libellé du désordre", 300)
    if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= 100:
        raise ValidationError("Le poids doit être un entier entre 0 et 100.", field="weight")
    chosen = _procedures(session, procedures)
    created = item_id is None
    if created:
        base = code = _slug(label)
        suffix = 2
        while session.scalar(select(m.DisorderItem.id).where(m.DisorderItem.code == code)):
            code, suffix = f"{base}_{suffix}", suffix + 1
        position = (session.scalar(select(func.max(m.DisorderItem.position)).where(m.DisorderItem.zone == zone)) or 0)
        row = m.DisorderItem(code=code, zone=zone, theme=theme, label=label, weight=weight,
                             is_danger=bool(is_danger), position=position + 1, active=bool(active))
        session.add(row)
        fields = ["label"]
    else:
        row = session.get(m.DisorderItem, item_id)
        if row is None:
            raise ValidationError(f"Désordre n° {item_id} inconnu dans la grille.", field="item_id")
        fields = assign_changed(row, {"zone": zone, "theme": theme, "label": label, "weight": weight,
                                "is_danger": bool(is_danger), "active": bool(active)})
    if [p.code for p in row.procedures] != [p.code for p in chosen]:
        row.procedures = chosen
        fields.append("procedures")
    session.flush()
    changes = Changes("disorder_item", row.id, fields=fields, created=created)
    if created or {"weight", "active", "zone"} & set(fields):
        # The grid's maximum is the score's denominator: every case may move, not only those with this item.
        recompute_all_criticality(session)
    return changes


# -- partners and neighbourhoods -----------------------------------------------------------
@action("referentiel.partenaire", "reference.edit")
def save_partner(session: Session, actor: Actor, partner_id: int | None, name: str, partner_type: str,
                 phone: str = "", email: str = "", address: str = "", active: bool = True,
                 contact_name: str = "", postcode: str = "", city: str = "") -> Changes:
    """A partner and its postal address (street lines, postcode, city): letters are sent to it."""
    name = _required(name, "name", "Le nom du partenaire", 200)
    if not partner_type or session.get(m.PartnerType, partner_type) is None:
        raise ValidationError("Type de partenaire inconnu.", field="partner_type")
    email = (email or "").strip()
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise ValidationError("Adresse de courriel invalide.", field="email")
    duplicate = select(m.Partner.id).where(func.lower(m.Partner.name) == name.lower(),
                                           m.Partner.partner_type == partner_type)
    if partner_id is not None:
        duplicate = duplicate.where(m.Partner.id != partner_id)
    if session.scalar(duplicate):
        raise ValidationError("Un partenaire de ce type porte déjà ce nom.", field="name")
    values = {"name": name, "partner_type": partner_type, "phone": (phone or "").strip()[:30], "email": email[:200],
              **_postal_address(address, postcode, city), "contact_name": (contact_name or "").strip()[:200],
              "active": bool(active)}
    return _create_or_update(session, m.Partner, "partner", partner_id, values, f"Partenaire n° {partner_id} inconnu.")


def _postal_address(address: str | None, postcode: str | None, city: str | None) -> dict:
    """Street lines, postcode and city: all three or none (a letter needs the whole address)."""
    lines = "\n".join(line.strip() for line in (address or "").splitlines() if line.strip())
    postcode, city = (postcode or "").strip(), " ".join((city or "").split())
    if not (lines or postcode or city):
        return {"address": "", "postcode": "", "city": ""}
    if not lines:
        raise ValidationError("Adresse : indiquez le numéro et la rue (ou la boîte postale).", field="address")
    if len(lines) > 300:
        raise ValidationError("L'adresse ne doit pas dépasser 300 caractères.", field="address")
    if not re.fullmatch(r"\d{5}", postcode):
        raise ValidationError("Code postal : 5 chiffres sont attendus (par exemple 59000).", field="postcode")
    if postcode.startswith("00") or postcode[:2] in ("96", "99"):
        raise ValidationError(f"Code postal : « {postcode} » n'existe pas en France.", field="postcode")
    if not city:
        raise ValidationError("La ville est obligatoire avec le code postal.", field="city")
    if len(city) > 120:
        raise ValidationError("La ville ne doit pas dépasser 120 caractères.", field="city")
    return {"address": lines, "postcode": postcode, "city": city}


@action("referentiel.quartier", "reference.edit")
def save_neighbourhood(session: Session, actor: Actor, neighbourhood_id: int | None, commune_id: int, name: str,
                       is_qpv: bool = False, qpv_code: str = "") -> Changes:
    if commune_id is None or session.get(m.Commune, commune_id) is None:
        raise ValidationError("Choisissez une commune connue.", field="commune_id")
    name = _required(name, "name", "Le nom du quartier", 160)
    qpv_code = (qpv_code or "").strip()[:20] or None
    duplicate = select(m.Neighbourhood.id).where(m.Neighbourhood.commune_id == commune_id,
                                                 func.lower(m.Neighbourhood.name) == name.lower())
    if neighbourhood_id is not None:
        duplicate = duplicate.where(m.Neighbourhood.id != neighbourhood_id)
    if session.scalar(duplicate):
        raise ValidationError("Ce quartier existe déjà dans cette commune.", field="name")
    values = {"commune_id": commune_id, "name": name, "is_qpv": bool(is_qpv),
              "qpv_code": qpv_code if is_qpv else None}
    return _create_or_update(session, m.Neighbourhood, "neighbourhood", neighbourhood_id, values,
                             f"Quartier n° {neighbourhood_id} inconnu.")


def _create_or_update(session: Session, model, entity: str, row_id: int | None, values: dict,
                      unknown: str) -> Changes:
    """Insert a new row (row_id None) or apply the values to an existing one, naming what changed."""
    if row_id is None:
        row = model(**values)
        session.add(row)
        session.flush()
        return Changes(entity, row.id, fields=["name"], created=True)
    row = session.get(model, row_id)
    if row is None:
        raise ValidationError(unknown, field=f"{entity}_id")
    return Changes(entity, row.id, fields=assign_changed(row, values))


# -- small vocabularies and communes -----------------------------------------------------------
VOCABULARIES = {
    "case_kinds": (m.CaseKind, "Types de dossier"),
    "case_sources": (m.CaseSource, "Origines du signalement"),
    "visit_types": (m.VisitType, "Types de visite"),
    "procedure_types": (m.ProcedureType, "Procédures"),
    "partner_types": (m.PartnerType, "Types de partenaires"),
    "closure_reasons": (m.ClosureReason, "Motifs de clôture"),
    "relocation_reasons": (m.RelocationReason, "Motifs de relogement"),
}


@action("referentiel.liste", "reference.edit")
def save_vocabulary_entry(session: Session, actor: Actor, vocabulary: str, code: str | None, label: str,
                          active: bool = True, position: int | None = None) -> Changes:
    """Add an entry to a small vocabulary (code None: made from the label) or rename, reorder, deactivate one.

    Codes never change: records and rules keep pointing at them.
    """
    if vocabulary not in VOCABULARIES:
        raise ValidationError("Liste inconnue.", field="vocabulary")
    model, _name = VOCABULARIES[vocabulary]
    label = _required(label, "label", "Le libellé", 200)
    duplicate = select(model.code).where(func.lower(model.label) == label.lower())
    if code is not None:
        duplicate = duplicate.where(model.code != code)
    if session.scalar(duplicate):
        raise ValidationError("Cette liste contient déjà ce libellé.", field="label")
    if position is not None:
        try:
            position = int(position)
        except (TypeError, ValueError):
            raise ValidationError("La position doit être un nombre entier.", field="position") from None
        if not 0 <= position <= 999:
            raise ValidationError("La position va de 0 à 999.", field="position")
    if code is None:
        code = _free_code(session, model, _slug(label) or "entree")
        last = session.scalar(select(func.max(model.position))) or 0
        session.add(model(code=code, label=label, position=int(position or last + 1), active=bool(active)))
        session.flush()
        return Changes(vocabulary, code, fields=["label"], created=True)
    row = session.get(model, code)
    if row is None:
        raise ValidationError(f"Entrée « {code} » inconnue dans cette liste.", field="code")
    values = {"label": label, "active": bool(active)}
    if position is not None:
        values["position"] = int(position)
    return Changes(vocabulary, code, fields=assign_changed(row, values))


def _free_code(session: Session, model, wanted: str) -> str:
    code, suffix = wanted, 2
    while session.get(model, code) is not None:
        code = f"{wanted[:36]}_{suffix}"
        suffix += 1
    return code


@action("referentiel.commune", "reference.edit")
def save_commune(session: Session, actor: Actor, commune_id: int | None, insee_code: str, name: str,
                 postcode: str) -> Changes:
    insee_code = (insee_code or "").strip().upper()
    if not re.fullmatch(r"\d[0-9AB]\d{3}", insee_code):
        raise ValidationError("Le code INSEE compte 5 caractères (par exemple 59350).", field="insee_code")
    name = _required(name, "name", "Le nom de la commune", 120)
    postcode = (postcode or "").strip()
    if not re.fullmatch(r"\d{5}", postcode):
        raise ValidationError("Le code postal compte 5 chiffres.", field="postcode")
    for column, value, message, field in ((m.Commune.insee_code, insee_code, "Ce code INSEE est déjà utilisé.",
                                           "insee_code"),
                                          (func.lower(m.Commune.name), name.lower(), "Cette commune existe déjà.",
                                           "name")):
        duplicate = select(m.Commune.id).where(column == value)
        if commune_id is not None:
            duplicate = duplicate.where(m.Commune.id != commune_id)
        if session.scalar(duplicate):
            raise ValidationError(message, field=field)
    values = {"insee_code": insee_code, "name": name, "postcode": postcode}
    return _create_or_update(session, m.Commune, "commune", commune_id, values, f"Commune n° {commune_id} inconnue.")
