"""Reference data edited by an administrator: what forms and scores see afterwards."""
import pytest
from sqlalchemy import func, select

from core.errors import PermissionDenied, ValidationError
from core.scoring import grid_maxima
from core.services import disorders
from core.services import reference as ref
from core.users import update_user
from db import models as m
from tests.core.trade_helpers import item_ids, make_user, new_case, place


@pytest.fixture
def admin(db):
    return make_user(db, login="adm", role="admin")


def test_objective_and_line_of_action_are_edited_and_added(db, admin):
    ref.save_objective(db, admin, "O3", "Bien vivre dans son logement", "Description revue", True)
    created = ref.save_objective(db, admin, "O9", "Nouvel objectif", "").entity_id
    ref.save_line_of_action(db, admin, "O9", "Première piste")
    line = ref.save_line_of_action(db, admin, created, "Deuxième piste").entity_id
    ref.save_line_of_action(db, admin, "O9", "Deuxième piste revue", active=False, line_id=line)
    with db.session() as session:
        o3 = session.scalar(select(m.Objective).where(m.Objective.code == "O3"))
        o9 = session.get(m.Objective, created)
        assert (o3.label, o3.description) == ("Bien vivre dans son logement", "Description revue")
        assert [(l.code, l.label, l.active) for l in o9.lines] == [
            ("O9.1", "Première piste", True), ("O9.2", "Deuxième piste revue", False)]


@pytest.mark.parametrize("call, field", [
    (lambda db, a: ref.save_objective(db, a, "O1", "  "), "label"),
    (lambda db, a: ref.save_line_of_action(db, a, "ZZ", "Piste"), "objective"),
    (lambda db, a: ref.save_disorder_item(db, a, None, "logement", "Humidité", "Moisissures", 101), "weight"),
    (lambda db, a: ref.save_disorder_item(db, a, None, "jardin", "Humidité", "Moisissures", 10), "zone"),
    (lambda db, a: ref.save_disorder_item(db, a, None, "logement", "Humidité", "", 10), "label"),
    (lambda db, a: ref.save_disorder_item(db, a, None, "logement", "Humidité", "Fuite", 10,
                                          procedures=["inconnue"]), "procedures"),
    (lambda db, a: ref.save_partner(db, a, None, "CAF", "pas_un_type"), "partner_type"),
    (lambda db, a: ref.save_partner(db, a, None, "", "bailleur_social"), "name"),
    (lambda db, a: ref.save_neighbourhood(db, a, None, None, "Fives"), "commune_id"),
])
def test_bad_input_is_refused_in_french_naming_the_field(db, admin, call, field):
    with pytest.raises(ValidationError) as raised:
        call(db, admin)
    assert raised.value.field == field
    assert raised.value.message[0].isupper() and raised.value.message.endswith(".")


def test_duplicate_partner_and_neighbourhood_names_are_refused(db, admin):
    ref.save_partner(db, admin, None, "Vilogia Lille", "bailleur_social", phone="03 20 00 00 00")
    with pytest.raises(ValidationError) as raised:
        ref.save_partner(db, admin, None, "vilogia lille", "bailleur_social")
    assert raised.value.field == "name" and "déjà" in raised.value.message
    commune_id, _, qpv, _ = place(db)
    with db.session() as session:
        existing = session.get(m.Neighbourhood, qpv).name
    with pytest.raises(ValidationError) as raised:
        ref.save_neighbourhood(db, admin, None, commune_id, existing)
    assert raised.value.field == "name"


def test_partner_and_neighbourhood_are_added_and_edited(db, admin):
    partner = ref.save_partner(db, admin, None, "Association Logis", "association", email="contact@logis.fr").entity_id
    ref.save_partner(db, admin, partner, "Association Logis Nord", "association", active=False)
    commune_id, _, _, other = place(db)
    added = ref.save_neighbourhood(db, admin, None, commune_id, "Quartier d’essai", is_qpv=True, qpv_code="QN059999")
    ref.save_neighbourhood(db, admin, other, commune_id, "Quartier renommé", is_qpv=True)
    with db.session() as session:
        row = session.get(m.Partner, partner)
        assert (row.name, row.active, row.email) == ("Association Logis Nord", False, "")
        assert session.get(m.Neighbourhood, added.entity_id).qpv_code == "QN059999"
        renamed = session.get(m.Neighbourhood, other)
        assert (renamed.name, renamed.is_qpv) == ("Quartier renommé", True)
        audit = session.scalar(select(m.AuditEvent).where(m.AuditEvent.action == "referentiel.quartier")
                               .order_by(m.AuditEvent.id.desc()).limit(1))
        assert "is_qpv" in audit.details


def test_a_heavier_disorder_raises_the_criticality_of_cases_reporting_it(db, admin):
    case_id = new_case(db, admin)
    item = item_ids(db, count=1)[0]
    disorders.report_disorders(db, admin, case_id, [item])
    with db.session() as session:
        before = session.get(m.Case, case_id).criticality
        row = session.get(m.DisorderItem, item)
        values = (row.zone, row.theme, row.label, [p.code for p in row.procedures])
    zone, theme, label, procedures = values
    ref.save_disorder_item(db, admin, item, zone, theme, label, 100, True, procedures)
    with db.session() as session:
        assert session.get(m.Case, case_id).criticality > before
        assert session.get(m.DisorderItem, item).weight == 100


def test_deactivated_grid_item_is_no_longer_offered_or_counted(db, admin):
    added = ref.save_disorder_item(db, admin, None, "logement", "Humidité", "Salpêtre sur les murs", 40,
                                   procedures=["rsd"] if _procedure_exists(db, "rsd") else []).entity_id
    with db.session() as session:
        maximum = grid_maxima(session)["logement"]
        offered = set(session.scalars(select(m.DisorderItem.id).where(m.DisorderItem.active)))
    assert added in offered
    ref.save_disorder_item(db, admin, added, "logement", "Humidité", "Salpêtre sur les murs", 40, active=False)
    with db.session() as session:
        assert grid_maxima(session)["logement"] == maximum - 40
        assert added not in set(session.scalars(select(m.DisorderItem.id).where(m.DisorderItem.active)))
        assert session.get(m.DisorderItem, added) is not None  # kept for the cases that reported it


def test_a_withdrawn_grid_line_cannot_be_reported_but_stays_where_it_was(db, admin):
    kept_case, new_case_id = new_case(db, admin), new_case(db, admin, last_name="Second")
    item, other = item_ids(db, count=2)
    disorders.report_disorders(db, admin, kept_case, [item])
    with db.session() as session:
        row = session.get(m.DisorderItem, item)
        zone, theme, label = row.zone, row.theme, row.label
    ref.save_disorder_item(db, admin, item, zone, theme, label, 30, active=False)
    with pytest.raises(ValidationError, match="retiré de la grille") as error:
        disorders.report_disorders(db, admin, new_case_id, [other, item])
    assert label in str(error.value) and error.value.field == "item_ids"
    disorders.set_reported_disorders(db, admin, kept_case, [item, other])  # the case keeps it, adds the other
    with db.session() as session:
        assert not session.scalars(select(m.CaseDisorder).where(m.CaseDisorder.case_id == new_case_id)).all()
        kept = set(session.scalars(select(m.CaseDisorder.item_id).where(m.CaseDisorder.case_id == kept_case)))
    assert kept == {item, other}


def _procedure_exists(db, code):
    with db.session() as session:
        return session.get(m.ProcedureType, code) is not None


def test_agent_and_manager_cannot_edit_reference_data(db, admin):
    commune_id, _, qpv, _ = place(db)
    agent = make_user(db, login="agt", role="agent", sectors=[qpv])
    manager = make_user(db, login="mgr", role="manager")
    for actor in (agent, manager):
        with pytest.raises(PermissionDenied):
            ref.save_objective(db, actor, "O1", "Détourné")
        with pytest.raises(PermissionDenied):
            ref.save_neighbourhood(db, actor, qpv, commune_id, "Détourné")
    with pytest.raises(PermissionDenied):
        update_user(db, agent, agent.user_id, sector_ids=[qpv])
    with db.session() as session:
        assert session.scalar(select(m.Objective.label).where(m.Objective.code == "O1")) != "Détourné"


def test_an_administrator_adds_renames_and_withdraws_vocabulary_entries(db, admin):
    created = ref.save_vocabulary_entry(db, admin, "case_sources", None, "Maraude de nuit")
    assert created.entity_id == "maraude_de_nuit" and created.created
    again = ref.save_vocabulary_entry(db, admin, "case_sources", None, "Maraude de nuit (bis)")
    assert again.entity_id == "maraude_de_nuit_bis"
    with pytest.raises(ValidationError, match="déjà ce libellé") as error:
        ref.save_vocabulary_entry(db, admin, "case_sources", None, "MARAUDE DE NUIT")
    assert error.value.field == "label"
    with pytest.raises(ValidationError, match="obligatoire"):
        ref.save_vocabulary_entry(db, admin, "case_sources", "maraude_de_nuit", "  ")
    with pytest.raises(ValidationError, match="Liste inconnue"):
        ref.save_vocabulary_entry(db, admin, "couleurs", None, "Bleu")
    for position, words in (("trois", "nombre entier"), (1000, "0 à 999")):
        with pytest.raises(ValidationError, match=words) as error:
            ref.save_vocabulary_entry(db, admin, "case_sources", "maraude_de_nuit", "Maraude", position=position)
        assert error.value.field == "position"
    ref.save_vocabulary_entry(db, admin, "case_sources", "maraude_de_nuit", "Maraude nocturne", active=False,
                              position=1)
    with db.session() as session:
        row = session.get(m.CaseSource, "maraude_de_nuit")
        assert (row.label, row.active, row.position) == ("Maraude nocturne", False, 1)
        audit = session.scalar(select(m.AuditEvent).where(m.AuditEvent.action == "referentiel.liste")
                               .order_by(m.AuditEvent.id.desc()).limit(1))
        assert "label" in audit.details and "active" in audit.details


def test_communes_are_checked_before_they_are_saved(db, admin):
    created = ref.save_commune(db, admin, None, "59999", "Villeneuve-des-Essais", "59650")
    with db.session() as session:
        assert session.get(m.Commune, created.entity_id).name == "Villeneuve-des-Essais"
        existing = session.scalar(select(m.Commune).where(m.Commune.id != created.entity_id).limit(1))
        other_insee, other_name = existing.insee_code, existing.name
    for args, field, words in (
        (("5999", "Nouvelle", "59650"), "insee_code", "5 caractères"),
        ((other_insee, "Nouvelle", "59650"), "insee_code", "déjà utilisé"),
        (("59998", other_name.upper(), "59650"), "name", "existe déjà"),
        (("59998", "Nouvelle", "5965"), "postcode", "5 chiffres"),
        (("59998", "", "59650"), "name", "obligatoire"),
    ):
        with pytest.raises(ValidationError, match=words) as error:
            ref.save_commune(db, admin, None, *args)
        assert error.value.field == field
    ref.save_commune(db, admin, created.entity_id, "59999", "Villeneuve-des-Tests", "59650")
    with db.session() as session:
        assert session.get(m.Commune, created.entity_id).name == "Villeneuve-des-Tests"
        assert session.scalar(select(func.count(m.Commune.id)).where(m.Commune.name == "Nouvelle")) == 0
