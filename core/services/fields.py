"""Field-by-field validation of households, dwellings and cases.

Each spec maps a model attribute to a checker returning the clean value; the
field names are the attribute names, so the GUI can match errors to widgets.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from sqlalchemy.orm import Session

from core import validation as v
from core.errors import ValidationError
from db import models as m
from db.vocab import PRIORITIES, SOCIAL_FINANCINGS, TENURES, TYPOLOGIES

Checker = Callable[[Any], Any]


def _flag(name: str, label: str) -> Checker:
    return lambda value: v.boolean(value, name, label)


HOUSEHOLD_FIELDS: dict[str, Checker] = {
    "last_name": lambda x: v.text(x, "last_name", "Nom du ménage", 120, required=True),
    "first_name": lambda x: v.text(x, "first_name", "Prénom", 120),
    "phone": lambda x: v.phone(x, "phone"),
    "email": lambda x: v.email(x, "email"),
    "adults": lambda x: v.integer(x, "adults", "Nombre d'adultes", 0, 20),
    "children": lambda x: v.integer(x, "children", "Nombre d'enfants", 0, 20),
    "has_child_under_6": _flag("has_child_under_6", "Enfant de moins de 6 ans"),
    "has_person_over_75": _flag("has_person_over_75", "Personne de plus de 75 ans"),
    "has_disability": _flag("has_disability", "Handicap ou mobilité réduite"),
    "is_isolated": _flag("is_isolated", "Isolement"),
    "has_pregnancy": _flag("has_pregnancy", "Grossesse"),
    "caf_allocataire": _flag("caf_allocataire", "Allocataire CAF/MSA"),
    "preferred_language": lambda x: v.text(x, "preferred_language", "Langue", 60) or "français",
}

DWELLING_FIELDS: dict[str, Checker] = {
    "street_number": lambda x: v.text(x, "street_number", "Numéro", 20),
    "street": lambda x: v.text(x, "street", "Voie", 200, required=True),
    "building": lambda x: v.text(x, "building", "Bâtiment / entrée", 60),
    "floor": lambda x: v.text(x, "floor", "Étage", 20),
    "door": lambda x: v.text(x, "door", "Porte", 20),
    "postcode": lambda x: v.postcode(x, "postcode"),
    "commune_id": lambda x: v.integer(x, "commune_id", "Commune", 1, 2**62),
    "neighbourhood_id": lambda x: v.integer(x, "neighbourhood_id", "Quartier", 1, 2**62, required=False),
    "tenure": lambda x: v.choice(x, "tenure", "Statut d'occupation", TENURES),
    "landlord_id": lambda x: v.integer(x, "landlord_id", "Bailleur", 1, 2**62, required=False),
    "social_financing": lambda x: v.choice(x, "social_financing", "Financement", SOCIAL_FINANCINGS, required=False),
    "typology": lambda x: v.choice(x, "typology", "Typologie", TYPOLOGIES, required=False),
    "living_area_m2": lambda x: v.number(x, "living_area_m2", "Surface habitable", 1, 1000, "m²"),
    "main_rooms": lambda x: v.integer(x, "main_rooms", "Nombre de pièces principales", 1, 30, required=False),
    "main_room_area_m2": lambda x: v.number(x, "main_room_area_m2", "Surface de la pièce principale", 0, 1000, "m²",
                                            low_inclusive=False),
    "ceiling_height_m": lambda x: v.number(x, "ceiling_height_m", "Hauteur sous plafond", 0, 10, "m",
                                           low_inclusive=False),
    "dpe_class": lambda x: v.dpe_class(x, "dpe_class"),
    "dpe_date": lambda x: v.a_date(x, "dpe_date", "Date du DPE", required=False),
    "energy_kwh_m2_year": lambda x: v.number(x, "energy_kwh_m2_year", "Consommation d'énergie", 0, 2000,
                                             "kWh/m²/an"),
}

CASE_FIELDS: dict[str, Checker] = {
    "source": lambda x: v.text(x, "source", "Origine du signalement", 40, required=True),
    "priority": lambda x: v.choice(x, "priority", "Priorité", PRIORITIES),
    "opened_on": lambda x: v.a_date(x, "opened_on", "Date du signalement"),
    "summary": lambda x: v.text(x, "summary", "Résumé", 20000),
    "agent_id": lambda x: v.integer(x, "agent_id", "Agent", 1, 2**62, required=False),
}


def clean(values: dict[str, Any], spec: dict[str, Checker], collector: v.Collector, what: str) -> dict[str, Any]:
    """Validate the given values against a spec; unknown keys are a programming error."""
    unknown = set(values) - set(spec)
    if unknown:
        raise TypeError(f"unknown {what} fields: {sorted(unknown)}")
    for name, value in values.items():
        collector.check(name, lambda name=name, value=value: spec[name](value))
    return {name: collector.values[name] for name in values if name in collector.values}


def check_household(merged: dict[str, Any], collector: v.Collector) -> None:
    adults, children = merged.get("adults"), merged.get("children")
    if isinstance(adults, int) and isinstance(children, int) and not 1 <= adults + children <= 20:
        collector.add(ValidationError(
            f"Composition du ménage : {adults + children} personne(s) ; il en faut de 1 à 20.", field="adults"))


def check_dwelling(session: Session, merged: dict[str, Any], collector: v.Collector) -> None:
    commune_id, nb_id = merged.get("commune_id"), merged.get("neighbourhood_id")
    if isinstance(commune_id, int) and session.get(m.Commune, commune_id) is None:
        collector.add(ValidationError("Commune inconnue.", field="commune_id"))
    if isinstance(nb_id, int):
        neighbourhood = session.get(m.Neighbourhood, nb_id)
        if neighbourhood is None:
            collector.add(ValidationError("Quartier inconnu.", field="neighbourhood_id"))
        elif isinstance(commune_id, int) and neighbourhood.commune_id != commune_id:
            collector.add(ValidationError(
                f"Le quartier « {neighbourhood.name} » n'est pas dans la commune choisie.", field="neighbourhood_id"))
    landlord_id = merged.get("landlord_id")
    if isinstance(landlord_id, int) and session.get(m.Partner, landlord_id) is None:
        collector.add(ValidationError("Bailleur inconnu.", field="landlord_id"))
    room, area = merged.get("main_room_area_m2"), merged.get("living_area_m2")
    if isinstance(room, float) and isinstance(area, float) and room > area:
        collector.add(ValidationError(
            f"La pièce principale ({v._fr(room)} m²) ne peut pas dépasser la surface habitable ({v._fr(area)} m²).",
            field="main_room_area_m2"))


def check_case(session: Session, merged: dict[str, Any], collector: v.Collector, today: date) -> None:
    source = merged.get("source")
    if isinstance(source, str) and source and session.get(m.CaseSource, source) is None:
        collector.add(ValidationError(f"Origine « {source} » inconnue.", field="source"))
    opened = merged.get("opened_on")
    if isinstance(opened, date) and opened > today:
        collector.add(ValidationError(
            f"La date du signalement ({v.fr_date(opened)}) ne peut pas être dans le futur.", field="opened_on"))
    agent_id = merged.get("agent_id")
    if isinstance(agent_id, int):
        check_agent(session, agent_id, collector)


def check_agent(session: Session, agent_id: int, collector: v.Collector) -> None:
    user = session.get(m.User, agent_id)
    if user is None or not user.active:
        collector.add(ValidationError("Agent inconnu ou désactivé.", field="agent_id"))
