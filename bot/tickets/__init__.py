"""The ticket store: requests and notices filed by the assistant, with their history."""
from __future__ import annotations

from bot.db import open_database
from bot.settings import Settings
from bot.tickets.store import TicketStore


def open_store(settings: Settings) -> TicketStore:
    """The configured store, on the service database (migrated on first use)."""
    return TicketStore(open_database(settings), settings.clock)
