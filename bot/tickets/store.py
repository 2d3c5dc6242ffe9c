"""Repository of the ticket store: the only code that talks to its database.

One short session per operation (never shared between concurrent actions). Methods are
blocking; async callers (the action server) run them with ``asyncio.to_thread``.
"""
from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.clock import Clock
from bot.db.tables import Ticket, TicketEvent, TicketStatus
from bot.facts import TicketKind, format_reference

SYSTEM_ACTOR = "assistant"


class TicketNotFound(LookupError):
    """No ticket has this reference."""


@dataclass(frozen=True)
class NewTicket:
    """What a flow collected, ready to be filed (validated by the actions beforehand).

    Every ticket has the fields below; ``details`` holds the other columns of
    :class:`~bot.db.tables.Ticket` that the flow's questions filled (subject, phone…), by name.
    """

    kind: TicketKind
    category: str
    customer_name: str
    email: str
    consent_at: datetime
    conversation_id: str
    idempotency_key: str
    details: Mapping[str, Any] = field(default_factory=dict)


class TicketStore:
    """Create, find and update tickets."""

    def __init__(self, engine: Engine, clock: Clock = Clock()) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._clock = clock

    def _session(self) -> Session:
        return self._sessions()

    def file(self, new: NewTicket) -> Ticket:
        """Store a ticket and its first history entry in one transaction; return it.

        Filing the same submission again (same conversation and idempotency key) returns
        the ticket filed the first time instead of creating a duplicate.
        """
        existing = self._find_submission(new.conversation_id, new.idempotency_key)
        if existing:
            return existing
        with self._session() as session:
            try:
                with session.begin():
                    now = self._clock.now()
                    columns = asdict(new)
                    columns.update(columns.pop("details"))
                    ticket = Ticket(**columns, reference=f"pending-{new.idempotency_key[:12]}",
                                    status=TicketStatus.RECEIVED, created_at=now, updated_at=now)
                    session.add(ticket)
                    session.flush()  # assigns the id the reference is made of
                    ticket.reference = format_reference(new.kind, now.year, ticket.id)
                    session.add(TicketEvent(ticket=ticket, status=TicketStatus.RECEIVED,
                                            actor=SYSTEM_ACTOR, note="Déposé via l'assistant",
                                            at=now))
            except IntegrityError:
                # A concurrent retry of the same submission won the race: return its ticket.
                existing = self._find_submission(new.conversation_id, new.idempotency_key)
                if existing:
                    return existing
                raise
            return self.get(ticket.reference)

    def _find_submission(self, conversation_id: str, key: str) -> Ticket | None:
        with self._session() as session:
            query = (select(Ticket).options(selectinload(Ticket.history))
                     .where(Ticket.conversation_id == conversation_id,
                            Ticket.idempotency_key == key))
            return session.scalars(query).one_or_none()

    def get(self, reference: str) -> Ticket:
        """The ticket with this reference and its history, or :class:`TicketNotFound`."""
        with self._session() as session:
            query = (select(Ticket).options(selectinload(Ticket.history))
                     .where(Ticket.reference == reference.strip().upper()))
            ticket = session.scalars(query).one_or_none()
            if ticket is None:
                raise TicketNotFound(reference)
            return ticket

    def lookup(self, reference: str, email: str) -> Ticket | None:
        """The ticket only if both its reference and its e-mail match (case-insensitive)."""
        try:
            ticket = self.get(reference)
        except TicketNotFound:
            return None
        return ticket if ticket.email.casefold() == email.strip().casefold() else None

    def list(self, status: TicketStatus | None = None, kind: TicketKind | None = None,
             category: str | None = None, conversation_id: str | None = None,
             limit: int = 100) -> list[Ticket]:
        """Most recent tickets first, optionally filtered."""
        query = (select(Ticket).options(selectinload(Ticket.history))
                 .order_by(Ticket.id.desc()).limit(limit))
        if conversation_id:
            query = query.where(Ticket.conversation_id == conversation_id)
        if status:
            query = query.where(Ticket.status == status)
        if kind:
            query = query.where(Ticket.kind == kind)
        if category:
            query = query.where(Ticket.category == category)
        with self._session() as session:
            return list(session.scalars(query))

    def categories(self) -> builtins.list[str]:  # `list` is a method of this class
        """The categories tickets were filed under, alphabetically."""
        with self._session() as session:
            return sorted(session.scalars(select(Ticket.category).distinct()))

    def set_status(self, reference: str, status: TicketStatus, actor: str,
                   note: str | None = None) -> Ticket:
        """Change a ticket's status and record who did it, when and why."""
        if not actor.strip():
            raise ValueError("actor is required for the audit trail")
        with self._session() as session, session.begin():
            ticket = session.scalars(
                select(Ticket).where(Ticket.reference == reference.strip().upper())).one_or_none()
            if ticket is None:
                raise TicketNotFound(reference)
            now = self._clock.now()
            ticket.status, ticket.updated_at = status, now
            session.add(TicketEvent(ticket=ticket, status=status, actor=actor.strip(), note=note,
                                    at=now))
        return self.get(reference)

    def conversations_of(self, reference: str | None = None,
                         email: str | None = None) -> set[str]:
        """Ids of the conversations in which tickets with this reference or e-mail were filed."""
        query = select(Ticket.conversation_id)
        if reference is not None:
            query = query.where(Ticket.reference == reference.strip().upper())
        if email is not None:
            query = query.where(func.lower(Ticket.email) == email.strip().lower())
        with self._session() as session:
            return set(session.scalars(query))
