"""The agent console (server-rendered, French): login, queue of handed-off conversations,
live chat, notes, closing; tickets and their status.

Security, route by route:
- every ``/console`` route but the login page needs a live session, else a redirect to the
  login page (pages) or 401 (anything else);
- the session cookie is HttpOnly, SameSite=Strict, limited to ``/console``, and Secure
  when the gateway is reached over HTTPS; only its hash is stored;
- every POST carries the session's CSRF token (the login form: a token bound to a cookie)
  and, when the browser sends one, an Origin of the gateway itself;
- five wrong passwords lock an account for fifteen minutes;
- templates escape everything (Jinja2 autoescape): what customers typed is shown inert.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import secrets
import time
from datetime import date
from pathlib import Path
from typing import Any, Awaitable, Callable

import jinja2
from aiohttp import WSMsgType, web

from bot.clock import Clock
from bot.corpus import load_corpus
from bot.db.tables import Handoff, HandoffStatus, TicketStatus
from bot.facts import SERVICE_TIMEZONE, TicketKind
from bot.handoff.agents import AgentStore, ConsoleSession, LoginRefused
from bot.handoff.queue import HandoffConflict, HandoffQueue
from bot.handoff.review import ReviewLog
from bot.tickets.store import TicketNotFound, TicketStore
from bot.web.hub import Audience, ConversationHub
from bot.web.rasa import RasaClient, RasaUnavailable, Turn
from bot.web.search import ConversationSearch
from bot.web.transcript import lines, summary

COOKIE = "faqbot_console"
LOGIN_COOKIE = "faqbot_login"
SESSION = web.AppKey("console_session", object)
STATUS_LABELS = {
    "received": "Reçue", "in_progress": "En cours", "waiting_for_customer": "En attente du client",
    "resolved": "Traitée", "rejected": "Clôturée sans suite",
}
KIND_LABELS = {
    "request": "Demande", "maintenance_cancellation": "Résiliation maintenance",
    "licence_termination": "Résiliation licence", "contract_copy": "Copie de contrat",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Console:
    """Routes of the console; ``agents`` and ``tickets`` are the service database's stores."""

    def __init__(self, agents: AgentStore, tickets: TicketStore, origins: tuple[str, ...],
                 queue: HandoffQueue, reviews: ReviewLog, rasa: RasaClient,
                 hub: ConversationHub, corpus: Path, tracker_db: Path, clock: Clock) -> None:
        self.agents = agents
        self.reviews = reviews
        self.clock = clock
        self.search = ConversationSearch(tracker_db, tickets)
        self.corpus = corpus
        self.tickets = tickets
        self.queue = queue
        self.rasa = rasa
        self.hub = hub
        self.origins = set(origins)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=True, undefined=jinja2.StrictUndefined)
        self.templates.globals.update(status_labels=STATUS_LABELS, kind_labels=KIND_LABELS)
        self.templates.filters["local"] = lambda moment: moment.astimezone(SERVICE_TIMEZONE)

    def routes(self, app: web.Application) -> None:
        app.middlewares.append(self.guard)
        app.router.add_get("/console/login", self.login_page)
        app.router.add_post("/console/login", self.login)
        app.router.add_post("/console/logout", self.logout)
        app.router.add_get("/console", self.home)
        app.router.add_get("/console/", self.home)
        app.router.add_get("/console/tickets", self.ticket_list)
        app.router.add_get("/console/tickets/{reference}", self.ticket_page)
        app.router.add_post("/console/tickets/{reference}/status", self.change_status)
        app.router.add_get("/console/queue", self.queue_page)
        app.router.add_post("/console/handoffs/{id:\\d+}/take", self.take)
        app.router.add_get("/console/handoffs/{id:\\d+}", self.handoff_page)
        app.router.add_post("/console/handoffs/{id:\\d+}/notes", self.add_note)
        app.router.add_post("/console/handoffs/{id:\\d+}/close", self.close)
        app.router.add_get("/console/search", self.search_page)
        app.router.add_get("/console/conversations/{sender}", self.conversation_page)
        app.router.add_post("/console/conversations/{sender}/review", self.review)
        app.router.add_get("/console/handoffs/{id:\\d+}/ws", self.agent_socket)

    # --- access control -----------------------------------------------------------------

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith("/console"):
            return await handler(request)
        websocket = request.headers.get("Upgrade", "").lower() == "websocket"
        if (request.method == "POST" or websocket) and not self._same_origin(request):
            raise web.HTTPForbidden(text="cross-site request refused")
        if request.path == "/console/login":
            return await handler(request)
        session = await asyncio.to_thread(self.agents.session, request.cookies.get(COOKIE))
        if session is None:
            if request.method == "GET" and not websocket:
                raise web.HTTPFound("/console/login")
            raise web.HTTPUnauthorized(text="login required")
        if request.method == "POST":
            form = await request.post()
            if not hmac.compare_digest(str(form.get("csrf", "")), session.csrf_token):
                raise web.HTTPForbidden(text="missing or wrong CSRF token")
        request[SESSION] = session
        return await handler(request)

    def _same_origin(self, request: web.Request) -> bool:
        """The console's own pages only (not the sites that embed the widget)."""
        origin = request.headers.get("Origin")
        return origin is None or origin.rstrip("/") == _own_origin(request)

    # --- pages --------------------------------------------------------------------------

    def render(self, name: str, http_status: int = 200, **context: Any) -> web.Response:
        html = self.templates.get_template(name).render(**context)
        return web.Response(text=html, content_type="text/html", status=http_status,
                            headers={"Cache-Control": "no-store"})

    async def login_page(self, request: web.Request, error: str = "", status: int = 200
                         ) -> web.Response:
        token = secrets.token_urlsafe(32)
        response = self.render("login.html", http_status=status, csrf=token, error=error)
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="Strict",
                            secure=request.secure, path="/console/login", max_age=3600)
        return response

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not hmac.compare_digest(str(form.get("csrf", "")), expected):
            raise web.HTTPForbidden(text="missing or wrong CSRF token")
        try:
            agent = await asyncio.to_thread(self.agents.authenticate, str(form.get("username", "")),
                                            str(form.get("password", "")))
        except LoginRefused as refused:
            message = ("Compte verrouillé après plusieurs tentatives : réessayez dans 15 minutes."
                       if refused.locked else "Identifiant ou mot de passe incorrect.")
            return await self.login_page(request, message, status=401)
        token, _ = await asyncio.to_thread(self.agents.open_session, agent)
        response = web.HTTPFound("/console/")
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=request.secure,
                            path="/console")
        response.del_cookie(LOGIN_COOKIE, path="/console/login")
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        await asyncio.to_thread(self.agents.close_session, request.cookies.get(COOKIE, ""))
        response = web.HTTPFound("/console/login")
        response.del_cookie(COOKIE, path="/console")
        raise response

    async def home(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/console/queue")

    async def ticket_list(self, request: web.Request) -> web.Response:
        status = request.query.get("status") or None
        category = request.query.get("category") or None
        if status not in (None, *STATUS_LABELS):
            raise web.HTTPBadRequest(text="unknown status")
        tickets = await asyncio.to_thread(
            self.tickets.list, status=TicketStatus(status) if status else None,
            category=category, limit=200)
        categories = await asyncio.to_thread(self.tickets.categories)
        return self.render("tickets.html", session=request[SESSION], tickets=tickets,
                           status=status or "", category=category or "", categories=categories)

    async def ticket_page(self, request: web.Request, notice: str = "") -> web.Response:
        try:
            ticket = await asyncio.to_thread(self.tickets.get, request.match_info["reference"])
        except TicketNotFound:
            raise web.HTTPNotFound(text="no such ticket") from None
        return self.render("ticket.html", session=request[SESSION], ticket=ticket, notice=notice,
                           kinds=TicketKind)

    async def change_status(self, request: web.Request) -> web.StreamResponse:
        session: ConsoleSession = request[SESSION]
        form = await request.post()
        status = str(form.get("status", ""))
        if status not in STATUS_LABELS:
            raise web.HTTPBadRequest(text="unknown status")
        note = str(form.get("note", "")).strip()[:1000] or None
        reference = request.match_info["reference"]
        try:
            await asyncio.to_thread(self.tickets.set_status, reference, TicketStatus(status),
                                    session.username, note)
        except TicketNotFound:
            raise web.HTTPNotFound(text="no such ticket") from None
        raise web.HTTPSeeOther(f"/console/tickets/{reference}")



    # --- handed-off conversations ---------------------------------------------------------

    async def queue_page(self, request: web.Request) -> web.Response:
        handoffs = await asyncio.to_thread(self.queue.queue)
        now = self.clock.now()
        rows = []
        for handoff in handoffs:
            try:
                about = summary(await self.rasa.tracker(handoff.conversation_id))
            except RasaUnavailable:
                about = {"topics": [], "answered": [], "slots": {}, "last_messages": []}
            rows.append({"handoff": handoff, "summary": about,
                         "waiting": int((now - handoff.requested_at).total_seconds() // 60),
                         "agent": await asyncio.to_thread(self.queue.agent_name, handoff.agent_id)})
        return self.render("queue.html", session=request[SESSION], rows=rows, reasons=REASONS)

    async def _handoff(self, request: web.Request) -> Handoff:
        handoff = await asyncio.to_thread(self.queue.get, int(request.match_info["id"]))
        if handoff is None:
            raise web.HTTPNotFound(text="no such conversation")
        return handoff

    async def take(self, request: web.Request) -> web.StreamResponse:
        session: ConsoleSession = request[SESSION]
        handoff = await self._handoff(request)
        try:
            await asyncio.to_thread(self.queue.take, handoff.id, session.agent_id)
        except HandoffConflict:
            raise web.HTTPConflict(text="Cette conversation a déjà été prise.") from None
        try:
            await self._say(handoff.conversation_id, f"{session.display_name}, conseiller du "
                            "Service Clientèle, a rejoint la conversation.", session.username)
        except RasaUnavailable:
            pass  # taken all the same; the agent's first message will say hello
        raise web.HTTPSeeOther(f"/console/handoffs/{handoff.id}")

    async def handoff_page(self, request: web.Request) -> web.Response:
        handoff = await self._handoff(request)
        try:
            tracker = await self.rasa.tracker(handoff.conversation_id)
        except RasaUnavailable:
            tracker = {}
        return self.render("handoff.html", session=request[SESSION], handoff=handoff,
                           transcript=lines(tracker), summary=summary(tracker), reasons=REASONS,
                           mine=handoff.agent_id == request[SESSION].agent_id,
                           entries=await asyncio.to_thread(self._entry_ids))

    async def add_note(self, request: web.Request) -> web.StreamResponse:
        handoff = await self._handoff(request)
        text = str((await request.post()).get("note", "")).strip()[:2000]
        if text:
            await asyncio.to_thread(self.queue.add_note, handoff.id, request[SESSION].username, text)
        raise web.HTTPSeeOther(f"/console/handoffs/{handoff.id}")

    async def search_page(self, request: web.Request) -> web.Response:
        query = request.query.get("q", "")[:200]
        day_text = request.query.get("day", "")
        try:
            day = date.fromisoformat(day_text) if day_text else None
        except ValueError:
            raise web.HTTPBadRequest(text="day: YYYY-MM-DD") from None
        found = (await asyncio.to_thread(self.search.search, query, day)
                 if query or day else [])
        return self.render("search.html", session=request[SESSION], q=query, day=day_text,
                           found=found, searched=bool(query or day))

    async def conversation_page(self, request: web.Request) -> web.Response:
        sender = request.match_info["sender"]
        try:
            tracker = await self.rasa.tracker(sender)
        except RasaUnavailable:
            raise web.HTTPServiceUnavailable(text="Rasa is unavailable") from None
        handoffs = await asyncio.to_thread(self.queue.for_conversation, sender)
        return self.render("conversation.html", session=request[SESSION], sender=sender,
                           transcript=lines(tracker), handoffs=handoffs, reasons=REASONS,
                           entries=await asyncio.to_thread(self._entry_ids))

    async def review(self, request: web.Request) -> web.StreamResponse:
        """Mark a bot answer as wrong and name the right FAQ entry."""
        sender = request.match_info["sender"]
        form = await request.post()
        entry = str(form.get("entry", ""))
        if entry not in await asyncio.to_thread(self._entry_ids):
            raise web.HTTPBadRequest(text="unknown FAQ entry")
        try:
            await asyncio.to_thread(
                self.reviews.correct, sender, str(form.get("text", ""))[:2000],
                str(form.get("given", ""))[:80], entry, request[SESSION].username)
        except ValueError:
            raise web.HTTPBadRequest(text="the customer's text is missing") from None
        back = str(form.get("back", ""))
        raise web.HTTPSeeOther(back if back.startswith("/console/") else
                               f"/console/conversations/{sender}")

    def _entry_ids(self) -> list[str]:
        return [entry.id for entry in load_corpus(self.corpus)]

    async def close(self, request: web.Request) -> web.StreamResponse:
        session: ConsoleSession = request[SESSION]
        handoff = await self._handoff(request)
        resolution = str((await request.post()).get("resolution", "")).strip()[:2000]
        if not resolution:
            raise web.HTTPBadRequest(text="a resolution is required")
        if handoff.status is not HandoffStatus.ACTIVE or handoff.agent_id != session.agent_id:
            raise web.HTTPConflict(text="only the agent handling this conversation can close it")
        conversation = handoff.conversation_id
        try:  # the bot is back first: a failure here leaves the handoff open, not the bot mute
            await self.rasa.append(conversation, [{"event": "resume"}])
            await asyncio.to_thread(self.queue.close, handoff.id, session.agent_id, resolution)
            replies = await self.rasa.execute(conversation, "action_ask_rating")
            # `execute` runs the action only; the bot now listens, as after any turn of its own.
            await self.rasa.append(conversation, [{"event": "action", "name": "action_listen"}])
        except RasaUnavailable:
            raise web.HTTPServiceUnavailable(text="Rasa is unavailable; try again") from None
        except HandoffConflict as error:
            raise web.HTTPConflict(text=str(error)) from None
        for text, buttons in replies:
            await self.hub.offer(conversation, (b.payload for b in buttons))
            await self.hub.publish(conversation, Audience.CUSTOMERS,
                                   Turn("bot", text, time.time(), buttons).frame())
        raise web.HTTPSeeOther("/console/queue")

    async def agent_socket(self, request: web.Request) -> web.StreamResponse:
        session: ConsoleSession = request[SESSION]
        handoff = await self._handoff(request)
        socket = web.WebSocketResponse(heartbeat=30)
        await socket.prepare(request)
        conversation = handoff.conversation_id
        await self.hub.subscribe(conversation, Audience.AGENTS, socket)
        try:
            async for message in socket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    text = str(json.loads(message.data).get("text", "")).strip()[:2000]
                except (ValueError, AttributeError):
                    continue
                current = await asyncio.to_thread(self.queue.get, handoff.id)
                if not text or current is None or current.status is not HandoffStatus.ACTIVE \
                        or current.agent_id != session.agent_id:
                    await socket.send_json({"type": "error", "text": "Prenez la conversation "
                                            "avant d'écrire au client."})
                    continue
                try:
                    await self._say(conversation, text, session.username)
                except RasaUnavailable:
                    await socket.send_json({"type": "error", "text": "Message non envoyé : "
                                            "l'assistant est indisponible, réessayez."})
        finally:
            await self.hub.unsubscribe(conversation, Audience.AGENTS, socket)
        return socket

    async def _say(self, conversation: str, text: str, agent: str) -> None:
        """An agent's message: into the transcript (Rasa's tracker) and to the customer."""
        await self.rasa.append(conversation, [{"event": "bot", "text": text,
                                               "metadata": {"agent": agent}}])
        frame = {"type": "bot", "text": text, "ts": time.time(), "buttons": [], "agent": agent}
        await self.hub.publish(conversation, Audience.CUSTOMERS, frame)
        await self.hub.publish(conversation, Audience.AGENTS,
                               {"type": "agent", "text": text, "ts": frame["ts"]})

REASONS = {"asked": "Demande à parler à un conseiller", "not_understood": "Non compris deux fois",
           "validation": "Réponses refusées dans un formulaire",
           "not_helpful": "Réponse jugée inutile"}


def _own_origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


