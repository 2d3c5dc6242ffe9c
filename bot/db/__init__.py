"""The service database: one declarative base, one migration history, and the tables of
every feature store that shares it (tickets, the agents' queue, agents, review corrections).

Feature packages (``bot.tickets``, ``bot.handoff``) keep their repositories; composition
roots (the gateway, the action server, the CLIs) build them from :func:`open_database`.
"""
from __future__ import annotations

import threading

from sqlalchemy import Engine

from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.settings import Settings

_opened: dict[str, Engine] = {}
_opening = threading.Lock()


def open_database(settings: Settings) -> Engine:
    """The engine of the configured database, migrated to the latest schema on first use.

    One engine per URL and process. Alembic's migration context is process-global, so
    concurrent first calls (threads of the action server) wait for the first one.
    """
    url = settings.tickets_url
    with _opening:
        if url not in _opened:
            if url.startswith("sqlite"):
                settings.data_dir.mkdir(parents=True, exist_ok=True)
            upgrade(url)
            _opened[url] = make_engine(url)
        return _opened[url]


__all__ = ["open_database", "make_engine", "upgrade"]
