"""Referrals, relocation follow-ups and proposals, commissions."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Travelling, check_in
from db.models.cases import Case
from db.models.places import Partner
from db.vocab import (
    CAL_DECISIONS,
    COMMISSION_KINDS,
    HOUSEHOLD_DECISIONS,
    REFERRAL_STATUSES,
    RELOCATION_STATUSES,
    TYPOLOGIES,
)


class Referral(Travelling, Base):
    """Saisine: a case sent to a partner."""

    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(check_in("status", REFERRAL_STATUSES), name="status"),
        CheckConstraint("expected_answer_on IS NULL OR expected_answer_on >= sent_on", name="answer_after_sent"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    sent_on: Mapped[date] = mapped_column(Date)
    expected_answer_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="nouvelle")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    case: Mapped[Case] = relationship()
    partner: Mapped[Partner] = relationship()


class Relocation(Travelling, Base):
    """Suivi de relogement of a case's household."""

    __tablename__ = "relocations"
    __table_args__ = (
        CheckConstraint(check_in("status", RELOCATION_STATUSES), name="status"),
        CheckConstraint(f"needed_typology IS NULL OR {check_in('needed_typology', TYPOLOGIES)}", name="typology"),
        CheckConstraint("status <> 'reloge' OR rehoused_on IS NOT NULL", name="rehoused_has_date"),
        CheckConstraint("max_rent IS NULL OR max_rent >= 0", name="max_rent_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    reason: Mapped[str] = mapped_column(ForeignKey("ref_relocation_reasons.code", ondelete="RESTRICT"))
    opened_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="en_cours", index=True)
    sne_number: Mapped[str] = mapped_column(String(40), default="")
    sne_filed_on: Mapped[date | None] = mapped_column(Date)
    dalo_recognized_on: Mapped[date | None] = mapped_column(Date)
    syplo_labelled: Mapped[bool] = mapped_column(Boolean, default=False)
    needed_typology: Mapped[str | None] = mapped_column(String(5))
    max_rent: Mapped[float | None] = mapped_column(Float)
    wished_communes: Mapped[str] = mapped_column(Text, default="")
    needs_accessibility: Mapped[bool] = mapped_column(Boolean, default=False)
    floor_or_lift: Mapped[str] = mapped_column(String(200), default="")
    rehoused_on: Mapped[date | None] = mapped_column(Date)
    new_address: Mapped[str] = mapped_column(String(300), default="")
    new_in_qpv: Mapped[bool | None] = mapped_column(Boolean)
    new_is_recent: Mapped[bool | None] = mapped_column(Boolean)
    charge_before: Mapped[float | None] = mapped_column(Float)
    charge_after: Mapped[float | None] = mapped_column(Float)
    abandon_reason: Mapped[str] = mapped_column(Text, default="")
    case: Mapped[Case] = relationship()
    proposals: Mapped[list["Proposal"]] = relationship(
        back_populates="relocation", cascade="all, delete-orphan", order_by="Proposal.proposed_on"
    )


class Proposal(Travelling, Base):
    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(f"cal_decision IS NULL OR {check_in('cal_decision', CAL_DECISIONS)}", name="cal_decision"),
        CheckConstraint(check_in("household_decision", HOUSEHOLD_DECISIONS), name="household_decision"),
        CheckConstraint("cal_date IS NULL OR cal_date >= proposed_on", name="cal_after_proposal"),
        CheckConstraint("rent IS NULL OR rent >= 0", name="rent_positive"),
        CheckConstraint("charges IS NULL OR charges >= 0", name="charges_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    relocation_id: Mapped[int] = mapped_column(ForeignKey("relocations.id", ondelete="CASCADE"), index=True)
    proposed_on: Mapped[date] = mapped_column(Date)
    landlord_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"))
    dwelling_description: Mapped[str] = mapped_column(String(300), default="")
    typology: Mapped[str | None] = mapped_column(String(5))
    in_qpv: Mapped[bool | None] = mapped_column(Boolean)
    rent: Mapped[float | None] = mapped_column(Float)
    charges: Mapped[float | None] = mapped_column(Float)
    cal_date: Mapped[date | None] = mapped_column(Date)
    cal_decision: Mapped[str | None] = mapped_column(String(20))
    household_decision: Mapped[str] = mapped_column(String(20), default="en_attente")
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    relocation: Mapped[Relocation] = relationship(back_populates="proposals")
    landlord: Mapped[Partner | None] = relationship()


class Commission(Travelling, Base):
    __tablename__ = "commissions"
    __table_args__ = (CheckConstraint(check_in("kind", COMMISSION_KINDS), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    participants: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[list["CommissionItem"]] = relationship(
        back_populates="commission", cascade="all, delete-orphan", order_by="CommissionItem.position"
    )


class CommissionItem(Base):
    __tablename__ = "commission_items"
    __table_args__ = (UniqueConstraint("commission_id", "case_id", name="uq_commission_items_commission_case"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    presentation: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    commission: Mapped[Commission] = relationship(back_populates="items")
    case: Mapped[Case] = relationship()
