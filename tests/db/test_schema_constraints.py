"""The database itself refuses rows that make no sense."""
from datetime import date

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from db import models as m


def _commune_id(session):
    return session.scalar(select(m.Commune.id).where(m.Commune.name == "Lille"))


def _dwelling(**overrides):
    values = dict(street="rue d'Arras", postcode="59000", tenure="locataire_prive", living_area_m2=40.0)
    values.update(overrides)
    return values


def _insert_case(session, **overrides):
    household = m.Household(last_name="Lefèvre", first_name="Hélène", adults=1, children=0)
    dwelling = m.Dwelling(commune_id=_commune_id(session), **_dwelling())
    session.add_all([household, dwelling])
    session.flush()
    values = dict(reference="2026-99999", household_id=household.id, dwelling_id=dwelling.id, source="habitant",
                  status="nouveau", priority="normale", opened_on=date(2026, 1, 5))
    values.update(overrides)
    session.execute(insert(m.Case), [values])


@pytest.mark.parametrize(
    "overrides",
    [
        {"living_area_m2": -3.0},
        {"living_area_m2": 1500.0},
        {"tenure": "squat"},
        {"dpe_class": "H"},
        {"typology": "T9"},
        {"postcode": "590"},
        {"social_financing": "HLM"},
    ],
    ids=["negative area", "huge area", "unknown tenure", "dpe H", "typology T9", "short postcode", "unknown financing"],
)
def test_bad_dwellings_are_refused(db, overrides):
    with pytest.raises(IntegrityError):
        with db.write() as session:
            session.add(m.Dwelling(commune_id=_commune_id(session), **_dwelling(**overrides)))


def test_household_needs_between_one_and_twenty_persons(db):
    with pytest.raises(IntegrityError):
        with db.write() as session:
            session.add(m.Household(last_name="Vide", adults=0, children=0))
    with pytest.raises(IntegrityError):
        with db.write() as session:
            session.add(m.Household(last_name="Nombreux", adults=10, children=11))


def test_unknown_case_status_is_refused(db):
    with pytest.raises(IntegrityError):
        with db.write() as session:
            _insert_case(session, status="perdu")


def test_closed_case_needs_date_and_reason(db):
    with pytest.raises(IntegrityError):
        with db.write() as session:
            _insert_case(session, status="clos", closed_on=date(2026, 2, 1))
    with db.write() as session:
        _insert_case(session, status="clos", closed_on=date(2026, 2, 1), closure_reason="doublon")


def test_case_cannot_close_before_it_opens(db):
    with pytest.raises(IntegrityError):
        with db.write() as session:
            _insert_case(session, status="clos", closed_on=date(2025, 12, 1), closure_reason="doublon")


def test_orphan_visit_link_is_refused(db):
    with pytest.raises(IntegrityError):
        with db.write() as session:
            session.execute(insert(m.VisitCase), [{"visit_id": 424242, "case_id": 424242}])


def test_done_visit_needs_a_date(db):
    with pytest.raises(IntegrityError):
        with db.write() as session:
            session.add(m.Visit(visit_type="constat", status="realisee"))


def test_proposal_cal_date_cannot_precede_proposal(db):
    with db.write() as session:
        _insert_case(session)
        case_id = session.scalar(select(m.Case.id))
        relocation = m.Relocation(case_id=case_id, reason="suroccupation", opened_on=date(2026, 1, 5))
        session.add(relocation)
    with pytest.raises(IntegrityError):
        with db.write() as session:
            session.add(m.Proposal(relocation_id=relocation.id, proposed_on=date(2026, 3, 1), cal_date=date(2026, 2, 1)))


def test_deleting_a_case_removes_its_dependent_rows(db):
    with db.write() as session:
        _insert_case(session)
        case_id = session.scalar(select(m.Case.id))
        session.add(m.JournalEntry(case_id=case_id, kind="note", text="Premier appel"))
    with db.write() as session:
        session.delete(session.get(m.Case, case_id))
    with db.session() as session:
        assert session.scalar(select(m.JournalEntry.id)) is None


def test_household_in_use_cannot_be_deleted(db):
    with db.write() as session:
        _insert_case(session)
    with pytest.raises(IntegrityError):
        with db.write() as session:
            session.execute(m.Household.__table__.delete())


def test_pragmas_are_set_on_every_connection(db):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_travelling_records_get_uuid_and_version(db):
    with db.write() as session:
        household = m.Household(last_name="Noël", adults=2)
        session.add(household)
    assert len(household.uuid) == 36 and household.version == 1
    with db.write() as session:
        household = session.get(m.Household, household.id)
        household.children = 2
    assert household.version == 2
