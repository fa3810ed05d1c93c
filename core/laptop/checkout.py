"""Check-out: write a laptop base holding some cases whole, the reference data and the accounts allowed.

The office base may be SQLite or PostgreSQL: rows are read through SQLAlchemy Core in one read
transaction and written to a new SQLite base (SQLCipher-encrypted unless asked otherwise) with their
office ids and uuids; a snapshot of every case record as taken out stays in the laptop base, as the base
of the three-way merge at check-in. The base is built under a temporary name and put in place only once
the office has recorded the checkout: a failure leaves neither a half-made file nor a phantom checkout.
"""
from __future__ import annotations

import os
import uuid as uuid_mod
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from core.access import authorize, restrict_cases
from core.actor import Actor
from core.audit import record_event
from core.errors import ValidationError
from core.formatting import fr_plural
from core.laptop import tables as t
from db import models as m
from db.base import now
from db.crypto import PASSPHRASE_MIN_LENGTH
from db.engine import Database
from db.search import reindex_cases

BATCH = 200


@dataclass(frozen=True)
class Selection:
    """Which cases to take: the actor's own (mine), a sector's (neighbourhood name), or references."""

    mine: bool = False
    sector: str = ""
    references: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.mine:
            return "mes dossiers"
        if self.sector:
            return f"secteur {self.sector}"
        return "références " + ", ".join(self.references)


@dataclass(frozen=True)
class CheckoutResult:
    checkout_uuid: str
    path: Path
    case_count: int
    attachment_count: int
    encrypted: bool
    account_logins: tuple[str, ...]


def select_cases(session, actor: Actor, selection: Selection) -> list[int]:
    """Ids of the selected cases the actor may reach; ValidationError (French) for a bad selection."""
    chosen = [bool(selection.mine), bool(selection.sector), bool(selection.references)]
    if sum(chosen) != 1:
        raise ValidationError("Choisissez une sélection : mes dossiers, un secteur ou des références.",
                              field="selection")
    statement = restrict_cases(select(m.Case.id), actor)
    if selection.mine:
        if actor.user_id is None:
            raise ValidationError("« Mes dossiers » demande un compte de l'application (--utilisateur).",
                                  field="mes_dossiers")
        statement = statement.where(m.Case.agent_id == actor.user_id, m.Case.status != "clos")
    elif selection.sector:
        sectors = list(session.scalars(select(m.Neighbourhood.id).where(
            func.lower(m.Neighbourhood.name) == selection.sector.strip().lower())))
        if not sectors:
            raise ValidationError(f"Secteur « {selection.sector} » inconnu.", field="secteur")
        statement = statement.join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id).where(
            m.Dwelling.neighbourhood_id.in_(sectors), m.Case.status != "clos")
    else:
        references = [r.strip() for r in selection.references if r.strip()]
        found = dict(session.execute(restrict_cases(select(m.Case.reference, m.Case.id), actor)
                                     .where(m.Case.reference.in_(references))).all())
        missing = [r for r in references if r not in found]
        if missing:
            unknown = fr_plural(len(missing), "Référence inconnue", "Références inconnues")
            raise ValidationError(f"{unknown} ou hors de votre périmètre : {', '.join(missing)}.",
                                  field="references")
        return sorted(found.values())
    ids = sorted(session.scalars(statement))
    if not ids:
        raise ValidationError(f"Aucun dossier à emporter ({selection.describe()}).", field="selection")
    return ids


def _in(column, ids):
    return column.in_(sorted(ids))


def _chunks(ids):
    ids = sorted(ids)
    return [ids[i:i + 500] for i in range(0, len(ids), 500)]


def _read(connection: Connection, name: str, condition) -> list[dict]:
    """Rows of `name` matching `condition` (its content too: attachments travel whole)."""
    table = t.table(name)
    return [dict(row._mapping) for row in connection.execute(select(table).where(condition))]


def read_cases(connection: Connection, case_ids: list[int]) -> dict[str, list[dict]]:
    """Every row of those cases, table by table (t.CASE_TABLES)."""
    rows: dict[str, list[dict]] = {name: [] for name in t.CASE_TABLES}
    tab = t.table
    for chunk in _chunks(case_ids):
        cases = _read(connection, "cases", _in(tab("cases").c.id, chunk))
        rows["cases"] += cases
        for name, column in (("households", "household_id"), ("dwellings", "dwelling_id")):
            rows[name] += _read(connection, name, _in(tab(name).c.id, {c[column] for c in cases}))
        for name in ("case_kinds", "case_objectives", "case_disorders", "case_external_records", "referrals",
                     "relocations", "journal_entries", "attachments", "tasks"):
            rows[name] += _read(connection, name, _in(tab(name).c.case_id, chunk))
    visit_ids = set(connection.scalars(select(tab("visit_cases").c.visit_id).where(
        _in(tab("visit_cases").c.case_id, case_ids))))
    visit_ids |= {r["visit_id"] for name in ("case_disorders", "attachments") for r in rows[name] if r["visit_id"]}
    for chunk in _chunks(visit_ids):
        rows["visits"] += _read(connection, "visits", _in(tab("visits").c.id, chunk))
        rows["visit_agents"] += _read(connection, "visit_agents", _in(tab("visit_agents").c.visit_id, chunk))
        rows["common_area_findings"] += _read(connection, "common_area_findings",
                                              _in(tab("common_area_findings").c.visit_id, chunk))
        for name in ("visit_cases", "visit_procedures"):
            rows[name] += [r for r in _read(connection, name, _in(tab(name).c.visit_id, chunk))
                           if r["case_id"] in set(case_ids)]
    for chunk in _chunks({r["id"] for r in rows["relocations"]}):
        rows["proposals"] += _read(connection, "proposals", _in(tab("proposals").c.relocation_id, chunk))
    return rows


def allowed_accounts(connection: Connection, actor: Actor, rows: dict[str, list[dict]]) -> set[int]:
    """The actor, the agents of the cases and the agents covering their sectors: who may log in offline."""
    allowed = {c["agent_id"] for c in rows["cases"] if c["agent_id"]}
    neighbourhoods = {d["neighbourhood_id"] for d in rows["dwellings"] if d["neighbourhood_id"]}
    sectors = t.table("user_sectors")
    allowed |= set(connection.scalars(select(sectors.c.user_id).where(_in(sectors.c.neighbourhood_id, neighbourhoods))))
    if actor.user_id is not None:
        allowed.add(actor.user_id)
    return allowed


def _reference_rows(connection: Connection, table, allowed: set[int]) -> list[dict]:
    rows = [dict(r._mapping) for r in connection.execute(select(table))]
    if table.name == "settings":
        return [r for r in rows if r["key"] not in t.LOCAL_SETTINGS]
    if table.name == "users":
        for row in rows:  # every name stays readable; only the allowed accounts can log in offline
            if row["id"] not in allowed:
                row["password_hash"] = None
            row["failed_logins"], row["locked_until"] = 0, None
    return rows


def _insert(session, name: str, rows: list[dict]) -> None:
    table = t.table(name)
    for start in range(0, len(rows), BATCH):
        session.execute(insert(table), rows[start:start + BATCH])


def fill_laptop(laptop: Database, reference: dict[str, list[dict]], cases: dict[str, list[dict]],
                snapshot: list[dict], origin: dict) -> None:
    """Replace the new base's reference data by the office's, add the cases, the snapshot and the origin."""
    with laptop.write() as session:
        for table in reversed(t.reference_tables()):
            session.execute(delete(table))
        for table in t.reference_tables():
            _insert(session, table.name, reference[table.name])
        for name in t.CASE_TABLES:
            _insert(session, name, cases[name])
        _insert(session, "checkout_snapshots", snapshot)
        origin["audit_mark"] = session.scalar(select(func.coalesce(func.max(m.AuditEvent.id), 0)))
        session.execute(insert(m.LaptopOrigin.__table__).values(**origin))
        reindex_cases(session, [c["id"] for c in cases["cases"]])


def snapshot_rows(connection: Connection, cases: dict[str, list[dict]]) -> list[dict]:
    ids = t.UuidMap(connection)
    found = []
    for name in t.CASE_TABLES:
        for key, data in t.portable_rows(name, cases[name], ids).items():
            found.append({"table_name": name, "record_key": key, "data": t.dumps(data)})
    return found


def checkout(database: Database, actor: Actor, target: str | os.PathLike, selection: Selection,
             passphrase: str | None, encrypt: bool = True) -> CheckoutResult:
    """Write the laptop base at `target` and record the checkout in the office base (audited)."""
    from db.open import open_database

    target = Path(target).expanduser().absolute()
    if target.exists():
        raise ValidationError(f"Le fichier « {target} » existe déjà : choisissez un autre nom.", field="sortie")
    if not target.parent.is_dir():
        raise ValidationError(f"Le dossier « {target.parent} » n'existe pas.", field="sortie")
    if encrypt and len(passphrase or "") < PASSPHRASE_MIN_LENGTH:
        raise ValidationError(f"Phrase de passe trop courte : il faut au moins {PASSPHRASE_MIN_LENGTH} caractères.",
                              field="phrase")
    with database.session() as session:
        authorize(session, actor, "case.edit")
        case_ids = select_cases(session, actor, selection)
        for case_id in case_ids:
            authorize(session, actor, "case.edit", case_id)
    with database.engine.connect().execution_options(**_snapshot_isolation(database)) as connection:
        with connection.begin():
            cases = read_cases(connection, case_ids)
            allowed = allowed_accounts(connection, actor, cases)
            reference = {table.name: _reference_rows(connection, table, allowed) for table in t.reference_tables()}
            snapshot = snapshot_rows(connection, cases)
    checkout_uuid = str(uuid_mod.uuid4())
    origin = {"checkout_uuid": checkout_uuid, "office_label": database.describe(), "holder_login": actor.login,
              "taken_at": now()}
    partial = target.with_name(f".{target.name}.emport-{os.getpid()}")
    _remove(partial)
    try:
        laptop = open_database(partial, passphrase=passphrase if encrypt else None)
        try:
            fill_laptop(laptop, reference, cases, snapshot, origin)
            with laptop.engine.connect() as connection:  # the file is moved next: nothing may stay in a -wal
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            laptop.dispose()
        _record(database, actor, checkout_uuid, target, encrypt, selection, case_ids, origin["taken_at"])
        os.replace(partial, target)
    finally:
        _remove(partial)
    logins = tuple(sorted(u["login"] for u in reference["users"] if u["id"] in allowed))
    return CheckoutResult(checkout_uuid, target, len(case_ids), len(cases["attachments"]), encrypt, logins)


def _snapshot_isolation(database: Database) -> dict:
    return {} if database.is_sqlite else {"isolation_level": "REPEATABLE READ"}


def _remove(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _record(database: Database, actor: Actor, checkout_uuid: str, target: Path, encrypted: bool,
            selection: Selection, case_ids: list[int], taken_at) -> None:
    with database.write() as session:
        row = m.Checkout(uuid=checkout_uuid, user_id=actor.user_id, user_login=actor.login,
                         user_name=actor.full_name or actor.login, taken_at=taken_at, target_label=str(target),
                         encrypted=encrypted, selection=selection.describe(), state="sorti")
        session.add(row)
        session.flush()
        session.execute(insert(m.CheckoutCase.__table__), [{"checkout_id": row.id, "case_id": c} for c in case_ids])
        record_event(session, actor, "portable.emport", "checkout", row.id,
                     {"portable": checkout_uuid, "fichier": str(target), "dossiers": len(case_ids),
                      "chiffre": encrypted, "selection": selection.describe()})
