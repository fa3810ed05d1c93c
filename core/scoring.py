"""Criticality of a case: computed from its disorders, explained, stored in cases.criticality.

Formula (one place, used for the stored column and for the explanation):

- Only disorders *reported* (signalé) or *confirmed* (confirmé) count; a disorder a
  visit did not confirm (non confirmé) no longer counts.
- Per zone (bâtiment, logement): raw = sum of the grid weights of the counted
  disorders of that zone; maximum = sum of the weights of all active grid items of
  that zone. Overall: the same sums over both zones.
- score = raw / maximum × 100 × household factor, rounded half up, capped at 100.
- Household factor: the national platform's single multiplier, 1.1 when a child
  (under 18) lives there, otherwise 1.0 — so our score and theirs mean the same.

So the score is the share of the whole grid's weight that the case shows, as the
national platform's percentages are; its bands are the platform's: below 10
(faible), 10 to 30 (moyenne), over 30 (forte).

Flags, as the platform raises them apart from the score: a counted disorder marked
*danger* in the grid, or severe overcrowding (living area below the housing-benefit
minimum, core.rules.suroccupation — the standard is itself a floor, so any shortfall
is severe). A flagged case is classed at least « forte » whatever its score, and its
priority is raised to « haute » (raise_priority_for_flags); the score itself is left
as the platform computes it. Young children raise the priority too (not the score).

Suggested procedures are the procedures that the grid attaches to the counted
disorders, in the order of the procedure reference list.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, selectinload

from db import models as m
from db.base import now
from db.vocab import ZONES

COUNTED_STATES = ("signale", "confirme")
FACTOR_CHILD = 1.1
BANDS = {"faible": (0, 9), "moyenne": (10, 30), "forte": (31, 100)}
BAND_RANGES = {"faible": "moins de 10", "moyenne": "de 10 à 30", "forte": "plus de 30"}
BAND_LABELS = {"faible": "Faible (moins de 10)", "moyenne": "Moyenne (10 à 30)", "forte": "Forte (plus de 30)"}


def household_factor(children: int, has_child_under_6: bool = False) -> float:
    """×1.1 with any child, as the national platform does (a child under 6 raises the priority, not the score)."""
    if (children and children > 0) or has_child_under_6:
        return FACTOR_CHILD
    return 1.0


def score(raw: float, maximum: float, factor: float) -> int:
    """raw / maximum × 100 × factor, rounded half up, within 0..100."""
    if maximum <= 0 or raw <= 0:
        return 0
    value = int(100.0 * raw * factor / maximum + 0.5)
    return max(0, min(100, value))


def band(value: int, flagged: bool = False) -> str:
    """The platform's band of a score; a danger or severe overcrowding makes it at least « forte »."""
    if flagged:
        return "forte"
    if value < 10:
        return "faible"
    if value <= 30:
        return "moyenne"
    return "forte"


def classed(overall: int, danger: bool, overcrowded: bool) -> str:
    """How a score is classed, in words, with the flags that raise it to « forte » (the saved band's rule):
    « faible (moins de 10) », or « classée forte à cause du danger signalé ; la note seule la classerait
    moyenne, de 10 à 30 »."""
    by_score = band(overall)
    reasons = (["du danger signalé"] if danger else []) + (["de la suroccupation"] if overcrowded else [])
    if reasons and by_score != "forte":
        return (f"classée forte à cause {' et '.join(reasons)} ; la note seule la classerait {by_score}, "
                f"{BAND_RANGES[by_score]}")
    return BAND_LABELS[band(overall, bool(reasons))].lower()


def band_words(overall: int, danger: bool, overcrowded: bool) -> str:
    """The band in a few words, for a header: « Faible (moins de 10) », or « Forte (danger signalé) » when a
    flag raises it (the saved band's rule, as `classed` says at length)."""
    reasons = (["danger signalé"] if danger else []) + (["suroccupation"] if overcrowded else [])
    if reasons and band(overall) != "forte":
        return f"Forte ({' et '.join(reasons)})"
    return BAND_LABELS[band(overall, bool(reasons))]


def is_overcrowded(area: float | None, persons: int) -> bool:
    from core.rules.suroccupation import required_area

    return area is not None and persons >= 1 and area < required_area(persons)


def has_counted_danger(session: Session, case_id: int) -> bool:
    """One case's danger_condition, read through its own disorders (not every case's)."""
    return session.scalar(_counted_dangers().where(m.CaseDisorder.case_id == case_id).limit(1)) is not None


def grid_maxima(session: Session) -> dict[str, int]:
    maxima = {zone: 0 for zone in ZONES}
    for zone, total in session.execute(
        select(m.DisorderItem.zone, func.sum(m.DisorderItem.weight)).where(m.DisorderItem.active)
        .group_by(m.DisorderItem.zone)
    ):
        maxima[zone] = int(total or 0)
    return maxima


def recompute_criticality(session: Session, case_ids: Iterable[int] | None = None) -> int:
    """Recompute and store the criticality of some cases (all when None); returns how many changed.

    Two grouped queries and one executemany, so 100,000 cases take about a second.
    """
    session.flush()
    ids = None if case_ids is None else sorted(set(case_ids))
    if ids == []:
        return 0
    maximum = sum(grid_maxima(session).values())
    sums: dict[int, int] = defaultdict(int)
    weights = (
        select(m.CaseDisorder.case_id, func.sum(m.DisorderItem.weight))
        .join(m.DisorderItem, m.DisorderItem.id == m.CaseDisorder.item_id)
        .where(m.CaseDisorder.state.in_(COUNTED_STATES))
        .group_by(m.CaseDisorder.case_id)
    )
    people = (select(m.Case.id, m.Case.criticality, m.Household.children, m.Household.has_child_under_6)
              .join(m.Household, m.Household.id == m.Case.household_id))
    changed = []
    for chunk in _chunks(ids):
        w = weights if chunk is None else weights.where(m.CaseDisorder.case_id.in_(chunk))
        p = people if chunk is None else people.where(m.Case.id.in_(chunk))
        sums.update({case_id: int(total or 0) for case_id, total in session.execute(w)})
        for case_id, current, children, young in session.execute(p):
            new = score(sums.get(case_id, 0), maximum, household_factor(children, young))
            if new != current:
                changed.append({"cid": case_id, "score": new})
    if changed:
        table = m.Case.__table__
        # A derived score is not an edit: keep updated_at (sync and the demo's determinism rely on it).
        session.execute(update(table).where(table.c.id == bindparam("cid"))
                        .values(criticality=bindparam("score"), updated_at=table.c.updated_at), changed)
    return len(changed)


def recompute_all_criticality(session: Session) -> int:
    return recompute_criticality(session, None)


def _chunks(ids: list[int] | None, size: int = 900):
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def required_area_sql(persons):
    """SQL for core.rules.suroccupation.required_area: 9 m² alone, 16 m² for two, +9 m² each, at most 70 m²."""
    from sqlalchemy import case as sql_case

    return sql_case((persons <= 1, 9.0), (persons >= 8, 70.0), else_=16.0 + 9.0 * (persons - 2))


def _counted_dangers():
    """The case ids of counted disorders the grid marks as a danger."""
    return (select(m.CaseDisorder.case_id).join(m.DisorderItem, m.DisorderItem.id == m.CaseDisorder.item_id)
            .where(m.DisorderItem.is_danger, m.CaseDisorder.state.in_(COUNTED_STATES)))


def danger_condition():
    """SQL: the case has a counted disorder the grid marks as a danger."""
    return m.Case.id.in_(_counted_dangers())


def overcrowding_condition():
    """SQL: the case's dwelling is below the housing-benefit minimum area for its household."""
    persons = m.Household.adults + m.Household.children
    return m.Case.id.in_(select(m.Case.id).join(m.Household, m.Household.id == m.Case.household_id)
                         .join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id)
                         .where(m.Dwelling.living_area_m2.is_not(None),
                                m.Dwelling.living_area_m2 < required_area_sql(persons)))


def flagged_condition():
    from sqlalchemy import or_

    return or_(danger_condition(), overcrowding_condition())


def band_condition(name: str):
    """SQL selecting the cases of a band as case_criticality classes them (flags included)."""
    from sqlalchemy import and_, not_

    low, high = BANDS[name]
    if name == "forte":
        from sqlalchemy import or_

        return or_(m.Case.criticality.between(low, high), flagged_condition())
    return and_(m.Case.criticality.between(low, high), not_(flagged_condition()))


PRIORITY_FLOOR = "haute"
_BELOW_FLOOR = ("basse", "normale")


def raise_priority_for_flags(session: Session, case_ids: Iterable[int]) -> list[int]:
    """Give « haute » to the open cases among case_ids that a danger, severe overcrowding or a child under 6
    now flags and whose priority is lower; a journal entry says why. Never lowers a priority."""
    from core.rules.suroccupation import required_area

    ids = sorted(set(case_ids))
    if not ids:
        return []
    raised = []
    for chunk in _chunks(ids):  # read only these cases: this runs after every save
        rows = session.execute(
            select(m.Case.id, m.Dwelling.living_area_m2, m.Household.adults + m.Household.children,
                   m.Household.has_child_under_6)
            .join(m.Household, m.Household.id == m.Case.household_id)
            .join(m.Dwelling, m.Dwelling.id == m.Case.dwelling_id)
            .where(m.Case.id.in_(chunk), m.Case.priority.in_(_BELOW_FLOOR), m.Case.status != "clos")).all()
        if not rows:
            continue
        dangerous = set(session.scalars(
            select(m.CaseDisorder.case_id).join(m.DisorderItem, m.DisorderItem.id == m.CaseDisorder.item_id)
            .where(m.CaseDisorder.case_id.in_([row[0] for row in rows]), m.DisorderItem.is_danger,
                   m.CaseDisorder.state.in_(COUNTED_STATES))))
        for case_id, area, persons, child in rows:
            danger = case_id in dangerous
            crowded = area is not None and persons >= 1 and area < required_area(persons)
            reasons = [text for flag, text in ((danger, "danger signalé"), (crowded, "suroccupation"),
                                               (child, "enfant de moins de 6 ans")) if flag]
            if not reasons:
                continue
            session.add(m.JournalEntry(case_id=case_id, kind="note", shareable=False, occurred_at=now(),
                                       text="Priorité relevée à « Haute » : " + ", ".join(reasons) + "."))
            raised.append(case_id)
    if raised:
        # The case's version is kept: a form open on the case must not be refused for a rule's raise.
        table = m.Case.__table__
        session.execute(update(table).where(table.c.id.in_(raised))
                        .values(priority=PRIORITY_FLOOR, updated_at=now(), version=table.c.version))
    return raised


def raise_all_priorities_for_flags(session: Session) -> int:
    """The demo's bulk form: every open flagged case below « haute » gets it, without journal entries."""
    young = m.Case.id.in_(select(m.Case.id).join(m.Household, m.Household.id == m.Case.household_id)
                          .where(m.Household.has_child_under_6))
    from sqlalchemy import or_

    table = m.Case.__table__
    result = session.execute(update(table).where(table.c.priority.in_(_BELOW_FLOOR), table.c.status != "clos",
                                                 or_(flagged_condition(), young))
                             .values(priority=PRIORITY_FLOOR, updated_at=table.c.updated_at)
                             .execution_options(synchronize_session=False))
    return result.rowcount


@dataclass
class ZoneScore:
    zone: str
    label: str
    raw: int
    maximum: int
    score: int
    disorders: list[str] = field(default_factory=list)


@dataclass
class SuggestedProcedure:
    code: str
    label: str
    because_of: list[str]


@dataclass
class Criticality:
    overall: int
    band: str
    factor: float
    factor_reason: str
    zones: dict[str, ZoneScore]
    procedures: list[SuggestedProcedure]
    dangers: list[str]
    overcrowded: bool = False

    @property
    def band_label(self) -> str:
        return BAND_LABELS[self.band]

    @property
    def flags(self) -> list[str]:
        return (["danger"] if self.dangers else []) + (["suroccupation"] if self.overcrowded else [])

    @property
    def explanation(self) -> str:
        parts = [f"Criticité {self.overall}/100, {classed(self.overall, bool(self.dangers), self.overcrowded)}."]
        for zone in self.zones.values():
            parts.append(f"{zone.label} : {zone.score}/100 (poids {zone.raw} sur {zone.maximum}).")
        if self.factor != 1.0:
            parts.append(f"Score majoré de {round((self.factor - 1) * 100)} % : {self.factor_reason}.")
        if self.dangers:
            parts.append("Danger signalé : " + " ; ".join(self.dangers) + ".")
        return " ".join(parts)


def case_criticality(session: Session, case_id: int) -> Criticality:
    """The criticality of one case, zone by zone, with what raised it and the procedures it suggests."""
    maxima = grid_maxima(session)
    case = session.get(m.Case, case_id)
    household = case.household
    factor = household_factor(household.children, household.has_child_under_6)
    reason = ("un enfant vit dans le logement" if household.children == 1
              else f"{household.children} enfants vivent dans le logement" if household.children
              else "un enfant de moins de 6 ans vit dans le logement" if household.has_child_under_6 else "")
    rows = session.execute(
        select(m.DisorderItem).join(m.CaseDisorder, m.CaseDisorder.item_id == m.DisorderItem.id)
        .options(selectinload(m.DisorderItem.procedures))  # one query, not one per disorder
        .where(m.CaseDisorder.case_id == case_id, m.CaseDisorder.state.in_(COUNTED_STATES))
        .order_by(m.DisorderItem.zone, m.DisorderItem.position, m.DisorderItem.id)
    ).scalars().all()
    zones = {zone: ZoneScore(zone, label, 0, maxima.get(zone, 0), 0) for zone, label in ZONES.items()}
    procedures: dict[str, list[str]] = defaultdict(list)
    dangers = []
    for item in rows:
        zone = zones[item.zone]
        zone.raw += item.weight
        zone.disorders.append(item.label)
        if item.is_danger:
            dangers.append(item.label)
        for procedure in item.procedures:
            procedures[procedure.code].append(item.label)
    for zone in zones.values():
        zone.score = score(zone.raw, zone.maximum, factor)
    overall = score(sum(z.raw for z in zones.values()), sum(maxima.values()), factor)
    ref = {p.code: p for p in session.scalars(select(m.ProcedureType).order_by(m.ProcedureType.position))}
    suggested = [SuggestedProcedure(code, ref[code].label if code in ref else code, items)
                 for code, items in sorted(procedures.items(), key=lambda kv: ref[kv[0]].position if kv[0] in ref else 999)]
    overcrowded = is_overcrowded(case.dwelling.living_area_m2, household.persons)
    flagged = bool(dangers) or overcrowded
    return Criticality(overall, band(overall, flagged), factor, reason, zones, suggested, dangers, overcrowded)
