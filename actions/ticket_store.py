"""The service database as the actions use it (tickets, agents' queue): opened once per
process, called off the event loop.

rasa-sdk runs actions on its event loop; the store's calls block (SQLAlchemy), so each one
runs in a worker thread, with a session of its own.
"""
from __future__ import annotations

import asyncio
import threading
from functools import lru_cache

from bot.handoff.models import Handoff
from bot.handoff.queue import HandoffQueue
from bot.settings import load_settings
from bot.tickets import open_store
from bot.tickets.models import Ticket
from bot.tickets.store import NewTicket, TicketStore


_opening = threading.Lock()


def _store() -> TicketStore:
    """The store, opened (and migrated) by the first caller; concurrent first calls wait.

    Alembic's migration context is process-global: two threads migrating at once fail.
    """
    with _opening:
        return _open_store()


@lru_cache(maxsize=1)
def _open_store() -> TicketStore:
    return open_store(load_settings())


async def lookup(reference: str, email: str) -> Ticket | None:
    """The ticket if reference and e-mail both match, else None."""
    return await asyncio.to_thread(lambda: _store().lookup(reference, email))


async def file_ticket(new: NewTicket) -> Ticket:
    """File a ticket (idempotent for the same conversation and key)."""
    return await asyncio.to_thread(lambda: _store().file(new))


@lru_cache(maxsize=1)
def _queue() -> HandoffQueue:
    return HandoffQueue(_store().engine)


async def request_handoff(conversation_id: str, reason: str) -> tuple[Handoff, int]:
    """Queue the conversation for an agent; its handoff and place in the queue."""
    def queue() -> tuple[Handoff, int]:
        handoff = _queue().request(conversation_id, reason)
        return handoff, _queue().position(handoff)
    return await asyncio.to_thread(queue)


async def rate_handoff(conversation_id: str, rating: int) -> Handoff | None:
    return await asyncio.to_thread(lambda: _queue().rate(conversation_id, rating))
