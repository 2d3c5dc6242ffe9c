"""Past conversations in the console: search, a whole conversation with what the model
understood at each turn, and the review of a wrong answer (the right FAQ entry)."""
from __future__ import annotations

import asyncio
from datetime import date

from aiohttp import web

from bot.web.console.rendering import render
from bot.web.console.state import CORPUS, QUEUE, RASA, REVIEWS, SEARCH, SESSION
from bot.web.rasa import RasaUnavailable
from bot.web.safety import is_conversation_id
from bot.web.transcript import lines

routes = web.RouteTableDef()


@routes.get("/search")
async def search_page(request: web.Request) -> web.Response:
    """By day, request reference, e-mail address or text."""
    query = request.query.get("q", "")[:200]
    day_text = request.query.get("day", "")
    try:
        day = date.fromisoformat(day_text) if day_text else None
    except ValueError:
        raise web.HTTPBadRequest(text="day: YYYY-MM-DD") from None
    found = (await asyncio.to_thread(request.app[SEARCH].search, query, day)
             if query or day else [])
    return render("search.html", session=request[SESSION], q=query, day=day_text,
                  found=found, searched=bool(query or day))


@routes.get("/conversations/{sender}")
async def conversation_page(request: web.Request) -> web.Response:
    sender = _sender(request)
    try:
        tracker = await request.app[RASA].tracker(sender)
    except RasaUnavailable:
        raise web.HTTPServiceUnavailable(text="Rasa is unavailable") from None
    handoffs = await asyncio.to_thread(request.app[QUEUE].for_conversation, sender)
    return render("conversation.html", session=request[SESSION], sender=sender,
                  transcript=lines(tracker), handoffs=handoffs,
                  entries=await asyncio.to_thread(request.app[CORPUS].ids))


@routes.post("/conversations/{sender}/review")
async def review(request: web.Request) -> web.StreamResponse:
    """Mark a bot answer as wrong and name the right FAQ entry."""
    sender = _sender(request)
    form = await request.post()
    entry = str(form.get("entry", ""))
    if entry not in await asyncio.to_thread(request.app[CORPUS].ids):
        raise web.HTTPBadRequest(text="unknown FAQ entry")
    try:
        await asyncio.to_thread(
            request.app[REVIEWS].correct, sender, str(form.get("text", ""))[:2000],
            str(form.get("given", ""))[:80], entry, request[SESSION].username)
    except ValueError:
        raise web.HTTPBadRequest(text="the customer's text is missing") from None
    back = str(form.get("back", ""))
    raise web.HTTPSeeOther(back if back.startswith("/console/") else
                           f"/console/conversations/{sender}")


def _sender(request: web.Request) -> str:
    """The conversation id of the URL; 404 for anything else (never passed on to Rasa)."""
    sender = request.match_info["sender"]
    if not is_conversation_id(sender):
        raise web.HTTPNotFound(text="no such conversation")
    return sender
