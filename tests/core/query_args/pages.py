"""Example arguments for the reads of the table pages, their dialogs, the dashboard and the print menus."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.access import agent_can_reach_case
from db import models as m
from tests.conftest import DEMO_TODAY

YEAR_START = date(2025, 1, 1)


def _first_reachable(context, statement):
    """The first (id, case id) row of `statement` whose case the agent reaches."""
    with context.database.session() as session:
        for row_id, case_id in session.execute(statement):
            if agent_can_reach_case(session, context.agent, case_id):
                return row_id
    raise AssertionError("the demo base should hold one within the agent's scope")


def _relocation(context):
    return _first_reachable(context, select(m.Relocation.id, m.Relocation.case_id)
                            .join(m.Proposal, m.Proposal.relocation_id == m.Relocation.id).order_by(m.Relocation.id))


def _visit(context):
    return _first_reachable(context, select(m.VisitCase.visit_id, m.VisitCase.case_id).order_by(m.VisitCase.visit_id))


def _commission(context):
    with context.database.session() as session:
        return session.scalar(select(m.CommissionItem.commission_id).group_by(m.CommissionItem.commission_id)
                              .order_by(m.CommissionItem.commission_id))


def _case(context, outside):
    return context.outside_case_id if outside else context.inside_case_id


ARGUMENTS = {
    "relocation.board": lambda context, outside=False: (("open", DEMO_TODAY), {}),
    "relocation.proposals": lambda context, outside=False: ((_relocation(context),), {}),
    "relocation.needs": lambda context, outside=False: ((_relocation(context),), {}),
    "relocation.reasons": lambda context, outside=False: ((), {}),
    "relocation.landlords": lambda context, outside=False: ((), {}),
    "tasks.queue": lambda context, outside=False: ((DEMO_TODAY, 3650), {"whole_team": True}),
    "agenda.visits": lambda context, outside=False: ((DEMO_TODAY, "planifiee"), {}),
    "agenda.agents": lambda context, outside=False: ((), {}),
    "agenda.visit_form": lambda context, outside=False: ((), {}),
    "agenda.visit": lambda context, outside=False: ((_visit(context),), {}),
    "agenda.conclusion_form": lambda context, outside=False: ((_visit(context),), {}),
    "commissions.list": lambda context, outside=False: ((), {}),
    "commissions.agenda": lambda context, outside=False: ((_commission(context),), {}),
    "commissions.candidates": lambda context, outside=False: (("relogement",), {"limit": 500}),
    "dashboard.figures": lambda context, outside=False: ((YEAR_START, DEMO_TODAY), {}),
    "dashboard.cases": lambda context, outside=False: ((YEAR_START, DEMO_TODAY, None, "suivis"), {}),
    "dashboard.communes": lambda context, outside=False: ((), {}),
    "documents.case_reference": lambda context, outside=False: ((_case(context, outside),), {}),
    "documents.case_visits": lambda context, outside=False: ((_case(context, outside),), {}),
}
