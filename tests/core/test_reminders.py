"""The reminders engine: idempotent, rule by rule, and resolved when the condition goes away."""
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, text

from core.auth import actor_for
from core.queries.tasks import task_queue
from core.reminders import add_months, derive_reminders
from core.rules.relocation import sne_renewal as next_anniversary
from core.services import relocation, visits
from db import models as m
from tests.conftest import DEMO_TODAY
from tests.core.trade_helpers import make_user, new_case


def _rule_count(session, rule):
    return session.scalar(select(func.count(m.Task.id)).where(m.Task.rule_key.like(f"{rule}:%"),
                                                              m.Task.done_on.is_(None)))


def test_running_twice_adds_nothing_and_matches_direct_sql(demo_db):
    with demo_db.write() as session:
        first = derive_reminders(session, DEMO_TODAY)
    with demo_db.write() as session:
        second = derive_reminders(session, DEMO_TODAY)
    assert first.total_created > 0 and second.total_created == 0 and not second.closed
    with demo_db.session() as session:
        late_referrals = session.execute(text(
            "SELECT count(*) FROM referrals r JOIN cases c ON c.id = r.case_id WHERE c.status <> 'clos' "
            "AND r.status IN ('nouvelle', 'en_cours') AND r.expected_answer_on < :d"), {"d": DEMO_TODAY}).scalar()
        assert _rule_count(session, "saisine") == late_referrals > 0
        idle = session.execute(text(
            "SELECT count(*) FROM cases WHERE status <> 'clos' AND date(last_activity_at) <= :d"),
            {"d": DEMO_TODAY - timedelta(days=30)}).scalar()
        inactive = sum(_rule_count(session, f"inactif-{n}") for n in (30, 45, 90))
        assert inactive == idle > 0
        waiting = session.execute(text(
            "SELECT count(*) FROM proposals p JOIN relocations r ON r.id = p.relocation_id JOIN cases c "
            "ON c.id = r.case_id WHERE c.status <> 'clos' AND r.status = 'en_cours' "
            "AND p.household_decision = 'en_attente' AND p.proposed_on <= :d"), {"d": DEMO_TODAY}).scalar()
        assert _rule_count(session, "proposition") == waiting
        agent = actor_for(session.scalars(select(m.User).where(m.User.role == "agent").order_by(m.User.id)).first())
        queue = task_queue(session, agent, DEMO_TODAY, 7)
        assert queue and [q.due_on for q in queue] == sorted(q.due_on for q in queue)
        assert all(q.due_on <= DEMO_TODAY + timedelta(days=7) for q in queue)
        assert {q.assignee for q in queue} == {agent.full_name}


def test_visit_reminder_closes_when_the_visit_is_concluded(db):
    actor = make_user(db)
    case_id = new_case(db, actor)
    past = datetime.now().replace(microsecond=0) - timedelta(days=3)
    visit_id = visits.schedule_visit(db, actor, [case_id], "constat", past).result
    with db.write() as session:
        report = derive_reminders(session)
    assert report.created == {"visite": 1}
    visits.conclude_visit(db, actor, visit_id, done_at=past)
    with db.write() as session:
        report = derive_reminders(session)
    assert report.closed == {"visite": 1} and not report.created
    with db.session() as session:
        assert task_queue(session, actor, date.today(), 7) == ()


def test_inactivity_keeps_only_the_highest_threshold(db):
    actor = make_user(db)
    case_id = new_case(db, actor)
    with db.write() as session:
        last = session.get(m.Case, case_id).last_activity_at.date()
    for days, expected in ((29, {}), (30, {"inactif-30": 1}), (45, {"inactif-45": 1}), (90, {"inactif-90": 1})):
        with db.write() as session:
            report = derive_reminders(session, last + timedelta(days=days))
        assert report.created == expected, days
    with db.session() as session:
        open_keys = list(session.scalars(select(m.Task.rule_key).where(m.Task.done_on.is_(None))))
    assert [k.split(":")[0] for k in open_keys] == ["inactif-90"]


def test_sne_anniversary_and_dalo_deadline(db):
    actor = make_user(db)
    case_id = new_case(db, actor)
    today = date.today()
    filed = today.replace(year=today.year - 1) + timedelta(days=31) if today.month != 2 else date(today.year - 1, 3, 1)
    relocation.open_relocation(db, actor, case_id, {"reason": "suroccupation", "sne_filed_on": filed,
                                                    "sne_number": "059ABC", "dalo_recognized_on": today})
    anniversary = next_anniversary(filed, today)
    for day, expected in ((anniversary - timedelta(days=31), set()), (anniversary - timedelta(days=30), {"sne"})):
        with db.write() as session:
            report = derive_reminders(session, day)
        assert set(report.created) - {"inactif-30", "inactif-45", "inactif-90"} == expected, day
    deadline = add_months(today, 6)
    with db.write() as session:
        report = derive_reminders(session, deadline - timedelta(days=30))
    assert "dalo" in report.created


def test_date_helpers():
    assert next_anniversary(date(2024, 2, 29), date(2025, 1, 1)) == date(2025, 2, 28)
    assert next_anniversary(date(2025, 3, 10), date(2026, 3, 10)) == date(2026, 3, 10)
    assert next_anniversary(date(2026, 1, 5), date(2026, 2, 1)) == date(2027, 1, 5)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_created_tasks_carry_a_french_title_with_french_dates(demo_db):
    import re

    with demo_db.write() as session:
        derive_reminders(session, DEMO_TODAY)
    openings = {"visite": ("Rédiger la conclusion de la visite du ", "Indiquer si la visite prévue le "),
                "saisine": ("Relancer ",), "inactif-30": ("Aucune activité depuis le ",),
                "inactif-45": ("Aucune activité depuis le ",), "inactif-90": ("Aucune activité depuis le ",),
                "sne": ("Renouveler la demande de logement social",), "dalo": ("DALO reconnu le ",),
                "proposition": ("Obtenir la réponse du ménage à la proposition du ",)}
    with demo_db.session() as session:
        rows = session.execute(select(m.Task.rule_key, m.Task.title).where(m.Task.rule_key.is_not(None))).all()
    seen = set()
    for key, title in rows:
        rule = key.split(":", 1)[0]
        seen.add(rule)
        assert title.startswith(openings[rule]), (key, title)
        assert re.search(r"\d{2}/\d{2}/\d{4}", title) and not re.search(r"\d{4}-\d{2}-\d{2}|None", title), title
    assert {"visite", "saisine", "proposition"} <= seen and seen & {"inactif-30", "inactif-45", "inactif-90"}


def test_the_rules_are_read_without_holding_the_write_lock(demo_db, monkeypatch):
    """The window writes (audit of a case opening) while the start-up run reads the rules: it must not wait."""
    import threading
    import time as clock

    from core import reminders
    from core.actor import SYSTEM
    from core.audit import log_event

    reading, release = threading.Event(), threading.Event()
    real = reminders.current_reminders

    def slow_rules(session, today):
        wanted = real(session, today)  # the rules' queries have run in this transaction
        reading.set()
        release.wait(10)
        return wanted

    monkeypatch.setattr(reminders, "current_reminders", slow_rules)
    outcome = {}
    runner = threading.Thread(target=lambda: outcome.update(changes=reminders.refresh_reminders(
        demo_db, SYSTEM, DEMO_TODAY)))
    runner.start()
    try:
        assert reading.wait(10)
        started = clock.perf_counter()
        log_event(demo_db, SYSTEM, "dossier.consultation", "case", 1)
        assert clock.perf_counter() - started < 1.0
    finally:
        release.set()
        runner.join(20)
    assert outcome["changes"].result.total_created > 0


def test_a_plan_applied_late_creates_nothing_twice_and_leaves_done_tasks_alone(demo_db):
    from core.reminders import apply_plan, plan_reminders

    with demo_db.write() as session:
        derive_reminders(session, DEMO_TODAY)
    later = DEMO_TODAY + timedelta(days=40)  # new inactivity thresholds reached, some reminders no longer due
    with demo_db.session() as session:
        plan = plan_reminders(session, later)
    assert plan.new and plan.stale
    taken, (finished_key, finished_id) = plan.new[0], next(iter(plan.stale.items()))
    with demo_db.write() as session:  # meanwhile, another workstation ran the same rules in part
        session.add(m.Task(rule_key=taken.rule_key, case_id=taken.case_id, title=taken.title, due_on=taken.due_on))
        session.get(m.Task, finished_id).done_on = DEMO_TODAY + timedelta(days=3)
    with demo_db.write() as session:
        report = apply_plan(session, plan, later)
    assert report.total_created == len(plan.new) - 1
    with demo_db.session() as session:
        assert session.scalar(select(func.count(m.Task.id)).where(m.Task.rule_key == taken.rule_key)) == 1
        assert session.get(m.Task, finished_id).done_on == DEMO_TODAY + timedelta(days=3)
        assert all(session.get(m.Task, task_id).done_on is not None for task_id in plan.stale.values())
