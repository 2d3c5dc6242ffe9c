"""Who may use the console: login, logout, and the guard every console request passes.

- every route but the login page needs a live session, else a redirect to the login page
  (pages) or 401 (anything else, sockets included);
- the session cookie is HttpOnly, SameSite=Strict, limited to ``/console``, and Secure when
  the gateway is reached over HTTPS; only its hash is stored;
- every POST carries the session's CSRF token (the login form: a token bound to a cookie)
  and, when the browser sends one, an Origin of the gateway itself (sockets too);
- five wrong passwords lock an account for fifteen minutes (``AgentStore``); the refusal
  is the same for an unknown account, a wrong password and a locked account.
"""
from __future__ import annotations

import asyncio
import hmac
import secrets

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.handoff.agents import LoginRefused
from bot.web.console.rendering import render
from bot.web.console.state import AGENTS, SESSION

COOKIE = "faqbot_console"
LOGIN_COOKIE = "faqbot_login"
LOGIN_PAGE = "/console/login"
LOGIN_REFUSED = ("Identifiant ou mot de passe incorrect. Après cinq essais infructueux, la "
                 "connexion est bloquée pendant 15 minutes.")
routes = web.RouteTableDef()


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Same origin for POSTs and sockets, a session for all but the login page, and the
    session's CSRF token for POSTs."""
    websocket = request.headers.get("Upgrade", "").lower() == "websocket"
    if (request.method == "POST" or websocket) and not _same_origin(request):
        raise web.HTTPForbidden(text="cross-site request refused")
    if request.path == LOGIN_PAGE:
        return await handler(request)
    session = await asyncio.to_thread(request.app[AGENTS].session, request.cookies.get(COOKIE))
    if session is None:
        if request.method == "GET" and not websocket:
            raise web.HTTPFound(LOGIN_PAGE)
        raise web.HTTPUnauthorized(text="login required")
    if request.method == "POST":
        form = await request.post()
        if not hmac.compare_digest(str(form.get("csrf", "")), session.csrf_token):
            raise web.HTTPForbidden(text="missing or wrong CSRF token")
    request[SESSION] = session
    return await handler(request)


def _same_origin(request: web.Request) -> bool:
    """The console's own pages only (not the sites that embed the widget)."""
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") == f"{request.scheme}://{request.host}"


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    return _login_form(request)


def _login_form(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    """The form, with a fresh CSRF token bound to a cookie of the login page."""
    token = secrets.token_urlsafe(32)
    response = render("login.html", http_status=status, csrf=token, error=error)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="Strict",
                        secure=request.secure, path=LOGIN_PAGE, max_age=3600)
    return response


@routes.post("/login")
async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(str(form.get("csrf", "")), expected):
        raise web.HTTPForbidden(text="missing or wrong CSRF token")
    agents = request.app[AGENTS]
    try:
        agent = await asyncio.to_thread(agents.authenticate, str(form.get("username", "")),
                                        str(form.get("password", "")))
    except LoginRefused:
        # One refusal for an unknown account, a wrong password and a locked account: the
        # page must not tell which accounts exist.
        return _login_form(request, LOGIN_REFUSED, status=401)
    token, _ = await asyncio.to_thread(agents.open_session, agent)
    response = web.HTTPFound("/console/")
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=request.secure,
                        path="/console")
    response.del_cookie(LOGIN_COOKIE, path=LOGIN_PAGE)
    raise response


@routes.post("/logout")
async def logout(request: web.Request) -> web.StreamResponse:
    await asyncio.to_thread(request.app[AGENTS].close_session, request.cookies.get(COOKIE, ""))
    response = web.HTTPFound(LOGIN_PAGE)
    response.del_cookie(COOKIE, path="/console")
    raise response
