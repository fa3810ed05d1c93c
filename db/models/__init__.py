"""All models, importable from one place."""
from db.base import Base
from db.models.activity import Attachment, JournalEntry, Task
from db.models.cases import Case, CaseDisorder, CaseKindLink, CaseObjective
from db.models.external import ExternalRecord
from db.models.followup import Commission, CommissionItem, Proposal, Referral, Relocation
from db.models.laptop import (
    Checkin,
    Checkout,
    CheckoutCase,
    CheckoutSnapshot,
    LaptopOrigin,
    MergeConflict,
    Tombstone,
)
from db.models.people import Dwelling, Household, User, UserSector
from db.models.places import Commune, Neighbourhood, Partner
from db.models.reference import (
    CaseKind,
    CaseSource,
    ClosureReason,
    DisorderItem,
    DisorderItemProcedure,
    LineOfAction,
    Objective,
    PartnerType,
    ProcedureType,
    RelocationReason,
    VisitType,
)
from db.models.system import AuditEvent, Draft, LoginThrottle, ReferenceCounter, SavedFilter, Setting
from db.models.visits import CommonAreaFinding, Visit, VisitAgent, VisitCase, VisitProcedure

__all__ = [name for name in dir() if not name.startswith("_")]
