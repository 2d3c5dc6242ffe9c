"""The agents' queue: conversations handed over, taken, closed and rated.

Used by the action server (a customer asks for a person) and by the gateway (agents take
and close conversations). One short session per operation; blocking (async callers use
``asyncio.to_thread``).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Engine, func, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.clock import Clock
from bot.db.tables import Agent, Handoff, HandoffNote, HandoffReason, HandoffStatus

OPEN = (HandoffStatus.WAITING, HandoffStatus.ACTIVE)
LEFT_THE_QUEUE = "Le client a quitté la file d'attente."


class HandoffConflict(Exception):
    """The handoff is not in a state that allows this (already taken, already closed)."""


class HandoffQueue:
    """Create, take, close and rate handoffs."""

    def __init__(self, engine: Engine, clock: Clock = Clock()) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._clock = clock

    def request(self, conversation_id: str, reason: HandoffReason, now: datetime | None = None) -> Handoff:
        """Queue the conversation (or return its open handoff: asking twice queues once)."""
        with self._sessions() as session, session.begin():
            existing = self._open(session, conversation_id)
            if existing:
                return existing
            handoff = Handoff(conversation_id=conversation_id, reason=reason,
                              status=HandoffStatus.WAITING, requested_at=now or self._clock.now())
            session.add(handoff)
        return handoff

    @staticmethod
    def _open(session: Session, conversation_id: str) -> Handoff | None:
        return session.scalars(
            select(Handoff).where(Handoff.conversation_id == conversation_id,
                                  Handoff.status.in_(OPEN))
            .order_by(Handoff.id.desc())).first()

    def open_for(self, conversation_id: str) -> Handoff | None:
        """The conversation's waiting or active handoff, if any."""
        with self._sessions() as session:
            return self._open(session, conversation_id)

    def position(self, handoff: Handoff) -> int:
        """1 for the first waiting conversation, 2 for the next…"""
        with self._sessions() as session:
            ahead = session.scalar(select(func.count()).select_from(Handoff).where(
                Handoff.status == HandoffStatus.WAITING, Handoff.id < handoff.id))
        return int(ahead or 0) + 1

    def queue(self) -> list[Handoff]:
        """Waiting then active handoffs, oldest first."""
        with self._sessions() as session:
            return list(session.scalars(
                select(Handoff).options(selectinload(Handoff.notes))
                .where(Handoff.status.in_(OPEN)).order_by(Handoff.status.desc(), Handoff.id)))

    def for_conversation(self, conversation_id: str) -> list[Handoff]:
        """Every handoff of a conversation, oldest first."""
        with self._sessions() as session:
            return list(session.scalars(select(Handoff).where(
                Handoff.conversation_id == conversation_id).order_by(Handoff.id)))

    def get(self, handoff_id: int) -> Handoff | None:
        with self._sessions() as session:
            return session.scalars(select(Handoff).options(selectinload(Handoff.notes))
                                   .where(Handoff.id == handoff_id)).one_or_none()

    def _transition(self, conditions: list[ColumnElement[bool]], values: dict[str, Any]) -> bool:
        """One UPDATE guarded by the expected state: of two concurrent callers, one wins."""
        with self._sessions() as session, session.begin():
            return _guarded_update(session, conditions, values)

    def _changed(self, handoff_id: int) -> Handoff:
        """The handoff a transition has just changed."""
        handoff = self.get(handoff_id)
        if handoff is None:
            raise HandoffConflict("this handoff no longer exists")
        return handoff

    def take(self, handoff_id: int, agent_id: int, now: datetime | None = None) -> Handoff:
        """An agent takes a waiting conversation (only one agent can)."""
        if not self._transition([Handoff.id == handoff_id, Handoff.status == HandoffStatus.WAITING],
                                {"status": HandoffStatus.ACTIVE, "agent_id": agent_id,
                                 "taken_at": now or self._clock.now()}):
            raise HandoffConflict("this conversation is not waiting any more")
        return self._changed(handoff_id)

    def close(self, handoff_id: int, agent_id: int, resolution: str,
              now: datetime | None = None) -> Handoff:
        """The agent who took the conversation closes it with a resolution."""
        if not self._transition([Handoff.id == handoff_id, Handoff.status == HandoffStatus.ACTIVE,
                                 Handoff.agent_id == agent_id],
                                {"status": HandoffStatus.CLOSED, "closed_at": now or self._clock.now(),
                                 "resolution": resolution}):
            raise HandoffConflict("only the agent handling this conversation can close it")
        return self._changed(handoff_id)

    def leave(self, conversation_id: str, now: datetime | None = None) -> Handoff | None:
        """The customer leaves the queue before an agent took the conversation."""
        handoff = self.open_for(conversation_id)
        if handoff is None or not self._transition(
                [Handoff.id == handoff.id, Handoff.status == HandoffStatus.WAITING],
                {"status": HandoffStatus.CLOSED, "closed_at": now or self._clock.now(),
                 "resolution": LEFT_THE_QUEUE}):
            return None
        return self.get(handoff.id)

    def add_note(self, handoff_id: int, agent_id: int, author: str, text: str) -> None:
        """An internal note by the agent handling the conversation (HandoffConflict for
        anyone else, or once closed)."""
        with self._sessions() as session, session.begin():
            # A guarded no-op UPDATE: the check and the note are one transaction, and the
            # handoff's row stays locked until the note is in (a concurrent close waits).
            if not _guarded_update(session, [Handoff.id == handoff_id,
                                             Handoff.status == HandoffStatus.ACTIVE,
                                             Handoff.agent_id == agent_id],
                                   {"agent_id": agent_id}):
                raise HandoffConflict("only the agent handling this conversation can add notes")
            session.add(HandoffNote(handoff_id=handoff_id, author=author, text=text,
                                    at=self._clock.now()))

    def rate(self, conversation_id: str, rating: int, now: datetime | None = None) -> Handoff | None:
        """Store the customer's 1-5 rating on the latest closed, unrated handoff."""
        if not 1 <= rating <= 5:
            raise ValueError("a rating is 1 to 5")
        with self._sessions() as session, session.begin():
            handoff = session.scalars(
                select(Handoff).where(Handoff.conversation_id == conversation_id,
                                      Handoff.status == HandoffStatus.CLOSED,
                                      Handoff.rating.is_(None))
                .order_by(Handoff.id.desc())).first()
            if handoff is not None:
                handoff.rating, handoff.rated_at = rating, now or self._clock.now()
        return handoff

    def agent_name(self, agent_id: int | None) -> str:
        if agent_id is None:
            return ""
        with self._sessions() as session:
            agent = session.get(Agent, agent_id)
            return agent.display_name if agent else ""


def _guarded_update(session: Session, conditions: list[ColumnElement[bool]],
                    values: dict[str, Any]) -> bool:
    """Update the handoff that meets ``conditions`` (the expected state) in ``session``'s
    transaction; whether there was one."""
    # An UPDATE's result is a CursorResult (Session.execute is typed for any statement).
    result = cast(CursorResult[Any], session.execute(
        update(Handoff).where(*conditions).values(**values)
        .execution_options(synchronize_session=False)))
    return result.rowcount == 1
