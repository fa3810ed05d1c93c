"""Which views a write concerns, from the Changes its service returned (no Qt here: tested on its own).

A view is concerned when it lists the kind of record the write touched (a new visit enters the agenda
even though the agenda did not show its case yet), or when it shows one of the cases the write names
(a household renamed on a case that the relocation board lists). The main window marks only those views
stale: a shown view reloads at once, a hidden one when it is next shown.
"""
from __future__ import annotations

from collections.abc import Iterable

# Records that belong to a case (Changes.entity of the case services).
CASE_RECORDS = frozenset({"case", "household", "dwelling", "visit", "referral", "attachment", "journal_entry",
                          "relocation", "proposal", "commission", "task", "tasks"})
# Writes that no view shows (the idle-lock delay, the audit retention).
UNSHOWN_RECORDS = frozenset({"setting"})
ACCOUNT_RECORDS = frozenset({"user"})

# The records each view lists besides the cases it shows.
VIEW_RECORDS: dict[str, frozenset[str]] = {
    "tableau-de-bord": CASE_RECORDS,  # its figures count every case
    "dossiers": ACCOUNT_RECORDS,  # the « suivi par » column; a change on any case may move it in or out of the list
    "agenda": frozenset({"visit"}),
    "relogement": frozenset({"relocation", "proposal"}),
    "commissions": frozenset({"commission"}),
    "echeances": frozenset({"task", "tasks"}),
    "referentiels": ACCOUNT_RECORDS,  # the agents' tab
}
# Views that show every case of the actor's scope (filtered): any case named by a write may concern them.
ALL_CASES_VIEWS = frozenset({"dossiers", "tableau-de-bord"})
# Views showing no case at all.
NO_CASE_VIEWS = frozenset({"referentiels"})


def view_concerned(view: str, entity: str, case_ids: Iterable[int], shown: frozenset[int] | None) -> bool:
    """Whether `view` must reload after a write on `entity` touching `case_ids`.

    `shown`: the cases the view lists now (None when it cannot tell, e.g. a visit of several cases).
    An empty `entity` is a write the caller did not describe (the window's older `cases_changed()`): every
    view showing cases reloads. Reference data (objectives, places, lists) is shown everywhere: all reload.
    """
    case_ids = frozenset(case_ids)
    if entity in UNSHOWN_RECORDS:
        return False
    if entity and entity not in CASE_RECORDS and entity not in ACCOUNT_RECORDS:
        return True  # reference data: labels of every view
    if entity in VIEW_RECORDS.get(view, frozenset()):
        return True
    if view in NO_CASE_VIEWS or entity in ACCOUNT_RECORDS:
        return False
    if not entity:
        return True
    if not case_ids:
        return False
    return view in ALL_CASES_VIEWS or shown is None or bool(shown & case_ids)


def shown_case_ids(page) -> frozenset[int] | None:
    """The cases a view lists now: its own `shown_case_ids()`, else the `_case_id` of its rows (RowsModel);
    None when it cannot tell."""
    own = getattr(page, "shown_case_ids", None)
    if callable(own):
        return own()
    rows = getattr(getattr(page, "model", None), "rows", None)
    if not isinstance(rows, list) or not all(isinstance(row, dict) and row.get("_case_id") for row in rows):
        return None
    return frozenset(row["_case_id"] for row in rows)
