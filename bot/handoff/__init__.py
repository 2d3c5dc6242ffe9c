"""Handing a conversation over to a human agent: opening hours, agents and their console."""
from __future__ import annotations

from bot.settings import Settings


def open_agent_store(settings: Settings):  # type: ignore[no-untyped-def]
    """The agents' accounts, in the service database (migrated on first use)."""
    from bot.handoff.agents import AgentStore
    from bot.tickets import open_store

    return AgentStore(open_store(settings).engine)
