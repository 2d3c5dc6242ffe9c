"""The agent console (server-rendered, French), an aiohttp sub-application the gateway
mounts at ``/console``, one module per concern:

- ``auth``: login, logout, and the guard every console request passes (session, Origin,
  CSRF; see its docstring for the rules);
- ``tickets``: the tickets, their status;
- ``handoffs``: the queue of handed-off conversations, live chat, notes, closing;
- ``conversations``: search of past conversations, a transcript, the review of an answer;
- ``rendering``: templates and labels; ``state``: the typed keys of the app and requests.
"""
from __future__ import annotations

from aiohttp import web

from bot.clock import Clock
from bot.corpus import CorpusIndex
from bot.handoff.agents import AgentStore
from bot.handoff.queue import HandoffQueue
from bot.handoff.review import ReviewLog
from bot.tickets.store import TicketStore
from bot.web.console import auth, conversations, handoffs
from bot.web.console import tickets as ticket_pages
from bot.web.console.state import (
    AGENTS,
    CLOCK,
    CORPUS,
    HUB,
    QUEUE,
    RASA,
    REVIEWS,
    SEARCH,
    TICKETS,
)
from bot.web.hub import ConversationHub
from bot.web.rasa import RasaClient
from bot.web.search import ConversationSearch


def console_app(*, agents: AgentStore, tickets: TicketStore, queue: HandoffQueue,
                reviews: ReviewLog, rasa: RasaClient, hub: ConversationHub, corpus: CorpusIndex,
                search: ConversationSearch, clock: Clock) -> web.Application:
    """The console, to mount with ``app.add_subapp("/console", console_app(...))``."""
    app = web.Application(middlewares=[auth.guard])
    app[AGENTS] = agents
    app[TICKETS] = tickets
    app[QUEUE] = queue
    app[REVIEWS] = reviews
    app[RASA] = rasa
    app[HUB] = hub
    app[CORPUS] = corpus
    app[SEARCH] = search
    app[CLOCK] = clock
    for routes in (auth.routes, ticket_pages.routes, handoffs.routes, conversations.routes):
        app.add_routes(routes)
    return app
