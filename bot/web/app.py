"""The gateway: the assistant's only public surface (widget, demo page, customer socket,
agent console).

Rasa and the action server listen on localhost; the gateway talks to Rasa with the API
token and never exposes Rasa's own HTTP API.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import yaml
from aiohttp import web
from sqlalchemy import Engine

from bot.corpus import CorpusIndex
from bot.db import open_database
from bot.handoff.agents import AgentStore
from bot.handoff.queue import HandoffQueue
from bot.handoff.review import ReviewLog
from bot.services import api_token
from bot.settings import Settings, load_settings
from bot.tickets.store import TicketStore
from bot.web.console import console_app
from bot.web.customer import CustomerSocket, welcome_turn
from bot.web.demo import demo_page
from bot.web.hub import ConversationHub
from bot.web.rasa import RasaClient
from bot.web.safety import RateLimiter, parse_rate
from bot.web.search import ConversationSearch

HERE = Path(__file__).resolve().parent
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATIC = HERE / "static"
RASA_CLIENT = web.AppKey("rasa", RasaClient)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": ("default-src 'self'; style-src 'self'; script-src 'self'; "
                                "connect-src 'self' ws: wss:; img-src 'self' data:; "
                                "frame-ancestors 'none'"),
}


def create_app(settings: Settings, rasa: RasaClient) -> web.Application:
    """The gateway application (factory, as in aiohttp-demos)."""
    app = web.Application(middlewares=[_security_headers])
    app[RASA_CLIENT] = rasa
    domain = yaml.safe_load((settings.root / "domain.yml").read_text(encoding="utf-8"))
    database = open_database(settings)  # migrated on first use, like the action server's
    queue = HandoffQueue(database, settings.clock)
    tickets = TicketStore(database, settings.clock)
    hub = ConversationHub()   # where customers' tabs and agents' pages meet
    customers = CustomerSocket(
        rasa, welcome_turn(domain["responses"]["utter_greet"][0]), settings.origins,
        RateLimiter(*parse_rate(settings.rate_per_session)),
        RateLimiter(*parse_rate(settings.rate_per_ip)), queue, hub)
    search = ConversationSearch(settings.tracker_database_url, tickets)
    demo = demo_page(HERE / "seed_faq.txt")

    async def index(request: web.Request) -> web.Response:
        return web.Response(text=demo, content_type="text/html")

    async def health(request: web.Request) -> web.Response:
        """200 while one Rasa process answers (the gateway routes around the others)."""
        up, servers = await rasa.servers_up(), len(rasa.base_urls)
        rasa_state = "ok" if up == servers else f"{up} of {servers} up" if up else "unavailable"
        return web.json_response({"status": "ok" if up == servers else "degraded",
                                  "rasa": rasa_state}, status=200 if up else 503)

    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_get("/ws", customers.handle)
    app.router.add_static("/static/", STATIC)
    app.router.add_get("/widget.js", _file(STATIC / "widget.js", "application/javascript"))
    app.add_subapp("/console", console_app(
        agents=AgentStore(database, settings.clock), tickets=tickets, queue=queue,
        reviews=ReviewLog(database, settings.clock), rasa=rasa, hub=hub,
        corpus=CorpusIndex(settings.corpus_dir), search=search, clock=settings.clock))
    app.cleanup_ctx.append(_rasa_session)
    app.cleanup_ctx.append(_disposed_on_cleanup(database, search.events))
    return app


@web.middleware
async def _security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if request.path != "/widget.js":  # the widget script is embedded by other sites
        response.headers.update(SECURITY_HEADERS)
    return response


def _file(path: Path, content_type: str) -> Callable[[web.Request], Awaitable[web.FileResponse]]:
    """A handler serving one file, revalidated by browsers on every load."""
    async def serve(request: web.Request) -> web.FileResponse:
        return web.FileResponse(path, headers={"Cache-Control": "no-cache",
                                               "Content-Type": content_type})
    return serve


async def _rasa_session(app: web.Application) -> AsyncIterator[None]:
    """The Rasa client's connections and health probes, for the app's lifetime."""
    await app[RASA_CLIENT].start()
    yield
    await app[RASA_CLIENT].close()


def _disposed_on_cleanup(*engines: Engine) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context that closes the engines' pooled connections when the app stops."""
    async def pools(app: web.Application) -> AsyncIterator[None]:
        yield
        for engine in engines:
            engine.dispose()
    return pools


def main() -> None:
    """``python -m bot.web``: serve the gateway with the environment's settings."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings()
    rasa = RasaClient(settings.rasa_urls, api_token(settings))
    web.run_app(create_app(settings, rasa), host=settings.gateway_host,
                port=settings.gateway_port, print=None)
