"""The Synthèse and new-case forms are built from the field declarations (core.fields)."""
from __future__ import annotations

from core import fields as declared
from core.actor import SYSTEM
from core.queries.case_file import case_summary, form_choices
from gui.case_file.summary_tab import build_dwelling_form, build_form, build_household_form
from gui.forms import Form
from gui.new_case_dialog import NewCaseDialog
from tests.field_samples import fill_every_field


def caption(form: Form, key: str) -> str:
    """What the field is called on screen: its label, or the check box's own text."""
    label = form.captions.get(key) or form.fields[key]
    return label.text().replace("&", "")


def test_the_synthese_forms_show_and_give_back_every_declared_field(demo_db, qtbot):
    case_id, _values = fill_every_field(demo_db)
    summary = case_summary(demo_db, SYSTEM, case_id)
    choices = form_choices(demo_db, SYSTEM)
    forms = {"household": Form(), "dwelling": Form(), "case": Form()}
    build_household_form(forms["household"])
    build_dwelling_form(forms["dwelling"], choices)
    build_form(forms["case"], declared.CASE, choices)
    stored = {"household": summary.household, "dwelling": summary.dwelling, "case": summary.case}
    for part, form in forms.items():
        qtbot.addWidget(form)
        assert list(form.fields) == [f.key for f in declared.BY_PART[part]]
        for field in declared.BY_PART[part]:
            assert caption(form, field.key) == field.caption
            form.set_value(field.key, stored[part][field.key])
        # each widget holds its field's value as stored: the right kind of widget, the right choices
        assert form.values() == stored[part], part


def test_the_new_case_dialog_asks_the_fields_declared_for_it(demo_db, qtbot):
    dialog = NewCaseDialog(demo_db, SYSTEM)
    qtbot.addWidget(dialog)
    for part, form in (("household", dialog.household), ("dwelling", dialog.dwelling), ("case", dialog.case)):
        wanted = [f.key for f in declared.BY_PART[part] if f.in_new_case]
        assert [key for key in form.fields if key != "kinds"] == wanted
        for key in wanted:
            assert caption(form, key) == declared.BY_KEY[key].caption
