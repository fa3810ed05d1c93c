"""Conflicts left by a check-in: listed for a person, settled one by one (office value, laptop value, or edited).

Settling writes through a version check like any save: if the office record changed since the conflict
was listed, nothing is written and the person is told to look again.
"""
from __future__ import annotations

import json

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import ConflictError, NotFound, ValidationError, WorkflowError
from core.laptop import tables as t
from core.laptop.merge import WHOLE_RECORD
from core.laptop.report import TABLE_LABELS, ConflictView, display_value, field_label
from core.services.base import Changes, action
from core.services.common import authorize_cases, finish
from db import models as m
from db.base import now

CHOICES = {"bureau": "office_value", "portable": "laptop_value"}


def _base_and_key(row: m.MergeConflict):
    base = json.loads(row.base_value) if row.base_value is not None else None
    if t.is_travelling(row.table_name):
        return base, row.record_uuid
    return base["valeur"], base["cle"]


def view_of(row: m.MergeConflict) -> ConflictView:
    base, _key = _base_and_key(row)
    side = "record" if row.field == WHOLE_RECORD else ""
    return ConflictView(
        id=row.id, case_reference=row.case_reference, table=TABLE_LABELS.get(row.table_name, row.table_name),
        field=field_label(row.field), field_name=row.field, base=display_value(base, side),
        office=display_value(json.loads(row.office_value), side),
        laptop=display_value(json.loads(row.laptop_value), side),
        office_by=row.office_by, office_at=row.office_at, laptop_by=row.laptop_by, laptop_at=row.laptop_at,
        status=row.status, chosen=display_value(json.loads(row.chosen_value)) if row.chosen_value else "")


def _chosen(row: m.MergeConflict, choice: str | None, value) -> object:
    if value is not None:
        if row.field == WHOLE_RECORD:
            raise ValidationError("Une fiche supprimée d'un côté se règle en choisissant « bureau » ou "
                                  "« portable ».",
                                  field="valeur")
        try:
            t.decode(row.table_name, row.field, value)
        except (ValueError, TypeError):
            raise ValidationError(f"Valeur « {value} » invalide pour « {field_label(row.field)} ».",
                                  field="valeur") from None
        return value
    if choice not in CHOICES:
        raise ValidationError("Choisissez la valeur du bureau, celle du portable, ou saisissez-en une.", field="choix")
    return json.loads(getattr(row, CHOICES[choice]))


@action("portable.arbitrage", "case.edit")
def settle_conflict(session: Session, actor: Actor, conflict_id: int, choice: str | None = None,
                    value=None) -> Changes:
    """Settle one conflict: choice "bureau" / "portable", or an edited `value` (JSON data) for a field."""
    row = session.get(m.MergeConflict, conflict_id) if conflict_id is not None else None
    if row is None:
        raise NotFound(f"Conflit n° {conflict_id} introuvable.", field="conflit")
    if row.status != "ouvert":
        raise WorkflowError(f"Ce conflit a déjà été réglé par {row.settled_by} le {row.settled_at:%d/%m/%Y}.",
                            field="conflit")
    case_id = session.scalar(select(m.Case.id).where(m.Case.uuid == row.case_uuid))
    if case_id is not None:
        authorize_cases(session, actor, [case_id])
    chosen = _chosen(row, choice, value)
    office = json.loads(row.office_value)
    if chosen != office:
        _write(session, row, office, chosen)
    row.status, row.settled_by, row.settled_at = "regle", actor.login[:60], now()
    row.chosen_value = t.dumps(chosen)
    if case_id is not None:
        finish(session, [case_id])
    return Changes("merge_conflict", row.id, {case_id} if case_id else set(), [row.field],
                   details={"choix": choice or "saisie", "table": row.table_name, "fiche": row.record_uuid})


def _current(session: Session, name: str, key: str, ids: t.UuidMap) -> dict | None:
    table = t.table(name)
    columns = [c for c in table.c if c.name != "content"]
    if t.is_travelling(name):
        raw = session.execute(select(*columns).where(table.c.uuid == key)).all()
    else:
        keyed = dict(zip(t.KEYS[name], json.loads(key)))
        try:
            values = t.local_values(name, keyed, ids)
        except KeyError:
            return None
        raw = session.execute(select(*columns).where(*(table.c[c] == v for c, v in values.items()))).all()
    rows = t.portable_rows(name, [dict(r._mapping) for r in raw], ids)
    return next(iter(rows.values()), None)


def _write(session: Session, row: m.MergeConflict, office, chosen) -> None:
    name, table = row.table_name, t.table(row.table_name)
    _base, key = _base_and_key(row)
    ids = t.UuidMap(session.connection())
    current = _current(session, name, key, ids)
    stale = ConflictError("La fiche a changé au bureau depuis le retour du portable : relisez le conflit avant de "
                          "choisir.")
    if row.field == WHOLE_RECORD:
        if chosen is None and current is not None:
            where = table.c.uuid == key if t.is_travelling(name) else _key_condition(name, key, ids)
            session.execute(delete(table).where(where))
            return
        if chosen is not None and current is None:
            try:
                with session.connection().begin_nested():
                    session.execute(insert(table).values(**t.local_values(name, chosen, ids, [
                        c for c in chosen if c in table.c])))
            except (KeyError, IntegrityError):
                raise WorkflowError("La fiche du portable ne peut plus être rétablie (ce à quoi elle se rattache a "
                                    "été supprimé ou modifié au bureau).", field="choix") from None
            return
        raise stale
    if current is None or current.get(row.field) != office:
        raise stale
    values = t.local_values(name, {row.field: chosen}, ids)
    if t.is_travelling(name):
        condition = (table.c.uuid == key) & (table.c.version == current["version"])
        values.update(version=current["version"] + 1, updated_at=now())
    else:
        condition = _key_condition(name, key, ids)
    try:
        with session.connection().begin_nested():
            done = session.execute(update(table).where(condition).values(**values))
    except IntegrityError:
        raise ValidationError(f"Valeur refusée pour « {field_label(row.field)} » : elle contredit une autre "
                              "information de la fiche.", field="valeur") from None
    if done.rowcount != 1:
        raise stale


def _key_condition(name: str, key: str, ids: t.UuidMap):
    table = t.table(name)
    values = t.local_values(name, dict(zip(t.KEYS[name], json.loads(key))), ids)
    return and_(*(table.c[c] == v for c, v in values.items()))
