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


FINGERPRINT_SETTING = "reference_data_fingerprint"


def reference_fingerprint(revision: str) -> str:
    """What the reference files and the schema revision say: when it matches the base's, every row they
    define is already there."""
    import hashlib

    digest = hashlib.sha256(revision.encode())
    for path in sorted(REFERENCE_DIR.glob("*.json")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def reference_data_current(session: Session, revision: str) -> bool:
    """True when the base already holds this version of the reference files: checking them row by row (~40
    queries) took ~0.15 s of every start-up, ~0.4 s on a busy machine."""
    from db.models import Setting

    stored = session.get(Setting, FINGERPRINT_SETTING)
    return stored is not None and stored.value == reference_fingerprint(revision)


def ensure_reference_data(session: Session, revision: str) -> int:
    """load_reference_data unless the base is current; records the fingerprint of what it loaded."""
    from db.models import Setting

    if reference_data_current(session, revision):
        return 0
    added = load_reference_data(session)
    session.merge(Setting(key=FINGERPRINT_SETTING, value=reference_fingerprint(revision)))
    return added


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
