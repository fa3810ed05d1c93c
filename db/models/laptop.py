"""Field laptops: cases checked out of the office base, merged back at check-in (core/laptop).

Office side: `checkouts` (who took which cases, when, to which laptop base), `checkout_cases`,
`checkins` (applied check-ins: a second run finds its row and changes nothing) and `merge_conflicts`
(the same field changed differently on both sides, kept for a person to settle). Any base: `tombstones`
(deletions of travelling records, so a deletion is reported with who and when). Laptop side:
`laptop_origin` (one row: which checkout this base comes from) and `checkout_snapshots` (every record
as it was taken out: the base of the three-way merge).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, check_in, now

CHECKOUT_STATES = ("sorti", "rapporte")
CONFLICT_STATUSES = ("ouvert", "regle")


class Checkout(Base):
    __tablename__ = "checkouts"
    __table_args__ = (CheckConstraint(check_in("state", CHECKOUT_STATES), name="state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the record outlives accounts
    user_login: Mapped[str] = mapped_column(String(60), default="")
    user_name: Mapped[str] = mapped_column(String(160), default="")
    taken_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    target_label: Mapped[str] = mapped_column(String(500), default="")
    encrypted: Mapped[bool] = mapped_column(default=True)
    selection: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(20), default="sorti", index=True)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)


class CheckoutCase(Base):
    __tablename__ = "checkout_cases"
    checkout_id: Mapped[int] = mapped_column(ForeignKey("checkouts.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True)


class Checkin(Base):
    """One applied check-in: the digest of the laptop content it brought; the same content again changes nothing."""

    __tablename__ = "checkins"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkout_uuid: Mapped[str] = mapped_column(String(36), index=True)
    applied_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    user_login: Mapped[str] = mapped_column(String(60), default="")
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")  # the report, JSON


class MergeConflict(Base):
    __tablename__ = "merge_conflicts"
    __table_args__ = (CheckConstraint(check_in("status", CONFLICT_STATUSES), name="status"),
                      Index("ix_merge_conflicts_status_checkout", "status", "checkout_uuid"))
    id: Mapped[int] = mapped_column(primary_key=True)
    checkout_uuid: Mapped[str] = mapped_column(String(36), index=True)
    table_name: Mapped[str] = mapped_column(String(60))
    record_uuid: Mapped[str] = mapped_column(String(36))
    case_uuid: Mapped[str] = mapped_column(String(36), default="")
    case_reference: Mapped[str] = mapped_column(String(20), default="")
    field: Mapped[str] = mapped_column(String(60))  # a column, or "*" for the whole record (deletion, creation)
    base_value: Mapped[str | None] = mapped_column(Text)  # JSON; null: absent
    office_value: Mapped[str | None] = mapped_column(Text)
    laptop_value: Mapped[str | None] = mapped_column(Text)
    office_by: Mapped[str] = mapped_column(String(60), default="")
    office_at: Mapped[datetime | None] = mapped_column(DateTime)
    laptop_by: Mapped[str] = mapped_column(String(60), default="")
    laptop_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), default="ouvert")
    settled_by: Mapped[str] = mapped_column(String(60), default="")
    settled_at: Mapped[datetime | None] = mapped_column(DateTime)
    chosen_value: Mapped[str | None] = mapped_column(Text)


class Tombstone(Base):
    __tablename__ = "tombstones"
    __table_args__ = (Index("ix_tombstones_table_uuid", "table_name", "record_uuid"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(60))
    record_uuid: Mapped[str] = mapped_column(String(36))
    deleted_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    deleted_by: Mapped[str] = mapped_column(String(60), default="")


class LaptopOrigin(Base):
    """In a laptop base only: the checkout it was written by (one row)."""

    __tablename__ = "laptop_origin"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkout_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    office_label: Mapped[str] = mapped_column(String(500), default="")
    holder_login: Mapped[str] = mapped_column(String(60), default="")
    taken_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    audit_mark: Mapped[int] = mapped_column(Integer, default=0)  # last audit event id at check-out
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)


class CheckoutSnapshot(Base):
    """In a laptop base only: a record as taken out (JSON, references to travelling records as uuids)."""

    __tablename__ = "checkout_snapshots"
    __table_args__ = (UniqueConstraint("table_name", "record_key", name="uq_checkout_snapshots_table_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(60))
    record_key: Mapped[str] = mapped_column(String(300))
    data: Mapped[str] = mapped_column(Text)
