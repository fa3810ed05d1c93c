"""Permissions, checked in core on every service call (not only by hiding buttons).

- agent: cases of their own sectors and cases assigned to them;
- manager: all cases, reports, commissions, exports;
- admin: users, reference data, retention and the audit trail (and everything a manager does).
"""
from __future__ import annotations

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import PermissionDenied
from db.models import Case, Dwelling

# permission -> roles allowed. Case-scoped permissions are further limited to an agent's cases.
PERMISSIONS: dict[str, frozenset[str]] = {
    "case.read": frozenset({"agent", "manager", "admin"}),
    "case.edit": frozenset({"agent", "manager", "admin"}),
    "case.delete": frozenset({"admin"}),
    "report.read": frozenset({"manager", "admin"}),
    "export": frozenset({"manager", "admin"}),
    "import": frozenset({"manager", "admin"}),
    "commission.manage": frozenset({"manager", "admin"}),
    "reference.edit": frozenset({"admin"}),
    "user.manage": frozenset({"admin"}),
    "audit.read": frozenset({"admin"}),
    "retention.manage": frozenset({"admin"}),
    "backup.manage": frozenset({"manager", "admin"}),
    "rgpd.export": frozenset({"admin"}),
    "account.self": frozenset({"agent", "manager", "admin"}),
}
CASE_SCOPED = {"case.read", "case.edit"}

PERMISSION_LABELS = {
    "case.read": "consulter ce dossier",
    "case.edit": "modifier ce dossier",
    "case.delete": "supprimer un dossier",
    "report.read": "consulter les bilans",
    "export": "exporter des données",
    "import": "importer des données",
    "commission.manage": "gérer les commissions",
    "reference.edit": "modifier les référentiels",
    "user.manage": "gérer les comptes utilisateurs",
    "audit.read": "consulter le journal d'audit",
    "retention.manage": "gérer la conservation des données",
    "backup.manage": "gérer les sauvegardes",
    "rgpd.export": "exporter les données d'un ménage (droit d'accès)",
    "account.self": "modifier votre compte",
}


def can(actor: Actor, permission: str) -> bool:
    return actor.role in PERMISSIONS[permission]


def authorize(session: Session, actor: Actor, permission: str, case_id: int | None = None) -> None:
    """Raise PermissionDenied (French message) unless the actor may do this."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not can(actor, permission):
        raise PermissionDenied(f"Votre rôle ne permet pas de {PERMISSION_LABELS[permission]}.")
    if permission in CASE_SCOPED and case_id is not None and actor.role == "agent":
        if not agent_can_reach_case(session, actor, case_id):
            raise PermissionDenied(
                "Ce dossier n'est ni dans vos secteurs ni attribué à vous : "
                f"vous ne pouvez pas {PERMISSION_LABELS[permission]}."
            )


def agent_can_reach_case(session: Session, actor: Actor, case_id: int) -> bool:
    row = session.execute(
        select(Case.agent_id, Dwelling.neighbourhood_id).join(Dwelling, Dwelling.id == Case.dwelling_id)
        .where(Case.id == case_id)
    ).first()
    if row is None:
        return True  # the service will report the unknown case itself
    agent_id, neighbourhood_id = row
    return agent_id == actor.user_id or (neighbourhood_id is not None and neighbourhood_id in actor.sector_ids)


def case_scope_condition(actor: Actor):
    """SQL condition on Case limiting a query to what the actor may see, or None for everything.

    An agent sees the cases assigned to them and the cases whose dwelling lies in one of
    their sectors; managers and administrators see all cases.
    """
    if actor.role != "agent":
        return None
    if actor.user_id is None and not actor.sector_ids:
        return false()
    in_sectors = Case.dwelling_id.in_(select(Dwelling.id).where(Dwelling.neighbourhood_id.in_(sorted(actor.sector_ids))))
    return or_(Case.agent_id == actor.user_id, in_sectors) if actor.sector_ids else Case.agent_id == actor.user_id


def restrict_cases(statement: Select, actor: Actor | None) -> Select:
    """Apply the actor's case scope to a select over Case (unchanged for managers and admins)."""
    if actor is None:
        return statement
    condition = case_scope_condition(actor)
    return statement if condition is None else statement.where(condition)
