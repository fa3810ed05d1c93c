"""Load reference data from resources/reference/ into tables, idempotently.

Rows already present (matched by code) are left as they are: an administrator
may have edited a label, and a new release must not undo that.
"""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    CaseKind,
    CaseSource,
    ClosureReason,
    Commune,
    DisorderItem,
    DisorderItemProcedure,
    LineOfAction,
    Neighbourhood,
    Objective,
    PartnerType,
    ProcedureType,
    RelocationReason,
    VisitType,
)

RESOURCES_DIR = Path(__file__).resolve().parents[1] / "resources"
REFERENCE_DIR = RESOURCES_DIR / "reference"

VOCABULARY_MODELS = {
    "partner_types": PartnerType,
    "visit_types": VisitType,
    "procedure_types": ProcedureType,
    "closure_reasons": ClosureReason,
    "relocation_reasons": RelocationReason,
    "case_kinds": CaseKind,
    "case_sources": CaseSource,
}


def read_reference(name: str) -> dict:
    with open(REFERENCE_DIR / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


def load_reference_data(session: Session) -> int:
    """Insert missing reference rows; return how many were added."""
    added = _load_vocabularies(session)
    added += _load_objectives(session)
    added += _load_disorder_grid(session)
    added += _load_territory(session)
    session.flush()
    return added


def _load_vocabularies(session: Session) -> int:
    added = 0
    for key, rows in read_reference("vocabularies").items():
        model = VOCABULARY_MODELS[key]
        existing = set(session.scalars(select(model.code)))
        for position, row in enumerate(rows):
            code, label, *extra = row
            if code in existing:
                continue
            obj = model(code=code, label=label, position=position, active=True)
            if model is VisitType:
                obj.collective = bool(extra and extra[0])
            session.add(obj)
            added += 1
    session.flush()
    return added


def _load_objectives(session: Session) -> int:
    added = 0
    existing = {o.code: o for o in session.scalars(select(Objective))}
    known_lines = set(session.scalars(select(LineOfAction.code)))
    for position, data in enumerate(read_reference("objectives")["objectives"]):
        objective = existing.get(data["code"])
        if objective is None:
            objective = Objective(
                code=data["code"], label=data["label"], description=data["description"], position=position
            )
            session.add(objective)
            session.flush()
            added += 1
        for line_position, label in enumerate(data["lines"], start=1):
            code = f"{data['code']}.{line_position}"
            if code not in known_lines:
                session.add(LineOfAction(objective_id=objective.id, code=code, label=label, position=line_position))
                added += 1
    return added


def _load_disorder_grid(session: Session) -> int:
    added = 0
    grid = read_reference("disorder_grid")
    existing = set(session.scalars(select(DisorderItem.code)))
    for position, row in enumerate(grid["items"]):
        data = dict(zip(grid["columns"], row))
        if data["code"] in existing:
            continue
        item = DisorderItem(
            code=data["code"],
            zone=data["zone"],
            theme=data["theme"],
            label=data["label"],
            weight=data["weight"],
            is_danger=data["danger"],
            position=position,
        )
        session.add(item)
        session.flush()
        for procedure in data["procedures"]:
            session.add(DisorderItemProcedure(item_id=item.id, procedure_code=procedure))
        added += 1
    return added


def _load_territory(session: Session) -> int:
    added = 0
    communes = {c.insee_code: c for c in session.scalars(select(Commune))}
    known = {(n.commune_id, n.name) for n in session.scalars(select(Neighbourhood))}
    for data in read_reference("territoire")["communes"]:
        commune = communes.get(data["insee"])
        if commune is None:
            commune = Commune(insee_code=data["insee"], name=data["name"], postcode=data["postcode"])
            session.add(commune)
            session.flush()
            added += 1
        for name, is_qpv in data["neighbourhoods"]:
            if (commune.id, name) not in known:
                session.add(Neighbourhood(commune_id=commune.id, name=name, is_qpv=is_qpv))
                added += 1
    return added
