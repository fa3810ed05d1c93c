"""Check-in: merge a laptop base into the office base, in one office transaction (all or nothing).

Per record and per field against the snapshot taken at check-out (core.laptop.merge); records created
on the laptop are added (a case gets an office reference, and what points to it follows by uuid);
deletions are applied unless the office changed the record since; conflicts are stored for a person
(core.laptop.conflicts); the laptop's audit events join the office trail (core.laptop.audit_import).
The same laptop content brought twice changes nothing the second time (its digest is recorded).
"""
from __future__ import annotations

import json
import os
from dataclasses import replace

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access import authorize
from core.actor import Actor
from core.audit import record_event
from core.errors import ConflictError, DomainError, PermissionDenied
from core.laptop import tables as t
from core.laptop.audit_import import append_laptop_events
from core.laptop.laptop_side import LaptopContent, case_ids_of_event, open_laptop, read_laptop, rebase_laptop
from core.laptop.merge import WHOLE_RECORD, FieldConflict, merge_record
from core.laptop.report import TABLE_LABELS, CheckinReport, MergedRecord, display_value, field_label
from db import models as m
from db.base import now
from db.engine import Database


OFFICE_TWIN = "une fiche équivalente existe déjà au bureau"  # the office side of a record made on both sides


def checkin(database: Database, actor: Actor, laptop_path: str | os.PathLike, passphrase: str | None = None
            ) -> CheckinReport:
    laptop = open_laptop(laptop_path, passphrase)
    try:
        content = read_laptop(laptop)
        with database.write() as session:
            session.info["actor"] = actor
            report = _apply(session, actor, content)
        rebase_laptop(laptop, content)  # after the office commit: a kill here only makes the next run a no-op
        return report
    finally:
        laptop.dispose()


def _apply(session: Session, actor: Actor, content: LaptopContent) -> CheckinReport:
    authorize(session, actor, "case.edit")
    checkout = session.scalar(select(m.Checkout).where(m.Checkout.uuid == content.origin["checkout_uuid"]))
    if checkout is None:
        raise DomainError("Ce portable vient d'une autre base : son emport est inconnu ici. Rapportez-le dans la "
                          "base d'où il a été emporté.", field="portable")
    if actor.role == "agent" and checkout.user_id != actor.user_id:
        raise PermissionDenied(f"Ce portable a été emporté par {checkout.user_name} : lui, elle ou un "
                               "responsable peut le rapporter.")
    previous = session.scalar(select(m.Checkin).where(m.Checkin.digest == content.digest))
    if previous is not None:
        report = CheckinReport.from_json(previous.summary)
        report.already_applied, report.applied_at = True, previous.applied_at
        return report
    merger = Merger(session, actor, content, checkout)
    report = merger.run()
    if report.nothing_new:
        return report  # nothing written: a second run of the same laptop leaves the office base as it was
    session.add(m.Checkin(checkout_uuid=checkout.uuid, applied_at=report.applied_at, user_login=actor.login,
                          digest=content.digest, summary=report.to_json()))
    checkout.state, checkout.returned_at = "rapporte", report.applied_at
    record_event(session, actor, "portable.retour", "checkout", checkout.id,
                 {"portable": checkout.uuid, "ajouts": len(report.created), "modifications": len(report.updated),
                  "suppressions": len(report.deleted), "conflits": len(report.conflicts),
                  "evenements": report.audit_events})
    return report


class Merger:
    def __init__(self, session: Session, actor: Actor, content: LaptopContent, checkout: m.Checkout):
        self.session, self.actor, self.content, self.checkout = session, actor, content, checkout
        self.connection = session.connection()
        self.ids = t.UuidMap(self.connection)
        self.office: dict[str, dict[str, dict]] = {}
        self.case_of: dict[str, str] = {}  # record uuid (household, dwelling, visit, relocation) -> case uuid
        self.reference_of: dict[str, str] = {}  # case uuid -> reference
        self.deletions: list[tuple[str, str, dict]] = []
        self.conflicts: list[tuple[str, str, FieldConflict]] = []
        self.touched: set[str] = set()
        self.report = CheckinReport(checkout.uuid, checkout.user_name, checkout.taken_at, applied_at=now())

    def run(self) -> CheckinReport:
        for name in t.CASE_TABLES:
            self.office[name] = self._office_rows(name)
        self._learn_owners()
        for name in t.CASE_TABLES:
            self._merge_table(name)
        for name, key, data in reversed(self.deletions):
            self._delete(name, key, data)
        self.report.audit_events = append_laptop_events(
            self.session, self.content.events, f"portable {self.checkout.user_login} ({self.checkout.uuid[:8]})",
            self.content.uuid_of, self.ids)
        self._store_conflicts()
        self._finish_cases()
        renamed = dict(self.report.references)  # rows added before their case got its office reference
        for records in (self.report.created, self.report.updated, self.report.deleted):
            records[:] = [replace(r, case_reference=renamed.get(r.case_reference, r.case_reference)) for r in records]
        return self.report

    # -- reading the office side -------------------------------------------------------------------------
    def _keys(self, name: str) -> set[str]:
        return set(self.content.snapshot[name]) | set(self.content.rows[name])

    def _office_rows(self, name: str) -> dict[str, dict]:
        table, keys = t.table(name), self._keys(name)
        columns = [c for c in table.c if c.name != "content"]
        raw = []
        if t.is_travelling(name):
            wanted = sorted(keys)
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                raw += self.connection.execute(select(*columns).where(table.c.uuid.in_(chunk))).all()
        else:
            parent_column = t.KEYS[name][0]
            target = t.travelling_references(name)[parent_column]
            parents = {json.loads(k)[0] for k in keys}
            self.ids.load_uuids(target, parents)
            office_parents = sorted(self.ids.id_of.get(target, {})[u] for u in parents
                                    if u in self.ids.id_of.get(target, {}))
            for start in range(0, len(office_parents), 500):
                raw += self.connection.execute(select(*columns).where(
                    table.c[parent_column].in_(office_parents[start:start + 500]))).all()
        rows = t.portable_rows(name, [dict(r._mapping) for r in raw], self.ids)
        return {k: v for k, v in rows.items() if k in keys}

    def _learn_owners(self) -> None:
        for side in (self.content.snapshot, self.content.rows, self.office):
            for uuid, case in side["cases"].items():
                self.case_of[case["household_id"]] = self.case_of[case["dwelling_id"]] = uuid
                self.reference_of.setdefault(uuid, case["reference"])
            for key in side["visit_cases"]:
                visit, case = json.loads(key)
                self.case_of.setdefault(visit, case)
            for uuid, relocation in side["relocations"].items():
                self.case_of[uuid] = relocation["case_id"]
        for uuid, case in self.office["cases"].items():
            self.reference_of[uuid] = case["reference"]

    def _owner(self, name: str, data: dict) -> str:
        if name == "cases":
            return data["uuid"]
        if "case_id" in data and data["case_id"]:
            return data["case_id"]
        if name in ("households", "dwellings", "visits"):
            return self.case_of.get(data["uuid"], "")
        if name == "proposals":
            return self.case_of.get(data["relocation_id"], "")
        return self.case_of.get(data.get("visit_id") or "", "")

    # -- merging -----------------------------------------------------------------------------------------
    def _merge_table(self, name: str) -> None:
        fields = t.merged_fields(name)
        for key in sorted(self._keys(name)):
            base, laptop = self.content.snapshot[name].get(key), self.content.rows[name].get(key)
            office = self.office[name].get(key)
            outcome = merge_record(fields, base, office, laptop)
            owner = self._owner(name, laptop or office or base)
            for conflict in outcome.conflicts:
                self.conflicts.append((name, key, conflict))
            if outcome.action == "insert":
                self._insert(name, key, outcome.values, owner)
            elif outcome.action == "update":
                self._update(name, key, office, outcome.values, base, owner)
            elif outcome.action == "delete":
                self.deletions.append((name, key, office))

    def _record(self, name: str, owner: str, what: str = "") -> MergedRecord:
        return MergedRecord(TABLE_LABELS[name], self.reference_of.get(owner, ""), what)

    def _insert(self, name: str, key: str, data: dict, owner: str) -> None:
        data = {c: v for c, v in data.items() if c in t.table(name).c}
        provisional = ""
        if name == "cases" and str(data["reference"]).startswith("P-"):
            from core.services.cases import next_reference

            provisional = data["reference"]
            data["reference"] = next_reference(self.session, int(data["opened_on"][:4]))
        try:
            values = t.local_values(name, data, self.ids)
        except KeyError:  # what it belongs to was deleted at the office meanwhile
            self.conflicts.append((name, key, FieldConflict(WHOLE_RECORD, None, None, data)))
            return
        if name == "attachments":
            values["content"] = self.content.attachment_bytes.get(data["uuid"], b"")
        try:
            with self.connection.begin_nested():  # a savepoint: a refused row leaves the rest going
                inserted = self.connection.execute(insert(t.table(name)).values(**values).returning(
                    *([t.table(name).c.id] if "id" in t.table(name).c else [])))
                new_id = inserted.scalar() if "id" in t.table(name).c else None
        except IntegrityError:  # e.g. the same disorder reported on both sides: the office row stays
            self.conflicts.append((name, key, FieldConflict(WHOLE_RECORD, None, OFFICE_TWIN, data)))
            return
        if t.is_travelling(name):
            self.ids.remember(name, [(new_id, data["uuid"])])
        if name == "cases":
            self.reference_of[data["uuid"]] = data["reference"]
            if provisional:
                self.report.references.append((provisional, data["reference"]))
                self._journal(new_id, f"Dossier créé sur un portable de terrain sous la référence provisoire "
                                      f"{provisional}, devenue {data['reference']} au retour.")
        self.touched.add(owner)
        what = f"{provisional} → {data['reference']}" if provisional else _gist(data)
        self.report.created.append(self._record(name, owner, what))

    def _journal(self, case_id: int, text_: str) -> None:
        from core.services.common import journal

        journal(self.session, self.actor, case_id, "note", text_)

    def _where(self, name: str, key: str, office: dict):
        table = t.table(name)
        if t.is_travelling(name):
            return and_(table.c.uuid == key, table.c.version == office["version"])
        values = t.local_values(name, office, self.ids, t.KEYS[name])
        return and_(*(table.c[c] == v for c, v in values.items()))

    def _update(self, name: str, key: str, office: dict, taken: dict, base: dict, owner: str) -> None:
        table = t.table(name)
        try:
            values = t.local_values(name, taken, self.ids)
        except KeyError:
            values = None
        if values is not None and t.is_travelling(name):
            values.update(version=office["version"] + 1, updated_at=now())
        try:
            if values is None:
                raise IntegrityError("reference", {}, Exception("record deleted at the office"))
            with self.connection.begin_nested():  # a savepoint: a refused row leaves the rest going
                done = self.connection.execute(update(table).where(self._where(name, key, office)).values(**values))
        except IntegrityError:  # the merged record would break a rule of the base: every taken field waits
            for column, value in taken.items():
                self.conflicts.append((name, key, FieldConflict(column, base.get(column), office.get(column), value)))
            return
        if done.rowcount != 1:
            raise ConflictError("Un autre poste a modifié ces dossiers pendant le retour du portable : rien n'a été "
                                "enregistré. Relancez le retour.")
        self.touched.add(owner)
        self.report.updated.append(self._record(name, owner, ", ".join(field_label(c) for c in sorted(taken))))

    def _delete(self, name: str, key: str, office: dict) -> None:
        owner = self._owner(name, office)
        try:
            with self.connection.begin_nested():  # a savepoint: a refused row leaves the rest going
                self.connection.execute(delete(t.table(name)).where(self._where(name, key, office)))
        except IntegrityError:
            self.conflicts.append((name, key, FieldConflict(WHOLE_RECORD, office, office, None)))
            return
        if t.is_travelling(name):
            who, when = self.content.tombstones.get(name, {}).get(key, (self.checkout.user_login, now()))
            self.session.add(m.Tombstone(table_name=name, record_uuid=key, deleted_at=when or now(),
                                         deleted_by=(who or "")[:60]))
        self.touched.add(owner)
        self.report.deleted.append(self._record(name, owner, _gist(office)))

    # -- after the merge ---------------------------------------------------------------------------------
    def _office_activity(self) -> dict[int, tuple[str, object]]:
        latest: dict[int, tuple[str, object]] = {}
        events = self.connection.execute(select(m.AuditEvent.__table__).where(
            m.AuditEvent.occurred_at >= self.checkout.taken_at, ~m.AuditEvent.details.like('%"origine"%'))
            .order_by(m.AuditEvent.id))
        for event in events:
            for case_id in case_ids_of_event(dict(event._mapping)):
                latest[case_id] = (event.user_login, event.occurred_at)
        return latest

    def _store_conflicts(self) -> None:
        if not self.conflicts:
            return
        office_activity = self._office_activity()
        for name, key, conflict in self.conflicts:
            data = self.content.rows[name].get(key) or self.office[name].get(key) or self.content.snapshot[name][key]
            owner = self._owner(name, data)
            self.ids.load_uuids("cases", [owner])
            office_case = self.ids.id_of.get("cases", {}).get(owner)
            office_by, office_at = office_activity.get(office_case, ("", None))
            laptop_by, laptop_at = self.content.activity.get(owner, (self.checkout.user_login, None))
            if conflict.laptop is None and t.is_travelling(name):
                laptop_by, laptop_at = self.content.tombstones.get(name, {}).get(key, (laptop_by, laptop_at))
            row = m.MergeConflict(
                checkout_uuid=self.checkout.uuid, table_name=name,
                record_uuid=key[:36] if t.is_travelling(name) else "",
                case_uuid=owner or "", case_reference=self.reference_of.get(owner, ""), field=conflict.field,
                base_value=t.dumps(conflict.base), office_value=t.dumps(conflict.office),
                laptop_value=t.dumps(conflict.laptop), office_by=office_by, office_at=office_at, laptop_by=laptop_by,
                laptop_at=laptop_at if not isinstance(laptop_at, str) else None, status="ouvert")
            if not t.is_travelling(name):
                row.record_uuid = ""
                row.field = conflict.field if conflict.field != WHOLE_RECORD else WHOLE_RECORD
                row.base_value = t.dumps({"cle": key, "valeur": conflict.base})
            self.session.add(row)
            self.session.flush()
            from core.laptop.conflicts import view_of

            self.report.conflicts.append(view_of(row))

    def _finish_cases(self) -> None:
        from core.services.common import finish

        self.ids.load_uuids("cases", [u for u in self.touched if u])
        ids = [self.ids.id_of.get("cases", {}).get(u) for u in self.touched if u]
        finish(self.session, [i for i in ids if i is not None])


def _gist(data: dict | None) -> str:
    if not data:
        return ""
    for column in ("text", "title", "filename", "subject", "last_name", "street", "observations", "kind_code"):
        if data.get(column):
            return display_value(data[column])[:80]
    return ""
