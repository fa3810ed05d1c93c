"""Example arguments of the case list and case file reads (core.queries.case_list, case_file, case_tabs)."""
from __future__ import annotations

from core.case_list import CaseQuery


def _case(context, outside=False):
    return (), {"case_id": context.outside_case_id if outside else context.inside_case_id}


def _none(context, outside=False):
    return (), {}


def _case_and_parts(context, outside=False):
    args, kwargs = _case(context, outside)
    return args, kwargs  # every part


def _rows(context, outside=False):
    # Every id of the base: an agent gets the rows of her own cases only.
    with context.database.session() as session:
        from sqlalchemy import select

        from db import models as m

        ids = list(session.scalars(select(m.Case.id)))
    return (ids,), {}


def _duplicates(context, outside=False):
    # A blank address and a one-letter-long name would match nothing: ask by the postcode of Lille, which
    # most demo cases share, and by a frequent name length.
    return (), {"last_name": "Martin", "street": "rue Nationale", "postcode": "59000", "street_number": "1"}


ARGUMENTS = {
    "case_file.header": _case,
    "case_file.summary": _case,
    "case_file.disorders": _case,
    "case_file.visits": _case,
    "case_file.referrals": _case,
    "case_file.tasks": _case,
    "case_file.journal": _case,
    "case_file.relocation": _case,
    "case_file.attachments": _case,
    "case_file.parts": _case_and_parts,
    "case_file.form_choices": _none,
    "case_file.agent_choices": _none,
    "case_file.partner_choices": _none,
    "case_file.closure_reasons": _none,
    "case_list.first_page": lambda context, outside=False: ((CaseQuery(statuses=()),), {"limit": 500}),
    "case_list.ids": lambda context, outside=False: ((CaseQuery(statuses=()),), {}),
    "case_list.count": _none,
    "case_list.rows": _rows,
    "case_list.choices": _none,
    "case_list.picker": lambda context, outside=False: ((), {"statuses": (), "limit": 500}),
    "case_list.latest_case": _none,
    "case_list.saved_filter_names": _none,
    "case_list.saved_filter": lambda context, outside=False: (("Mes urgences",), {}),
    "case_list.duplicates": _duplicates,
}
