"""What the action server reads and writes: the service database (tickets, the agents'
queue) and the FAQ corpus.

The action server's composition root for its stores: the database is opened (and migrated)
once per process, each repository is built from its engine, and every call runs in a
worker thread with a session of its own (rasa-sdk runs actions on its event loop, and
SQLAlchemy's calls block). The corpus is indexed once per process and read again only
when one of its files changes.
"""
from __future__ import annotations

import asyncio
from functools import lru_cache

from bot.corpus import CorpusIndex, FaqEntry
from bot.db import open_database
from bot.db.tables import Handoff, HandoffReason, Ticket
from bot.handoff.queue import HandoffQueue
from bot.settings import load_settings
from bot.tickets.store import NewTicket, TicketStore


@lru_cache(maxsize=1)
def _tickets() -> TicketStore:
    settings = load_settings()
    return TicketStore(open_database(settings), settings.clock)


@lru_cache(maxsize=1)
def _queue() -> HandoffQueue:
    settings = load_settings()
    return HandoffQueue(open_database(settings), settings.clock)


@lru_cache(maxsize=1)
def _corpus() -> CorpusIndex:
    return CorpusIndex(load_settings().corpus_dir)


def faq_entries() -> dict[str, FaqEntry]:
    """The FAQ entries by id, as the corpus files are now."""
    return _corpus().entries()


async def lookup(reference: str, email: str) -> Ticket | None:
    """The ticket if reference and e-mail both match, else None."""
    return await asyncio.to_thread(lambda: _tickets().lookup(reference, email))


async def file_ticket(new: NewTicket) -> Ticket:
    """File a ticket (idempotent for the same conversation and key)."""
    return await asyncio.to_thread(lambda: _tickets().file(new))


async def request_handoff(conversation_id: str, reason: HandoffReason) -> tuple[Handoff, int]:
    """Queue the conversation for an agent; its handoff and place in the queue."""
    def queue() -> tuple[Handoff, int]:
        handoff = _queue().request(conversation_id, reason)
        return handoff, _queue().position(handoff)
    return await asyncio.to_thread(queue)


async def rate_handoff(conversation_id: str, rating: int) -> Handoff | None:
    return await asyncio.to_thread(lambda: _queue().rate(conversation_id, rating))
