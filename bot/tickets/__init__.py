"""The ticket store: requests and notices filed by the assistant, with their history."""
from __future__ import annotations

from bot.settings import Settings
from bot.tickets.migrate import upgrade
from bot.tickets.store import TicketStore, make_engine


def open_store(settings: Settings) -> TicketStore:
    """The configured store, its schema brought up to date (created on first run)."""
    if settings.tickets_url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.tickets_url)
    return TicketStore(make_engine(settings.tickets_url))
