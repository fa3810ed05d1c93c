"""Reference data an administrator can edit: loaded from resources/reference/."""
from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, check_in
from db.vocab import ZONES


class RefMixin:
    """A small vocabulary keyed by a stable code, with a French label."""

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PartnerType(RefMixin, Base):
    __tablename__ = "ref_partner_types"


class VisitType(RefMixin, Base):
    __tablename__ = "ref_visit_types"
    collective: Mapped[bool] = mapped_column(Boolean, default=False)


class ProcedureType(RefMixin, Base):
    __tablename__ = "ref_procedure_types"


class ClosureReason(RefMixin, Base):
    __tablename__ = "ref_closure_reasons"


class RelocationReason(RefMixin, Base):
    __tablename__ = "ref_relocation_reasons"


class CaseKind(RefMixin, Base):
    __tablename__ = "ref_case_kinds"


class CaseSource(RefMixin, Base):
    __tablename__ = "ref_case_sources"


class Objective(Base):
    __tablename__ = "objectives"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    label: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    lines: Mapped[list["LineOfAction"]] = relationship(
        back_populates="objective", order_by="LineOfAction.position", cascade="all, delete-orphan"
    )


class LineOfAction(Base):
    __tablename__ = "lines_of_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objectives.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    label: Mapped[str] = mapped_column(String(400))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    objective: Mapped[Objective] = relationship(back_populates="lines")


class DisorderItem(Base):
    """One line of the disorder grid."""

    __tablename__ = "disorder_items"
    __table_args__ = (
        CheckConstraint(check_in("zone", ZONES), name="zone"),
        CheckConstraint("weight >= 0 AND weight <= 100", name="weight_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    zone: Mapped[str] = mapped_column(String(20))
    theme: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(300))
    weight: Mapped[int] = mapped_column(Integer)
    is_danger: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    procedures: Mapped[list[ProcedureType]] = relationship(secondary="disorder_item_procedures", order_by="ProcedureType.position")


class DisorderItemProcedure(Base):
    __tablename__ = "disorder_item_procedures"
    item_id: Mapped[int] = mapped_column(ForeignKey("disorder_items.id", ondelete="CASCADE"), primary_key=True)
    procedure_code: Mapped[str] = mapped_column(
        ForeignKey("ref_procedure_types.code", ondelete="CASCADE"), primary_key=True
    )
