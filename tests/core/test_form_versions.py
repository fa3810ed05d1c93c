"""Visit, referral and relocation proposal forms send the version they loaded: a save from an older version is
refused in French, naming the colleague and when, and writes nothing — on a SQLite file and on a server."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.errors import ConflictError
from core.services import referrals, relocation, visits
from db import models as m
from tests.core.trade_helpers import make_user, new_case


@pytest.fixture(params=["sqlite", "postgresql"])
def base(request):
    """The same checks on a workstation's file and on a shared server."""
    if request.param == "sqlite":
        yield request.getfixturevalue("db")
        return
    from db.open import open_database

    database = open_database(request.getfixturevalue("postgres_url"))
    yield database
    database.dispose()


def _version(database, model, ident) -> int:
    with database.session() as session:
        return session.get(model, ident).version


def _two_colleagues(database):
    return make_user(database, login="sabrina", role="manager"), make_user(database, login="thomas", role="manager")


def test_a_visit_rescheduled_from_an_older_version_is_refused(base):
    sabrina, thomas = _two_colleagues(base)
    case_id = new_case(base, sabrina)
    visit_id = visits.schedule_visit(base, sabrina, [case_id], "constat", datetime(2026, 12, 3, 10)).result
    loaded = _version(base, m.Visit, visit_id)
    visits.reschedule_visit(base, thomas, visit_id, datetime(2026, 12, 4, 9), "absent", expected_version=loaded)
    with pytest.raises(ConflictError) as refused:
        visits.cancel_visit(base, sabrina, visit_id, "plus utile", expected_version=loaded)
    assert "la visite a été modifiée" in refused.value.message and "Utilisatrice thomas" in refused.value.message
    with pytest.raises(ConflictError):
        visits.conclude_visit(base, sabrina, visit_id, done_at=datetime.now() - timedelta(hours=1),
                              expected_version=loaded)
    with base.session() as session:
        visit = session.get(m.Visit, visit_id)
        assert visit.status == "planifiee" and visit.scheduled_at == datetime(2026, 12, 4, 9)
    visits.cancel_visit(base, sabrina, visit_id, "plus utile", expected_version=_version(base, m.Visit, visit_id))


def test_a_referral_answered_twice_from_the_same_version_keeps_the_first_answer(base):
    sabrina, thomas = _two_colleagues(base)
    case_id = new_case(base, sabrina)
    with base.write() as session:
        partner = m.Partner(name="SCHS de Lille", partner_type=session.scalars(select(m.PartnerType.code)).first())
        session.add(partner)
        session.flush()
        partner_id = partner.id
    referral_id = referrals.send_referral(base, sabrina, case_id, partner_id, "Demande de visite SCHS").result
    loaded = _version(base, m.Referral, referral_id)
    referrals.record_referral_answer(base, thomas, referral_id, "Visite prévue", status="en_cours",
                                     expected_version=loaded)
    with pytest.raises(ConflictError, match="la saisine a été modifiée.*Utilisatrice thomas"):
        referrals.record_referral_answer(base, sabrina, referral_id, "Refus", status="refusee",
                                         expected_version=loaded)
    with base.session() as session:
        assert session.get(m.Referral, referral_id).answer == "Visite prévue"


def test_a_proposal_decided_from_an_older_version_is_refused(base):
    sabrina, thomas = _two_colleagues(base)
    case_id = new_case(base, sabrina)
    relocation_id = relocation.open_relocation(base, sabrina, case_id, {"reason": "suroccupation"}).result
    proposal_id = relocation.add_proposal(base, sabrina, relocation_id, {
        "proposed_on": date.today(), "dwelling_description": "T3 rue Solférino"}).result
    loaded = _version(base, m.Proposal, proposal_id)
    relocation.record_household_decision(base, thomas, proposal_id, "acceptee", expected_version=loaded)
    with pytest.raises(ConflictError, match="la proposition a été modifiée.*Utilisatrice thomas"):
        relocation.record_household_decision(base, sabrina, proposal_id, "refusee", "trop loin",
                                             expected_version=loaded)
    with pytest.raises(ConflictError):
        relocation.record_cal_decision(base, sabrina, proposal_id, date.today(), "attribution", expected_version=loaded)
    with base.session() as session:
        proposal = session.get(m.Proposal, proposal_id)
        assert proposal.household_decision == "acceptee" and proposal.cal_decision is None
