"""The case (dossier), its kinds, objectives and disorders."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Travelling, check_in, now
from db.models.people import Dwelling, Household, User
from db.models.reference import CaseKind, DisorderItem, Objective
from db.vocab import CASE_STATUSES, DISORDER_STATES, PRIORITIES


class Case(Travelling, Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(check_in("status", CASE_STATUSES), name="status"),
        CheckConstraint(check_in("priority", PRIORITIES), name="priority"),
        CheckConstraint(
            "(status = 'clos' AND closed_on IS NOT NULL AND closure_reason IS NOT NULL)"
            " OR (status <> 'clos' AND closed_on IS NULL)",
            name="closure_consistent",
        ),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
        Index("ix_cases_status_activity", "status", "last_activity_at"),
        # A report imported from another system is found again by its reference there (re-import updates it).
        UniqueConstraint("external_source", "external_reference", name="uq_cases_external_reference"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="RESTRICT"), index=True)
    dwelling_id: Mapped[int] = mapped_column(ForeignKey("dwellings.id", ondelete="RESTRICT"), index=True)
    source: Mapped[str] = mapped_column(ForeignKey("ref_case_sources.code", ondelete="RESTRICT"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="nouveau", index=True)
    priority: Mapped[str] = mapped_column(String(20), default="normale")
    opened_on: Mapped[date] = mapped_column(Date, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    closure_reason: Mapped[str | None] = mapped_column(ForeignKey("ref_closure_reasons.code", ondelete="RESTRICT"))
    summary: Mapped[str] = mapped_column(Text, default="")
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)
    criticality: Mapped[int] = mapped_column(default=0, server_default="0")
    external_source: Mapped[str | None] = mapped_column(String(40))
    external_reference: Mapped[str | None] = mapped_column(String(40))

    household: Mapped[Household] = relationship()
    dwelling: Mapped[Dwelling] = relationship()
    agent: Mapped[User | None] = relationship()
    kinds: Mapped[list[CaseKind]] = relationship(secondary="case_kinds", order_by="CaseKind.position")
    objectives: Mapped[list[Objective]] = relationship(secondary="case_objectives", order_by="Objective.position")
    disorders: Mapped[list["CaseDisorder"]] = relationship(back_populates="case", cascade="all, delete-orphan")


class CaseKindLink(Base):
    __tablename__ = "case_kinds"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    kind_code: Mapped[str] = mapped_column(ForeignKey("ref_case_kinds.code", ondelete="RESTRICT"), primary_key=True)


class CaseObjective(Base):
    __tablename__ = "case_objectives"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id", ondelete="RESTRICT"), primary_key=True, index=True)


class CaseDisorder(Travelling, Base):
    """A disorder of the grid reported on a case, later confirmed or not by a visit."""

    __tablename__ = "case_disorders"
    __table_args__ = (
        CheckConstraint(check_in("state", DISORDER_STATES), name="state"),
        UniqueConstraint("case_id", "item_id", name="uq_case_disorders_case_item"),
        # Indicators count confirmations per visit: covering, so no lookups into the table.
        Index("ix_case_disorders_visit_state", "visit_id", "state", "item_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("disorder_items.id", ondelete="RESTRICT"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="signale")
    reported_on: Mapped[date] = mapped_column(Date)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    case: Mapped[Case] = relationship(back_populates="disorders")
    item: Mapped[DisorderItem] = relationship()
