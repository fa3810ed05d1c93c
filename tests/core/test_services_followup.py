"""Visits, referrals, relocation, commissions and tasks: the rules a user runs into."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.errors import ValidationError, WorkflowError
from core.services import commissions, disorders, referrals, relocation, tasks, visits
from db import models as m
from tests.core.trade_helpers import item_ids, make_user, new_case


@pytest.fixture
def manager(db):
    return make_user(db)


def _yesterday():
    return datetime.now().replace(microsecond=0) - timedelta(days=1)


def test_visit_conclusion_confirms_disorders_and_records_procedures(db, manager):
    case_id = new_case(db, manager)
    items = item_ids(db, "logement", 3)
    disorders.report_disorders(db, manager, case_id, items[:2])
    visit_id = visits.schedule_visit(db, manager, [case_id], "constat", _yesterday()).result
    with pytest.raises(ValidationError) as error:
        visits.conclude_visit(db, manager, visit_id, done_at=datetime.now() + timedelta(hours=2))
    assert error.value.field == "done_at"
    with pytest.raises(ValidationError) as error:
        visits.conclude_visit(db, manager, visit_id, done_at=_yesterday(), concluded_on=date.today() - timedelta(days=3))
    assert error.value.field == "concluded_on"
    visits.conclude_visit(db, manager, visit_id, done_at=_yesterday(),
                          findings={case_id: {items[0]: "confirme", items[1]: "non_confirme", items[2]: "confirme"}},
                          procedures={case_id: ["non_decence"]}, next_steps="Courrier au bailleur")
    with db.session() as session:
        states = dict(session.execute(select(m.CaseDisorder.item_id, m.CaseDisorder.state)
                                      .where(m.CaseDisorder.case_id == case_id)).all())
        assert states == {items[0]: "confirme", items[1]: "non_confirme", items[2]: "confirme"}
        assert session.get(m.Visit, visit_id).status == "realisee"
        assert session.scalars(select(m.VisitProcedure.procedure_code)).all() == ["non_decence"]
    with pytest.raises(WorkflowError):
        visits.cancel_visit(db, manager, visit_id, "Trop tard")


def test_collective_walk_has_findings_on_several_cases_and_common_areas(db, manager):
    first, second = new_case(db, manager), new_case(db, manager, last_name="Nowak")
    with pytest.raises(ValidationError):
        visits.schedule_visit(db, manager, [first, second], "constat", _yesterday())
    walk = visits.schedule_visit(db, manager, [first], "diagnostic_marchant", _yesterday()).result
    visits.link_visit_cases(db, manager, walk, [second])
    building = item_ids(db, "batiment", 1)[0]
    visits.conclude_visit(db, manager, walk, done_at=_yesterday(),
                          findings={first: {building: "confirme"}, second: {building: "confirme"}},
                          common_findings=[{"item_id": building, "location": "Hall B", "severity": 2}])
    with db.session() as session:
        visit = session.get(m.Visit, walk)
        assert {c.id for c in visit.cases} == {first, second}
        assert [f.location for f in visit.common_findings] == ["Hall B"]
        assert session.scalar(select(func.count(m.CaseDisorder.id)).where(m.CaseDisorder.state == "confirme")) == 2


def test_reschedule_and_cancel(db, manager):
    case_id = new_case(db, manager)
    visit_id = visits.schedule_visit(db, manager, [case_id], "constat").result
    visits.reschedule_visit(db, manager, visit_id, datetime(2030, 1, 5, 10), reason="Ménage absent")
    with pytest.raises(ValidationError):
        visits.cancel_visit(db, manager, visit_id, "")
    visits.cancel_visit(db, manager, visit_id, "Le ménage a déménagé")
    with db.session() as session:
        visit = session.get(m.Visit, visit_id)
        assert (visit.status, visit.scheduled_at, visit.cancel_reason) == ("annulee", datetime(2030, 1, 5, 10),
                                                                          "Le ménage a déménagé")


def test_referral_answer_and_overdue_list(db, manager):
    case_id = new_case(db, manager)
    with db.write() as session:
        partner = m.Partner(name="SCHS de Lille", partner_type="commune_schs")
        session.add(partner)
        session.flush()
        partner_id = partner.id
    today = date.today()
    with pytest.raises(ValidationError) as error:
        referrals.send_referral(db, manager, case_id, partner_id, "Enquête", today, today - timedelta(days=1))
    assert error.value.field == "expected_answer_on"
    late = referrals.send_referral(db, manager, case_id, partner_id, "Enquête", today - timedelta(days=40),
                                   today - timedelta(days=10)).result
    ok = referrals.send_referral(db, manager, case_id, partner_id, "Travaux", today, today + timedelta(days=30)).result
    with db.session() as session:
        overdue = referrals.overdue_referrals(session)
    assert [(o.referral_id, o.days_late) for o in overdue] == [(late, 10)]
    referrals.record_referral_answer(db, manager, late, "Enquête programmée", today)
    with db.session() as session:
        assert referrals.overdue_referrals(session) == []
    with pytest.raises(ValidationError):
        referrals.record_referral_answer(db, manager, ok, "Trop tôt", today - timedelta(days=1))


def test_relocation_from_opening_to_rehousing(db, manager):
    case_id = new_case(db, manager)
    today = date.today()
    rel = relocation.open_relocation(db, manager, case_id, {
        "reason": "suroccupation", "sne_number": "059123", "sne_filed_on": today - timedelta(days=300),
        "syplo_labelled": True, "needed_typology": "T3", "opened_on": today - timedelta(days=30)}).result
    with pytest.raises(ValidationError):
        relocation.open_relocation(db, manager, case_id, {"reason": "suroccupation"})
    with pytest.raises(ValidationError) as error:
        relocation.add_proposal(db, manager, rel, {"proposed_on": today - timedelta(days=5),
                                                   "cal_date": today - timedelta(days=6), "cal_decision": "attribution"})
    assert error.value.field == "cal_date"
    first = relocation.add_proposal(db, manager, rel, {"proposed_on": today - timedelta(days=20), "in_qpv": True}).result
    relocation.record_household_decision(db, manager, first, "refusee", "Trop loin de l'école")
    second = relocation.add_proposal(db, manager, rel, {"proposed_on": today - timedelta(days=10)}).result
    relocation.record_cal_decision(db, manager, second, today - timedelta(days=8), "attribution")
    relocation.record_household_decision(db, manager, second, "acceptee")
    with pytest.raises(ValidationError) as error:
        relocation.close_relocation_rehoused(db, manager, rel, None, "3 rue Neuve, Lille", False)
    assert error.value.field == "rehoused_on"
    relocation.close_relocation_rehoused(db, manager, rel, today, "3 rue Neuve, 59000 Lille", False)
    with db.session() as session:
        row = session.get(m.Relocation, rel)
        assert (row.status, row.rehoused_on, row.new_in_qpv) == ("reloge", today, False)
        assert [p.household_decision for p in row.proposals] == ["refusee", "acceptee"]
    with pytest.raises(WorkflowError):
        relocation.close_relocation_abandoned(db, manager, rel, "Parti")


def test_commission_agenda_and_decisions(db, manager):
    case_id = new_case(db, manager)
    relocation.open_relocation(db, manager, case_id, {"reason": "suroccupation"})
    commission_id = commissions.create_commission(db, manager, "relogement", date.today(), place="Maison du projet").result
    with db.session() as session:
        candidates = commissions.agenda_candidates(session, "relogement")
    assert candidates == [case_id]
    commissions.add_to_agenda(db, manager, commission_id, candidates)
    commissions.record_commission_decision(db, manager, commission_id, case_id, "Proposition prioritaire")
    with db.session() as session:
        assert [(a.case_id, a.decision) for a in commissions.agenda(session, commission_id)] == [
            (case_id, "Proposition prioritaire")]
    agent = make_user(db, "agent", "agent")
    from core.errors import PermissionDenied
    with pytest.raises(PermissionDenied):
        commissions.create_commission(db, agent, "relogement", date.today())


def test_tasks_are_created_and_completed_once(db, manager):
    case_id = new_case(db, manager)
    task_id = tasks.create_task(db, manager, "Rappeler le bailleur", date.today(), case_id=case_id).result
    tasks.complete_task(db, manager, task_id)
    with pytest.raises(WorkflowError):
        tasks.complete_task(db, manager, task_id)
    with db.session() as session:
        task = session.get(m.Task, task_id)
        assert (task.done_on, task.assignee_id) == (date.today(), manager.user_id)
