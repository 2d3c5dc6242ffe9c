"""SQLAlchemy models of the ticket store (2.0-style typed mappings)."""
from __future__ import annotations

import enum
from datetime import date, datetime, timezone

from sqlalchemy import Boolean, Date, DateTime, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend (SQLite drops zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC)")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base of the ticket store."""


class TicketKind(str, enum.Enum):
    """What the customer filed; the reference prefix follows from it."""

    REQUEST = "request"                      # DEM-: structured request ("Mes demandes en ligne")
    MAINTENANCE_CANCELLATION = "maintenance_cancellation"  # RES-: maintenance contract notice
    LICENCE_TERMINATION = "licence_termination"            # LIC-: monthly licence termination
    CONTRACT_COPY = "contract_copy"          # COP-: copy of a contract

    @property
    def prefix(self) -> str:
        return {"request": "DEM", "maintenance_cancellation": "RES",
                "licence_termination": "LIC", "contract_copy": "COP"}[self.value]


class TicketStatus(str, enum.Enum):
    """Life cycle of a ticket, as the customer's status lookup shows it."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    WAITING_FOR_CUSTOMER = "waiting_for_customer"
    RESOLVED = "resolved"
    REJECTED = "rejected"


_KIND = Enum(TicketKind, name="ticket_kind", values_callable=lambda e: [m.value for m in e],
             validate_strings=True)
_STATUS = Enum(TicketStatus, name="ticket_status", values_callable=lambda e: [m.value for m in e],
               validate_strings=True)


class Ticket(Base):
    """A request or notice, with the customer's contact details and consent."""

    __tablename__ = "tickets"
    __table_args__ = (UniqueConstraint("conversation_id", "idempotency_key",
                                       name="uq_tickets_submission"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True, index=True)
    kind: Mapped[TicketKind] = mapped_column(_KIND)
    category: Mapped[str] = mapped_column(String(60))
    status: Mapped[TicketStatus] = mapped_column(_STATUS, default=TicketStatus.RECEIVED)
    subject: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    contract_number: Mapped[str | None] = mapped_column(String(40))
    requested_end_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    customer_name: Mapped[str] = mapped_column(String(120))
    company: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    consent_at: Mapped[datetime] = mapped_column(UtcDateTime())
    signature_name: Mapped[str | None] = mapped_column(String(120))
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Licence terminations: the customer confirmed that every copy will be destroyed.
    destruction_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    conversation_id: Mapped[str] = mapped_column(String(120), index=True)
    # Same conversation + same confirmation = same submission: a retry never duplicates.
    idempotency_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow,
                                                 onupdate=utcnow)

    history: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan")


class TicketEvent(Base):
    """One entry of a ticket's audit trail: a status set by someone at some time."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    status: Mapped[TicketStatus] = mapped_column(_STATUS)
    actor: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="history")
