"""Tasks (échéances), journal entries and attachments."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from db.base import Base, Travelling, check_in, now
from db.models.cases import Case
from db.models.people import User
from db.vocab import JOURNAL_KINDS


class Task(Travelling, Base):
    """Échéance: made by a person, or derived by a reminder rule (rule_key set)."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_assignee_open", "assignee_id", "done_on", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    rule_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    case: Mapped[Case | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])


class JournalEntry(Travelling, Base):
    __tablename__ = "journal_entries"
    __table_args__ = (
        CheckConstraint(check_in("kind", JOURNAL_KINDS), name="kind"),
        Index("ix_journal_entries_case_time", "case_id", "occurred_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    kind: Mapped[str] = mapped_column(String(20), default="note")
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    shareable: Mapped[bool] = mapped_column(Boolean, default=False)
    author: Mapped[User | None] = relationship()


class Attachment(Travelling, Base):
    """A photo or document; its bytes stay in the database so backups carry them."""

    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"), index=True)
    case_disorder_id: Mapped[int | None] = mapped_column(ForeignKey("case_disorders.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
    caption: Mapped[str] = mapped_column(Text, default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
