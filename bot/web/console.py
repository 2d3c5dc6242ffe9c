"""The agent console (server-rendered, French): login, tickets, status changes.

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
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable

import jinja2
from aiohttp import web

from bot.handoff.agents import AgentStore, ConsoleSession, LoginRefused
from bot.tickets.models import TicketKind, TicketStatus
from bot.tickets.store import TicketNotFound, TicketStore

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

    def __init__(self, agents: AgentStore, tickets: TicketStore, origins: tuple[str, ...]) -> None:
        self.agents = agents
        self.tickets = tickets
        self.origins = set(origins)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=True, undefined=jinja2.StrictUndefined)
        self.templates.globals.update(status_labels=STATUS_LABELS, kind_labels=KIND_LABELS)

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

    # --- access control -----------------------------------------------------------------

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith("/console"):
            return await handler(request)
        if request.method == "POST" and not self._same_origin(request):
            raise web.HTTPForbidden(text="cross-site request refused")
        if request.path == "/console/login":
            return await handler(request)
        session = await asyncio.to_thread(self.agents.session, request.cookies.get(COOKIE))
        if session is None:
            if request.method == "GET" and request.headers.get("Upgrade", "").lower() != "websocket":
                raise web.HTTPFound("/console/login")
            raise web.HTTPUnauthorized(text="login required")
        if request.method == "POST":
            form = await request.post()
            if not hmac.compare_digest(str(form.get("csrf", "")), session.csrf_token):
                raise web.HTTPForbidden(text="missing or wrong CSRF token")
        request[SESSION] = session
        return await handler(request)

    def _same_origin(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        return origin is None or origin.rstrip("/") in self.origins | {_own_origin(request)}

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
        raise web.HTTPFound("/console/tickets")

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


def _own_origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"
