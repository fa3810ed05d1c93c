"""Hypothesis: validation accepts exactly what the rules allow; no workflow sequence breaks a case."""
from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select, text

from core import validation as v
from core.errors import DomainError, ValidationError
from core.rules import check_suroccupation, required_area
from core.scoring import case_criticality
from core.services import disorders, relocation, status, visits
from core.services.status import TRANSITIONS
from db import models as m
from db.engine import Database
from db.vocab import CASE_STATUSES

FAST = settings(max_examples=60, deadline=None)
separators = st.sampled_from(["", " ", ".", "-"])


@FAST
@given(st.integers(1, 9), st.integers(0, 10**8 - 1), separators)
def test_any_french_number_is_accepted_and_laid_out(first, rest, sep):
    digits = f"0{first}{rest:08d}"
    typed = sep.join(digits[i:i + 2] for i in range(0, 10, 2))
    assert v.phone(typed) == " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    assert v.phone(f"+33 {digits[1:]}") == v.phone(typed)


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet="0123456789 +.-()abc", max_size=16))
def test_phone_rejects_what_is_not_ten_digits(raw):
    compact = re.sub(r"[\s.\-/()]", "", raw)
    assume(not re.fullmatch(r"0[1-9]\d{8}|(\+33|0033)[1-9]\d{8}", compact) and raw.strip())
    try:
        v.phone(raw)
    except ValidationError as error:
        assert error.field == "phone"
    else:
        raise AssertionError(f"accepted {raw!r}")


@FAST
@given(st.text(max_size=8))
def test_postcode_is_exactly_five_digits(raw):
    valid = re.fullmatch(r"\d{5}", raw.strip()) is not None and raw.strip().isascii()
    try:
        assert v.postcode(raw) == raw.strip() and valid
    except ValidationError as error:
        assert not valid and error.field == "postcode"


@FAST
@given(st.emails())
def test_ordinary_emails_are_accepted(address):
    assume(len(address) <= 200 and ".." not in address)
    assert v.email(address) == address


@FAST
@given(st.text(max_size=30).filter(lambda s: "@" not in s and s.strip()))
def test_text_without_at_sign_is_not_an_email(raw):
    try:
        v.email(raw)
    except ValidationError as error:
        assert error.field == "email"
    else:
        raise AssertionError(raw)


@FAST
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_living_area_range(value):
    inside = value == value and 1 <= value <= 1000
    try:
        assert v.number(value, "living_area_m2", "Surface", 1, 1000, "m²") == value and inside
    except ValidationError as error:
        assert not inside and error.field == "living_area_m2"


@FAST
@given(st.integers(-5, 30), st.integers(-5, 30))
def test_persons_range(adults, children):
    collector = v.Collector()
    from core.services.fields import HOUSEHOLD_FIELDS, check_household, clean

    values = clean({"adults": adults, "children": children}, HOUSEHOLD_FIELDS, collector, "household")
    check_household(values, collector)
    ok = 0 <= adults <= 20 and 0 <= children <= 20 and 1 <= adults + children <= 20
    assert (not collector.errors) == ok


@FAST
@given(st.integers(1, 20), st.floats(1, 1000))
def test_suroccupation_verdict_is_monotonic_in_area(persons, area):
    verdict = check_suroccupation(area, persons).verdict
    assert verdict == ("conforme" if area >= required_area(persons) else "non_conforme")
    if verdict == "conforme":
        assert check_suroccupation(area + 1, persons).verdict == "conforme"


# -- the workflow as a state machine ---------------------------------------------------------------

_TEMPLATE: Path | None = None


def _fresh_database() -> Database:
    """A migrated database copied from a template (migrating for every example is too slow)."""
    global _TEMPLATE
    folder = Path(tempfile.mkdtemp(prefix="workflow-"))
    if _TEMPLATE is None:
        from db.open import open_database

        template = folder / "template.sqlite3"
        database = open_database(template, backup_dir=folder)
        with database.write() as session:
            session.add(m.User(login="agent", full_name="Agent Test", role="manager"))
        database.dispose()
        _TEMPLATE = template
    target = folder / "run.sqlite3"
    shutil.copy(_TEMPLATE, target)
    return Database(target)


class Workflow(RuleBasedStateMachine):
    """Random sequences of user actions; the database must stay consistent after each one."""

    @initialize()
    def setup(self):
        from core.actor import Actor

        self.db = _fresh_database()
        with self.db.session() as session:
            user_id = session.scalar(select(m.User.id))
            self.items = list(session.scalars(select(m.DisorderItem.id).order_by(m.DisorderItem.id)))[:6]
        self.actor = Actor(user_id=user_id, login="agent", role="manager")
        self.cases: dict[int, str] = {}
        self.visits: list[int] = []
        self.relocations: dict[int, int] = {}

    def teardown(self):
        if hasattr(self, "db"):
            self.db.dispose()

    @rule(children=st.integers(0, 3))
    def create_case(self, children):
        from tests.core.trade_helpers import new_case

        case_id = new_case(self.db, self.actor, children=children)
        self.cases[case_id] = "nouveau"

    @precondition(lambda self: self.cases)
    @rule(data=st.data(), wanted=st.sampled_from(list(CASE_STATUSES)), give_reason=st.booleans())
    def change_status(self, data, wanted, give_reason):
        target = wanted
        case_id = data.draw(st.sampled_from(sorted(self.cases)))
        current = self.cases[case_id]
        try:
            status.change_status(self.db, self.actor, case_id, target,
                                 closure_reason="doublon" if give_reason else None,
                                 reason="Nouvel élément" if give_reason else "")
        except DomainError:
            allowed = target in TRANSITIONS[current]
            assert not allowed or not give_reason
            return
        assert target in TRANSITIONS[current]
        self.cases[case_id] = target

    @precondition(lambda self: self.cases)
    @rule(data=st.data(), count=st.integers(0, 4))
    def report(self, data, count):
        case_id = data.draw(st.sampled_from(sorted(self.cases)))
        disorders.report_disorders(self.db, self.actor, case_id, self.items[:count])

    @precondition(lambda self: self.cases)
    @rule(data=st.data(), past=st.booleans())
    def schedule(self, data, past):
        case_id = data.draw(st.sampled_from(sorted(self.cases)))
        when = datetime.now().replace(microsecond=0) + timedelta(days=-2 if past else 2)
        self.visits.append(visits.schedule_visit(self.db, self.actor, [case_id], "constat", when).result)

    @precondition(lambda self: self.visits)
    @rule(data=st.data(), confirm=st.booleans(), future=st.booleans())
    def conclude(self, data, confirm, future):
        visit_id = data.draw(st.sampled_from(self.visits))
        with self.db.session() as session:
            visit = session.get(m.Visit, visit_id)
            case_id, state = visit.cases[0].id, visit.status
        done_at = datetime.now().replace(microsecond=0) + timedelta(hours=5 if future else -5)
        findings = {case_id: {item: "confirme" if confirm else "non_confirme" for item in self.items[:2]}}
        try:
            visits.conclude_visit(self.db, self.actor, visit_id, done_at=done_at, findings=findings)
        except DomainError:
            assert future or state in ("realisee", "annulee", "non_realisee")

    @precondition(lambda self: self.visits)
    @rule(data=st.data())
    def cancel(self, data):
        visit_id = data.draw(st.sampled_from(self.visits))
        try:
            visits.cancel_visit(self.db, self.actor, visit_id, "Absent")
        except DomainError:
            pass

    @precondition(lambda self: self.cases)
    @rule(data=st.data())
    def open_relocation(self, data):
        case_id = data.draw(st.sampled_from(sorted(self.cases)))
        try:
            self.relocations[case_id] = relocation.open_relocation(
                self.db, self.actor, case_id, {"reason": "suroccupation", "opened_on": date.today()}).result
        except ValidationError:
            assert case_id in self.relocations

    @precondition(lambda self: self.relocations)
    @rule(data=st.data(), with_date=st.booleans())
    def rehouse(self, data, with_date):
        relocation_id = data.draw(st.sampled_from(sorted(self.relocations.values())))
        try:
            relocation.close_relocation_rehoused(self.db, self.actor, relocation_id,
                                                 date.today() if with_date else None, "1 rue Neuve", False)
        except DomainError:
            pass

    @invariant()
    def consistent(self):
        if not hasattr(self, "db"):
            return
        with self.db.session() as session:
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
            rows = session.execute(select(m.Case.id, m.Case.status, m.Case.closed_on, m.Case.closure_reason,
                                          m.Case.criticality)).all()
            for case_id, state, closed_on, reason, criticality in rows:
                assert state == self.cases[case_id]
                assert (state == "clos") == (closed_on is not None) == (reason is not None)
                assert criticality == case_criticality(session, case_id).overall
            assert session.scalar(select(func.count(m.Relocation.id)).where(
                m.Relocation.status == "reloge", m.Relocation.rehoused_on.is_(None))) == 0
            assert session.scalar(select(func.count(m.Visit.id)).where(
                m.Visit.status == "realisee", m.Visit.done_at.is_(None))) == 0
            orphans = session.scalar(select(func.count(m.Visit.id)).where(~m.Visit.id.in_(select(m.VisitCase.visit_id))))
            assert orphans == 0
            journaled = set(session.scalars(select(m.JournalEntry.case_id).distinct()))
            assert journaled == set(self.cases)


Workflow.TestCase.settings = settings(max_examples=10, stateful_step_count=10, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow])
test_workflow = Workflow.TestCase
