"""What another system said about a case imported from it (the national platform « Signal Logement »).

Kept apart from the case: the platform's own words (status, closure reason,
disorders outside our grid) and, per field, a fingerprint of the value the last
import wrote, so that a later import changes only what no agent has changed here.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, now


class ExternalRecord(Base):
    __tablename__ = "case_external_records"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    platform_status: Mapped[str] = mapped_column(String(80), default="")
    platform_closure_reason: Mapped[str] = mapped_column(String(200), default="")
    platform_closure_comment: Mapped[str] = mapped_column(Text, default="")
    unmatched_disorders: Mapped[str] = mapped_column(Text, default="")
    last_visit: Mapped[str] = mapped_column(Text, default="")
    platform_updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    # JSON {field: short hash of the value written by the last import}: hashes, not values, so that
    # anonymising a household leaves no personal data behind here.
    fingerprints: Mapped[str] = mapped_column(Text, default="{}")
