"""Field-by-field validation of households, dwellings and cases.

Each spec maps a model attribute to a checker returning the clean value; the
field names are the attribute names, so the GUI can match errors to widgets.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from sqlalchemy.orm import Session

from core import fields as declared
from core import validation as v
from core.errors import ValidationError
from core.formatting import fr_count
from db import models as m

Checker = Callable[[Any], Any]

# The declarations live in core.fields; these are the checkers the services validate with.
HOUSEHOLD_FIELDS: dict[str, Checker] = declared.checkers("household")
DWELLING_FIELDS: dict[str, Checker] = declared.checkers("dwelling")
CASE_FIELDS: dict[str, Checker] = declared.checkers("case")


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
            f"Composition du ménage : {fr_count(adults + children, 'personne')} ; il en faut de 1 à 20.",
            field="adults"))


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
