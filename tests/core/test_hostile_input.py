"""Input an attacker would type: control characters in text fields, ids no database can hold."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.actor import SYSTEM
from core.errors import ValidationError
from core.services import notes
from core.users import add_user
from db import models as m
from tests.core.trade_helpers import make_user, new_case


def run_main(capsys, *args):
    from main import main

    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse refuses bad arguments before any command runs
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x08"])
def test_control_characters_in_a_household_name_are_refused_naming_the_field(db, character):
    manager = make_user(db)
    with pytest.raises(ValidationError) as refused:
        new_case(db, manager, last_name=f"Dupont{character}Martin")
    assert "Nom" in refused.value.message and "caractère de contrôle" in refused.value.message
    with db.session() as s:
        assert s.scalar(select(func.count(m.Case.id))) == 0


def test_a_nul_byte_in_a_note_is_refused_and_nothing_is_saved(db):
    manager = make_user(db)
    case_id = new_case(db, manager)
    with db.session() as s:
        before = s.scalar(select(func.count(m.JournalEntry.id)))
    with pytest.raises(ValidationError, match="caractère de contrôle interdit \\(U\\+0000 \\(NUL\\)\\)"):
        notes.add_note(db, manager, case_id, "Visite faite\x00 cachée")
    with db.session() as s:
        assert s.scalar(select(func.count(m.JournalEntry.id))) == before


def test_line_breaks_and_tabs_stay_allowed_in_long_texts(db):
    manager = make_user(db)
    case_id = new_case(db, manager)
    notes.add_note(db, manager, case_id, "Première ligne\n\tseconde ligne\r\n")


def test_a_path_that_skips_the_field_checks_is_still_stopped_before_the_base(db):
    """A user's full name goes through no text checker of the services: the flush guard still refuses it."""
    with pytest.raises(ValidationError, match="Nom complet : caractère de contrôle"):
        add_user(db, SYSTEM, "camille", "Camille\x00Martin", "agent")
    with pytest.raises(ValidationError, match="caractère de contrôle"):
        with db.write() as s:
            s.add(m.Setting(key="essai", value="a\x00b"))


def test_a_login_typed_with_control_characters_is_audited_without_them(db):
    from core.auth import AuthenticationError, authenticate

    with pytest.raises(AuthenticationError):
        authenticate(db, "admin\x00\x1b[31m", "faux")
    with db.session() as s:
        login = s.scalar(select(m.AuditEvent.user_login).where(m.AuditEvent.action == "connexion.echec"))
    assert login == "admin[31m"


@pytest.mark.parametrize("args", [
    ("pdf", "visite", "99999999999999999999"),
    ("pdf", "commission", "99999999999999999999"),
    ("pdf", "visite", "-3"),
    ("pdf", "commission", "abc"),
    ("rgpd", "export", "--menage", "99999999999999999999"),
    ("rgpd", "export", "--menage", "0"),
])
def test_ids_out_of_range_get_identifiant_invalide_not_a_traceback(db, db_path, tmp_path, capsys, args):
    db.dispose()
    code, _out, err = run_main(capsys, "--db", str(db_path), *args, "-o", str(tmp_path / "sortie.bin"))
    assert code == 2
    assert "identifiant invalide" in err and "Traceback" not in err


def test_the_largest_id_a_base_holds_is_just_not_found(db, db_path, tmp_path, capsys):
    db.dispose()
    code, _out, err = run_main(capsys, "--db", str(db_path), "pdf", "visite", str(2 ** 63 - 1),
                               "-o", str(tmp_path / "v.pdf"))
    assert code == 1 and "Traceback" not in err and err.startswith("Erreur")
