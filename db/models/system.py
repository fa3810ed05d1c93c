"""Audit trail, settings, drafts of long forms, saved filters."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, now


class AuditEvent(Base):
    """Append-only (triggers refuse UPDATE/DELETE) and hash-chained."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the trail outlives accounts
    user_login: Mapped[str] = mapped_column(String(60), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[str] = mapped_column(String(40), default="")
    details: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
    # HMAC of `details` alone: the chain covers it, so anonymising the details later keeps who/when/what provable.
    details_digest: Mapped[str] = mapped_column(String(64), default="")
    # Which secret sealed the event ("" for events sealed before secrets existed: plain SHA-256).
    key_id: Mapped[str] = mapped_column(String(32), default="")


class LoginThrottle(Base):
    """Failed logins counted per login name (known or not) and per workstation, updated atomically."""

    __tablename__ = "login_throttles"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime)


class ReferenceCounter(Base):
    """The last case number given out for a year (2026 -> 42 gives 2026-00042).

    Taken with an atomic upsert in the creating transaction: seats creating cases at the same moment
    wait on this one row instead of colliding on the unique reference, and a creation that rolls back
    gives its number back, so references stay contiguous (a sequence would leave gaps)."""

    __tablename__ = "reference_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Draft(Base):
    """Unsaved text of a long form, kept so a crash loses no typing."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("user_id", "form_key", name="uq_drafts_user_form"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    form_key: Mapped[str] = mapped_column(String(120))
    content: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)


class SavedFilter(Base):
    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_filters_user_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    definition: Mapped[str] = mapped_column(Text)
