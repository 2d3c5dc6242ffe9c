"""The ticket store as the actions use it: opened once per process, called off the event loop.

rasa-sdk runs actions on its event loop; the store's calls block (SQLAlchemy), so each one
runs in a worker thread, with a session of its own.
"""
from __future__ import annotations

import asyncio
from functools import lru_cache

from bot.settings import load_settings
from bot.tickets import open_store
from bot.tickets.models import Ticket
from bot.tickets.store import NewTicket, TicketStore


@lru_cache(maxsize=1)
def _store() -> TicketStore:
    return open_store(load_settings())


async def lookup(reference: str, email: str) -> Ticket | None:
    """The ticket if reference and e-mail both match, else None."""
    return await asyncio.to_thread(lambda: _store().lookup(reference, email))


async def file_ticket(new: NewTicket) -> Ticket:
    """File a ticket (idempotent for the same conversation and key)."""
    return await asyncio.to_thread(lambda: _store().file(new))
