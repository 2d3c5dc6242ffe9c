"""Agents, their console sessions and handed-off conversations (the tickets' database)."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.tickets.models import Base, UtcDateTime, utcnow


class Agent(Base):
    """A Service Clientèle agent who can log in to the console."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))   # argon2id
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AgentSession(Base):
    """A logged-in console session: only the token's hash is stored."""

    __tablename__ = "agent_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class HandoffStatus(str, enum.Enum):
    WAITING = "waiting"    # in the queue
    ACTIVE = "active"      # an agent took it
    CLOSED = "closed"      # the agent closed it; the bot is back


class Handoff(Base):
    """A conversation handed over to an agent: queue entry, resolution and the customer's rating."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(120), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    status: Mapped[HandoffStatus] = mapped_column(
        Enum(HandoffStatus, name="handoff_status", values_callable=lambda e: [m.value for m in e],
             validate_strings=True), default=HandoffStatus.WAITING, index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
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
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ReviewCorrection(Base):
    """An agent's verdict that the bot answered a customer message wrongly, with the right
    FAQ entry: exported for maintainers as a candidate training example."""

    __tablename__ = "review_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(120), index=True)
    text: Mapped[str] = mapped_column(Text)
    given_entry: Mapped[str | None] = mapped_column(String(80))
    right_entry: Mapped[str] = mapped_column(String(80))
    agent: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
