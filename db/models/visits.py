"""Visits, including collective walks that concern several cases."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Travelling, check_in
from db.models.cases import Case
from db.models.people import User
from db.models.places import Neighbourhood
from db.models.reference import DisorderItem, ProcedureType, VisitType
from db.vocab import VISIT_STATUSES


class Visit(Travelling, Base):
    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint(check_in("status", VISIT_STATUSES), name="status"),
        CheckConstraint("status <> 'realisee' OR done_at IS NOT NULL", name="done_has_date"),
        # Indicators select the visits done in a period: a range on this index, no table lookups.
        Index("ix_visits_status_done_at", "status", "done_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_type: Mapped[str] = mapped_column(ForeignKey("ref_visit_types.code", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(30), default="planifiee", index=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhoods.id", ondelete="SET NULL"))
    occupant_present: Mapped[bool | None] = mapped_column(Boolean)
    landlord_present: Mapped[bool | None] = mapped_column(Boolean)
    observations: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[VisitType] = relationship()
    neighbourhood: Mapped[Neighbourhood | None] = relationship()
    cases: Mapped[list[Case]] = relationship(secondary="visit_cases", order_by="Case.reference")
    agents: Mapped[list[User]] = relationship(secondary="visit_agents")
    procedures: Mapped[list["VisitProcedure"]] = relationship(cascade="all, delete-orphan", back_populates="visit")
    common_findings: Mapped[list["CommonAreaFinding"]] = relationship(cascade="all, delete-orphan", back_populates="visit")


class VisitCase(Base):
    __tablename__ = "visit_cases"
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True)


class VisitAgent(Base):
    __tablename__ = "visit_agents"
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class VisitProcedure(Base):
    """A procedure a visit concluded on, for one of its cases."""

    __tablename__ = "visit_procedures"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    procedure_code: Mapped[str] = mapped_column(ForeignKey("ref_procedure_types.code", ondelete="RESTRICT"))
    visit: Mapped[Visit] = relationship(back_populates="procedures")
    procedure: Mapped[ProcedureType] = relationship()


class CommonAreaFinding(Base):
    """A finding of a collective walk on common areas, not tied to one case."""

    __tablename__ = "common_area_findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("disorder_items.id", ondelete="RESTRICT"))
    location: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[int] = mapped_column(Integer, default=1)
    visit: Mapped[Visit] = relationship(back_populates="common_findings")
    item: Mapped[DisorderItem | None] = relationship()
