"""The demo dataset is realistic and deterministic for a seed."""
import hashlib

from sqlalchemy import func, select

from core.demo import build_demo
from db import models as m
from db.open import open_database
from tests.conftest import DEMO_TODAY

TABLES = ["households", "dwellings", "cases", "case_disorders", "visits", "referrals", "relocations", "proposals",
          "journal_entries", "commissions", "tasks"]


def _fingerprint(database) -> str:
    digest = hashlib.sha256()
    with database.engine.connect() as connection:
        for table in TABLES:
            for row in connection.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id"):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_same_seed_gives_the_same_database(tmp_path):
    prints = []
    for name in ("a", "b"):
        database = open_database(tmp_path / f"{name}.sqlite3")
        build_demo(database, cases=120, seed=42, today=DEMO_TODAY)
        prints.append(_fingerprint(database))
        database.dispose()
    assert prints[0] == prints[1]


def test_another_seed_gives_another_database(tmp_path):
    prints = []
    for seed in (1, 2):
        database = open_database(tmp_path / f"s{seed}.sqlite3")
        build_demo(database, cases=60, seed=seed, today=DEMO_TODAY)
        prints.append(_fingerprint(database))
        database.dispose()
    assert prints[0] != prints[1]


def test_demo_covers_every_kind_status_and_activity(demo_db):
    with demo_db.session() as session:
        assert session.scalar(select(func.count(m.Case.id))) == 200
        assert set(session.scalars(select(m.Case.status).distinct())) == {"nouveau", "en_cours", "en_attente", "clos"}
        kinds = set(session.scalars(select(m.CaseKindLink.kind_code).distinct()))
        assert kinds == set(session.scalars(select(m.CaseKind.code)))
        for model in (m.Visit, m.CaseDisorder, m.Referral, m.Relocation, m.Proposal, m.JournalEntry, m.Commission):
            assert session.scalar(select(func.count()).select_from(model)) > 0, model.__tablename__
        walks = session.scalar(select(func.count(m.Visit.id)).where(m.Visit.visit_type == "diagnostic_marchant"))
        assert walks > 0
        in_qpv = session.scalar(select(func.count(m.Neighbourhood.id)).where(m.Neighbourhood.is_qpv))
        assert in_qpv > 0
        accented = session.scalar(select(func.count(m.Household.id)).where(m.Household.last_name.like("%è%")))
        assert accented > 0


def test_references_follow_the_year_and_never_repeat(demo_db):
    with demo_db.session() as session:
        references = list(session.scalars(select(m.Case.reference)))
        opened = dict(session.execute(select(m.Case.reference, m.Case.opened_on)).all())
    assert len(references) == len(set(references))
    for reference in references:
        assert reference[:4] == str(opened[reference].year) and len(reference) == 10


def test_a_demo_proposal_describes_the_typology_it_offers(demo_db):
    from sqlalchemy import select

    from db import models as m

    with demo_db.session() as session:
        proposals = session.execute(select(m.Proposal.dwelling_description, m.Proposal.typology)).all()
    assert proposals and all(description.startswith(f"{typology} – ") for description, typology in proposals)


def test_demo_looks_like_a_real_teams_year(demo_db):
    """Issue 19: working days and hours, texts that fit the household, real surnames, fictional phone numbers."""
    import re
    from datetime import timedelta

    from core import demo_names as names

    with demo_db.session() as session:
        moments = [t for row in session.execute(select(m.Visit.scheduled_at, m.Visit.done_at)) for t in row if t]
        assert moments and all(t.weekday() < 5 and 9 <= t.hour <= 16 for t in moments)
        for case in session.scalars(select(m.Case)):
            household, text = case.household, case.summary
            if "isolée" in text:
                assert household.adults == 1 and household.children == 0 and household.has_person_over_75
            if "enfant" in text.lower():
                assert household.children > 0, text
            notes = [e.text for e in session.scalars(select(m.JournalEntry).where(m.JournalEntry.case_id == case.id))]
            for note in notes:
                if "enfant" in note and "Ouverture" not in note:
                    assert household.children > 0, note
                if note.startswith("Orientation vers le CCAS de "):
                    assert case.dwelling.commune.name in note
        first_names = set(names.FIRST_NAMES)
        assert not set(session.scalars(select(m.Household.last_name))) & first_names
        phones = [p for model in (m.Household, m.User, m.Partner) for p in session.scalars(select(model.phone)) if p]
        assert phones and all(re.fullmatch(r"(01 99 00|06 39 98) \d\d \d\d", p) for p in phones)
        landlords = session.scalars(select(m.Partner).where(m.Partner.partner_type == "bailleur_social")).all()
        assert landlords and all(p.postcode and p.address and p.city for p in landlords)
        assert session.scalar(select(func.count(m.Attachment.id))) > 0
        commissions = session.scalars(select(m.Commission)).all()
        assert all(re.search(r" du \d{1,2}(er)? \w+ 20\d\d$", c.title) and c.held_on.weekday() == 1 for c in commissions)
        decisions = {i.decision for c in commissions for i in c.items if i.decision}
        assert len(decisions) >= 4
        old = DEMO_TODAY - timedelta(days=400)
        old_cases = session.scalars(select(m.Case.status).where(m.Case.opened_on < old)).all()
        assert old_cases and sum(s != "clos" for s in old_cases) / len(old_cases) < 0.3  # a backlog, not a pile
        agents = session.scalars(select(m.User).where(m.User.role == "agent")).all()
        assert all(a.civility in ("Mme", "M.") and a.job_title for a in agents)
