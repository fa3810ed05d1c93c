"""The three-way merge of one record: what is taken, what is kept, what waits for a person."""
from __future__ import annotations

from core.laptop.merge import WHOLE_RECORD, FieldConflict, merge_record

FIELDS = ["summary", "priority"]
BASE = {"summary": "a", "priority": "normale"}


def test_a_field_changed_on_the_laptop_only_is_taken():
    outcome = merge_record(FIELDS, BASE, dict(BASE), {**BASE, "summary": "b"})
    assert outcome.action == "update" and outcome.values == {"summary": "b"} and not outcome.conflicts


def test_a_field_changed_at_the_office_only_is_kept():
    outcome = merge_record(FIELDS, BASE, {**BASE, "summary": "o"}, dict(BASE))
    assert outcome.action == "none" and not outcome.conflicts


def test_different_fields_changed_on_each_side_are_both_kept():
    outcome = merge_record(FIELDS, BASE, {**BASE, "summary": "o"}, {**BASE, "priority": "haute"})
    assert outcome.values == {"priority": "haute"} and not outcome.conflicts


def test_the_same_field_changed_differently_is_a_conflict_with_both_values():
    outcome = merge_record(FIELDS, BASE, {**BASE, "summary": "o"}, {**BASE, "summary": "l"})
    assert outcome.action == "none"
    assert outcome.conflicts == [FieldConflict("summary", "a", "o", "l")]


def test_the_same_change_on_both_sides_is_no_conflict():
    outcome = merge_record(FIELDS, BASE, {**BASE, "summary": "x"}, {**BASE, "summary": "x"})
    assert outcome.action == "none" and not outcome.conflicts


def test_a_record_created_on_the_laptop_is_added():
    outcome = merge_record(FIELDS, None, None, {"summary": "n", "priority": "basse"})
    assert outcome.action == "insert" and outcome.values["summary"] == "n"


def test_a_deletion_on_the_laptop_of_an_untouched_record_is_applied():
    assert merge_record(FIELDS, BASE, dict(BASE), None).action == "delete"


def test_a_deletion_on_the_laptop_against_an_office_edit_is_a_conflict():
    office = {**BASE, "summary": "o"}
    outcome = merge_record(FIELDS, BASE, office, None)
    assert outcome.action == "none" and outcome.conflicts == [FieldConflict(WHOLE_RECORD, BASE, office, None)]


def test_a_laptop_edit_of_a_record_deleted_at_the_office_is_a_conflict():
    laptop = {**BASE, "summary": "l"}
    outcome = merge_record(FIELDS, BASE, None, laptop)
    assert outcome.action == "none" and outcome.conflicts == [FieldConflict(WHOLE_RECORD, BASE, None, laptop)]


def test_an_untouched_record_deleted_at_the_office_stays_deleted():
    outcome = merge_record(FIELDS, BASE, None, dict(BASE))
    assert outcome.action == "none" and not outcome.conflicts


def test_a_record_made_on_both_sides_under_one_name_lists_its_differences():
    outcome = merge_record(FIELDS, None, {"summary": "o", "priority": "basse"}, {"summary": "l", "priority": "basse"})
    assert outcome.conflicts == [FieldConflict("summary", None, "o", "l")]
