"""Tickets (requests and notices filed by the assistant) and their status history."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.base import Base, UtcDateTime, enum_column
from bot.facts import TicketKind


class TicketStatus(str, enum.Enum):
    """Life cycle of a ticket, as the customer's status lookup shows it."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    WAITING_FOR_CUSTOMER = "waiting_for_customer"
    RESOLVED = "resolved"
    REJECTED = "rejected"


_STATUS = enum_column(TicketStatus, "ticket_status")


def _shown(label: str) -> dict[str, Any]:
    """``info`` of a column the console shows on a ticket's page, under this French label."""
    return {"label": label}


def is_set(value: Any) -> bool:
    """Whether a column's value is worth showing (an unticked box is not)."""
    return value is not None and value is not False and value != ""


class Ticket(Base):
    """A request or notice, with the customer's contact details and consent.

    The console shows the columns that carry a label (``info``), in this order; the command
    line shows every column but the technical keys.
    """

    __tablename__ = "tickets"
    __table_args__ = (UniqueConstraint("conversation_id", "idempotency_key",
                                       name="uq_tickets_submission"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True, index=True)
    kind: Mapped[TicketKind] = mapped_column(enum_column(TicketKind, "ticket_kind"))
    category: Mapped[str] = mapped_column(String(60))
    status: Mapped[TicketStatus] = mapped_column(_STATUS)
    subject: Mapped[str | None] = mapped_column(String(200), info=_shown("Objet"))
    description: Mapped[str | None] = mapped_column(Text, info=_shown("Description"))
    contract_number: Mapped[str | None] = mapped_column(String(40),
                                                        info=_shown("Numéro de contrat"))
    requested_end_date: Mapped[date | None] = mapped_column(Date,
                                                           info=_shown("Date de fin demandée"))
    reason: Mapped[str | None] = mapped_column(Text, info=_shown("Motif"))
    customer_name: Mapped[str] = mapped_column(String(120), info=_shown("Client"))
    company: Mapped[str | None] = mapped_column(String(120), info=_shown("Société"))
    email: Mapped[str] = mapped_column(String(254), index=True, info=_shown("E-mail"))
    phone: Mapped[str | None] = mapped_column(String(32), info=_shown("Téléphone"))
    consent_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), info=_shown("Accord protection des données"))
    signature_name: Mapped[str | None] = mapped_column(String(120), info=_shown("Signature"))
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Licence terminations: the customer confirmed that every copy will be destroyed.
    destruction_confirmed: Mapped[bool] = mapped_column(
        Boolean, default=False, info=_shown("Destruction des copies confirmée"))
    conversation_id: Mapped[str] = mapped_column(String(120), index=True)
    # Same conversation + same confirmation = same submission: a retry never duplicates.
    idempotency_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    history: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan")

    def labelled(self) -> list[tuple[str, Any]]:
        """(French label, value) of the labelled columns that are set, in column order."""
        found = [(column.info["label"], getattr(self, column.key))
                 for column in self.__table__.columns if "label" in column.info]
        return [(label, value) for label, value in found if is_set(value)]


class TicketEvent(Base):
    """One entry of a ticket's audit trail: a status set by someone at some time."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    status: Mapped[TicketStatus] = mapped_column(_STATUS)
    actor: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    ticket: Mapped[Ticket] = relationship(back_populates="history")
