"""Example arguments for the reads of the window and the administration (core.queries.admin, .reference, .window)."""
from __future__ import annotations

from sqlalchemy import func, select

from core.audit import EventFilter
from db import models as m
from tests.conftest import DEMO_TODAY


def _first_id(context, column):
    with context.database.session() as session:
        return session.scalar(select(func.min(column)))


def _reference(context, outside=False):
    case_id = context.outside_case_id if outside else context.inside_case_id
    with context.database.session() as session:
        return session.get(m.Case, case_id).reference


ARGUMENTS = {
    "admin.comptes": lambda context, outside=False: ((), {}),
    "admin.delai_verrouillage": lambda context, outside=False: ((), {}),
    "admin.journal": lambda context, outside=False: ((EventFilter(limit=50),), {}),
    "admin.journal_filtres": lambda context, outside=False: ((), {}),
    "admin.conservation_journal": lambda context, outside=False: ((), {}),
    "admin.dossiers_sans_contact": lambda context, outside=False: ((), {"today": DEMO_TODAY}),
    "fenetre.dossier_par_reference": lambda context, outside=False: ((_reference(context),), {}),
    "referentiel.tables": lambda context, outside=False: ((), {}),
    "referentiel.fiche_objectif": lambda context, outside=False: ((_first_id(context, m.Objective.id),), {}),
    "referentiel.fiche_piste": lambda context, outside=False: ((_first_id(context, m.LineOfAction.id),), {}),
    "referentiel.fiche_desordre": lambda context, outside=False: ((_first_id(context, m.DisorderItem.id),), {}),
    "referentiel.fiche_partenaire": lambda context, outside=False: ((_first_id(context, m.Partner.id),), {}),
    "referentiel.fiche_quartier": lambda context, outside=False: ((_first_id(context, m.Neighbourhood.id),), {}),
    "referentiel.fiche_commune": lambda context, outside=False: ((_first_id(context, m.Commune.id),), {}),
    "referentiel.fiche_liste": lambda context, outside=False: (("case_kinds", _first_code(context)), {}),
    "referentiel.secteurs_agent": lambda context, outside=False: ((context.agent.user_id,), {}),
    "portable.conflits": lambda context, outside=False: ((), {"open_only": False}),
}


def _first_code(context):
    return _first_id(context, m.CaseKind.code)
