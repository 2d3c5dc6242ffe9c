"""The console's typed state: its collaborators, on the sub-application, and the agent's
session, on each request the guard let through."""
from __future__ import annotations

from aiohttp import web

from bot.clock import Clock
from bot.corpus import CorpusIndex
from bot.handoff.agents import AgentStore, ConsoleSession
from bot.handoff.queue import HandoffQueue
from bot.handoff.review import ReviewLog
from bot.tickets.store import TicketStore
from bot.web.hub import ConversationHub
from bot.web.rasa import RasaClient
from bot.web.search import ConversationSearch

AGENTS = web.AppKey("agents", AgentStore)
TICKETS = web.AppKey("tickets", TicketStore)
QUEUE = web.AppKey("queue", HandoffQueue)
REVIEWS = web.AppKey("reviews", ReviewLog)
RASA = web.AppKey("rasa", RasaClient)
HUB = web.AppKey("hub", ConversationHub)
CORPUS = web.AppKey("corpus", CorpusIndex)
SEARCH = web.AppKey("search", ConversationSearch)
CLOCK = web.AppKey("clock", Clock)
SESSION = web.RequestKey("console_session", ConsoleSession)
