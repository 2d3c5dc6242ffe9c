"""Tickets in the console: the list (by status and category), a ticket, its status change."""
from __future__ import annotations

import asyncio

from aiohttp import web

from bot.db.tables import TicketStatus
from bot.tickets.store import TicketNotFound
from bot.web.console.rendering import STATUS_LABELS, render
from bot.web.console.state import SESSION, TICKETS

routes = web.RouteTableDef()


@routes.get("/tickets")
async def ticket_list(request: web.Request) -> web.Response:
    status = request.query.get("status") or None
    category = request.query.get("category") or None
    if status not in (None, *STATUS_LABELS):
        raise web.HTTPBadRequest(text="unknown status")
    store = request.app[TICKETS]
    tickets = await asyncio.to_thread(
        store.list, status=TicketStatus(status) if status else None, category=category, limit=200)
    categories = await asyncio.to_thread(store.categories)
    return render("tickets.html", session=request[SESSION], tickets=tickets,
                  status=status or "", category=category or "", categories=categories)


@routes.get("/tickets/{reference}")
async def ticket_page(request: web.Request) -> web.Response:
    try:
        ticket = await asyncio.to_thread(request.app[TICKETS].get, request.match_info["reference"])
    except TicketNotFound:
        raise web.HTTPNotFound(text="no such ticket") from None
    return render("ticket.html", session=request[SESSION], ticket=ticket)


@routes.post("/tickets/{reference}/status")
async def change_status(request: web.Request) -> web.StreamResponse:
    """A new status, recorded with the agent's name and an optional note."""
    form = await request.post()
    status = str(form.get("status", ""))
    if status not in STATUS_LABELS:
        raise web.HTTPBadRequest(text="unknown status")
    note = str(form.get("note", "")).strip()[:1000] or None
    reference = request.match_info["reference"]
    try:
        await asyncio.to_thread(request.app[TICKETS].set_status, reference, TicketStatus(status),
                                request[SESSION].username, note)
    except TicketNotFound:
        raise web.HTTPNotFound(text="no such ticket") from None
    raise web.HTTPSeeOther(f"/console/tickets/{reference}")
