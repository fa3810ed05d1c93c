"""The three-way merge of one record, as pure data: what to do in the office base, and what needs a person.

`base` is the record as taken out (None: created since), `office` and `laptop` what each base holds now
(None: absent, never made or deleted). Values are JSON data (core.laptop.tables), compared field by field:
- a field changed on one side only is taken from that side;
- the same field changed on both sides to different values is a conflict, and the office value stays;
- a record created on the laptop is added; deleted on the laptop, it is deleted if the office did not
  change it since, else the deletion is a conflict; changed on the laptop but deleted at the office, the
  laptop's version is a conflict (the office deletion stays until someone settles it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WHOLE_RECORD = "*"  # the conflict is about the record itself (deletion on one side, edit on the other)


@dataclass(frozen=True)
class FieldConflict:
    field: str
    base: Any
    office: Any
    laptop: Any


@dataclass
class Outcome:
    action: str = "none"  # none | insert | update | delete
    values: dict = field(default_factory=dict)  # insert: the laptop record; update: the fields to take
    conflicts: list[FieldConflict] = field(default_factory=list)


def _same(record_a: dict, record_b: dict, fields: list[str]) -> bool:
    return all(record_a.get(f) == record_b.get(f) for f in fields)


def merge_record(fields: list[str], base: dict | None, office: dict | None, laptop: dict | None) -> Outcome:
    if laptop is None:
        if base is None or office is None:
            return Outcome()
        if _same(office, base, fields):
            return Outcome("delete")
        return Outcome(conflicts=[FieldConflict(WHOLE_RECORD, base, office, None)])
    if base is None:
        if office is None:
            return Outcome("insert", dict(laptop))
        return _two_way(fields, office, laptop)
    if office is None:
        if _same(laptop, base, fields):
            return Outcome()
        return Outcome(conflicts=[FieldConflict(WHOLE_RECORD, base, None, laptop)])
    outcome = Outcome()
    for name in fields:
        was, now_office, now_laptop = base.get(name), office.get(name), laptop.get(name)
        if now_laptop == was or now_laptop == now_office:
            continue
        if now_office == was:
            outcome.values[name] = now_laptop
        else:
            outcome.conflicts.append(FieldConflict(name, was, now_office, now_laptop))
    if outcome.values:
        outcome.action = "update"
    return outcome


def _two_way(fields: list[str], office: dict, laptop: dict) -> Outcome:
    """Made on both sides under the same name (a link row, a record found by its key): differences are
    conflicts, having no common base to say who changed what."""
    return Outcome(conflicts=[FieldConflict(f, None, office.get(f), laptop.get(f))
                              for f in fields if office.get(f) != laptop.get(f)])
