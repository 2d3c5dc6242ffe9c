"""Every table of the service database, one module per feature; importing this package
registers them all on :data:`bot.db.base.Base.metadata` (what the migrations compare to)."""
from __future__ import annotations

from bot.db.tables.agents import Agent, AgentSession
from bot.db.tables.handoffs import Handoff, HandoffNote, HandoffReason, HandoffStatus
from bot.db.tables.reviews import ReviewCorrection
from bot.db.tables.tickets import Ticket, TicketEvent, TicketStatus

__all__ = ["Agent", "AgentSession", "Handoff", "HandoffNote", "HandoffReason", "HandoffStatus",
           "ReviewCorrection", "Ticket", "TicketEvent", "TicketStatus"]
