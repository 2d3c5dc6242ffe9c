"""Conversations handed over to an agent: the queue, notes, resolution and rating."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, UtcDateTime, enum_column


class HandoffStatus(str, enum.Enum):
    WAITING = "waiting"    # in the queue
    ACTIVE = "active"      # an agent took it
    CLOSED = "closed"      # the agent closed it; the bot is back


class HandoffReason(str, enum.Enum):
    """Why the customer was handed over (stored as its value, a plain string column)."""

    ASKED = "asked"                     # asked for a person
    NOT_UNDERSTOOD = "not_understood"   # the assistant failed to understand twice in a row
    VALIDATION = "validation"           # a form refused three answers in a row
    NOT_HELPFUL = "not_helpful"         # said an answer did not help


class Handoff(Base):
    """A conversation handed over to an agent: queue entry, resolution and the customer's rating."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(120), index=True)
    reason: Mapped[HandoffReason] = mapped_column(enum_column(HandoffReason, "handoff_reason",
                                                              native=False))
    status: Mapped[HandoffStatus] = mapped_column(
        enum_column(HandoffStatus, "handoff_status"), default=HandoffStatus.WAITING, index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolution: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    rated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    notes: Mapped[list[HandoffNote]] = relationship(order_by="HandoffNote.id",
                                                    cascade="all, delete-orphan")


class HandoffNote(Base):
    """An agent's internal note on a handed-off conversation (never shown to the customer)."""

    __tablename__ = "handoff_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"),
                                            index=True)
    author: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
