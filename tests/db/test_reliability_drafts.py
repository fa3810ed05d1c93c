"""Drafts of long forms survive in the database until the form is saved or abandoned."""
from core.drafts import discard_draft, list_drafts, load_draft, save_draft


def test_draft_is_kept_updated_and_discarded(db):
    assert load_draft(db, "visite:1:conclusion") is None
    save_draft(db, "visite:1:conclusion", "Logement très humide, moisissures dans la chambre")
    save_draft(db, "visite:1:conclusion", "Logement très humide, moisissures dans la chambre et la cuisine")
    draft = load_draft(db, "visite:1:conclusion")
    assert draft.content.endswith("et la cuisine")
    assert [d.form_key for d in list_drafts(db)] == ["visite:1:conclusion"]  # updated, not duplicated
    discard_draft(db, "visite:1:conclusion")
    assert load_draft(db, "visite:1:conclusion") is None


def test_empty_text_removes_the_draft(db):
    save_draft(db, "journal:dossier:4", "Appel du bailleur")
    save_draft(db, "journal:dossier:4", "   ")
    assert load_draft(db, "journal:dossier:4") is None


def test_drafts_of_two_forms_are_independent(db):
    save_draft(db, "journal:dossier:4", "note A")
    save_draft(db, "journal:dossier:5", "note B")
    assert load_draft(db, "journal:dossier:4").content == "note A"
    assert load_draft(db, "journal:dossier:5").content == "note B"
