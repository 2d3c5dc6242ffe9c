"""Handed-off conversations: the queue, taking one, its page, internal notes, the live chat
with the customer (the agent's socket) and closing it (the bot asks for a rating)."""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from bot.db.tables import Handoff, HandoffStatus
from bot.handoff.agents import ConsoleSession
from bot.handoff.queue import HandoffConflict
from bot.web.console.auth import COOKIE
from bot.web.console.rendering import render
from bot.web.console.state import AGENTS, CLOCK, CORPUS, HUB, QUEUE, RASA, SESSION
from bot.web.hub import Audience
from bot.web.rasa import RasaClient, RasaUnavailable, Turn
from bot.web.transcript import lines, summary

routes = web.RouteTableDef()


@routes.get("")
@routes.get("/")
async def home(request: web.Request) -> web.StreamResponse:
    """The console opens on the queue."""
    raise web.HTTPFound("/console/queue")


@routes.get("/queue")
async def queue_page(request: web.Request) -> web.Response:
    queue, rasa = request.app[QUEUE], request.app[RASA]
    handoffs = await asyncio.to_thread(queue.queue)
    now = request.app[CLOCK].now()
    rows = []
    for handoff in handoffs:
        about = summary(await _tracker(rasa, handoff.conversation_id))
        rows.append({"handoff": handoff, "summary": about,
                     "waiting": int((now - handoff.requested_at).total_seconds() // 60),
                     "agent": await asyncio.to_thread(queue.agent_name, handoff.agent_id)})
    return render("queue.html", session=request[SESSION], rows=rows)


async def _tracker(rasa: RasaClient, conversation: str) -> dict[str, Any]:
    """The conversation's tracker, or an empty one when Rasa cannot give it (down, or an id
    that is not a conversation id): the page shows the handoff without its transcript."""
    try:
        return await rasa.tracker(conversation)
    except (RasaUnavailable, ValueError):  # ValueError: not a conversation id
        return {}


async def _handoff(request: web.Request) -> Handoff:
    handoff = await asyncio.to_thread(request.app[QUEUE].get, int(request.match_info["id"]))
    if handoff is None:
        raise web.HTTPNotFound(text="no such conversation")
    return handoff


@routes.post(r"/handoffs/{id:\d+}/take")
async def take(request: web.Request) -> web.StreamResponse:
    session = request[SESSION]
    handoff = await _handoff(request)
    try:
        await asyncio.to_thread(request.app[QUEUE].take, handoff.id, session.agent_id)
    except HandoffConflict:
        raise web.HTTPConflict(text="Cette conversation a déjà été prise.") from None
    try:
        await _say(request.app, handoff.conversation_id, f"{session.display_name}, conseiller du "
                   "Service Clientèle, a rejoint la conversation.", session)
    except RasaUnavailable:
        pass  # taken all the same; the agent's first message will say hello
    raise web.HTTPSeeOther(f"/console/handoffs/{handoff.id}")


@routes.get(r"/handoffs/{id:\d+}")
async def handoff_page(request: web.Request) -> web.Response:
    handoff = await _handoff(request)
    tracker = await _tracker(request.app[RASA], handoff.conversation_id)
    return render("handoff.html", session=request[SESSION], handoff=handoff,
                  transcript=lines(tracker), summary=summary(tracker),
                  mine=handoff.agent_id == request[SESSION].agent_id,
                  entries=await asyncio.to_thread(request.app[CORPUS].ids))


@routes.post(r"/handoffs/{id:\d+}/notes")
async def add_note(request: web.Request) -> web.StreamResponse:
    """A note by the agent handling the conversation, while it is open."""
    session = request[SESSION]
    handoff = await _handoff(request)
    text = str((await request.post()).get("note", "")).strip()[:2000]
    if text:
        try:
            await asyncio.to_thread(request.app[QUEUE].add_note, handoff.id, session.agent_id,
                                    session.username, text)
        except HandoffConflict:
            raise web.HTTPConflict(text="Seul le conseiller qui a pris cette conversation peut "
                                        "y ajouter une note, tant qu'elle est ouverte.") from None
    raise web.HTTPSeeOther(f"/console/handoffs/{handoff.id}")


@routes.post(r"/handoffs/{id:\d+}/close")
async def close(request: web.Request) -> web.StreamResponse:
    """Closed with a resolution by its agent: the bot is back and asks for a rating."""
    session = request[SESSION]
    rasa, hub = request.app[RASA], request.app[HUB]
    handoff = await _handoff(request)
    resolution = str((await request.post()).get("resolution", "")).strip()[:2000]
    if not resolution:
        raise web.HTTPBadRequest(text="a resolution is required")
    if handoff.status is not HandoffStatus.ACTIVE or handoff.agent_id != session.agent_id:
        raise web.HTTPConflict(text="only the agent handling this conversation can close it")
    conversation = handoff.conversation_id
    try:  # the bot is back first: a failure here leaves the handoff open, not the bot mute
        await rasa.append(conversation, [{"event": "resume"}])
        await asyncio.to_thread(request.app[QUEUE].close, handoff.id, session.agent_id,
                                resolution)
        replies = await rasa.execute(conversation, "action_ask_rating")
        # `execute` runs the action only; the bot now listens, as after any turn of its own.
        await rasa.append(conversation, [{"event": "action", "name": "action_listen"}])
    except RasaUnavailable:
        raise web.HTTPServiceUnavailable(text="Rasa is unavailable; try again") from None
    except HandoffConflict as error:
        raise web.HTTPConflict(text=str(error)) from None
    for text, buttons in replies:
        await hub.offer(conversation, buttons)
        await hub.publish(conversation, Audience.CUSTOMERS,
                          Turn("bot", text, time.time(), buttons).frame())
    raise web.HTTPSeeOther("/console/queue")


@routes.get(r"/handoffs/{id:\d+}/ws")
async def agent_socket(request: web.Request) -> web.StreamResponse:
    """The live chat: customer messages in, the agent's messages out (once taken)."""
    session = request[SESSION]
    queue, hub = request.app[QUEUE], request.app[HUB]
    handoff = await _handoff(request)
    socket = web.WebSocketResponse(heartbeat=30)
    await socket.prepare(request)
    conversation = handoff.conversation_id
    await hub.subscribe(conversation, Audience.AGENTS, socket)
    try:
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                text = str(json.loads(message.data).get("text", "")).strip()[:2000]
            except (ValueError, AttributeError):
                continue
            if not await _still_logged_in(request):
                await socket.close(code=WSCloseCode.POLICY_VIOLATION, message=b"logged out")
                break
            current = await asyncio.to_thread(queue.get, handoff.id)
            if not text or current is None or current.status is not HandoffStatus.ACTIVE \
                    or current.agent_id != session.agent_id:
                await socket.send_json({"type": "error", "text": "Prenez la conversation "
                                        "avant d'écrire au client."})
                continue
            try:
                await _say(request.app, conversation, text, session)
            except RasaUnavailable:
                await socket.send_json({"type": "error", "text": "Message non envoyé : "
                                        "l'assistant est indisponible, réessayez."})
    finally:
        await hub.unsubscribe(conversation, Audience.AGENTS, socket)
    return socket


async def _still_logged_in(request: web.Request) -> bool:
    """Whether the session the socket was opened with is still live (not logged out, not
    expired): checked on every message, since a socket outlives the request's guard."""
    session = await asyncio.to_thread(request.app[AGENTS].session, request.cookies.get(COOKIE))
    return session is not None and session.agent_id == request[SESSION].agent_id


async def _say(app: web.Application, conversation: str, text: str,
               agent: ConsoleSession) -> None:
    """An agent's message: into the transcript (Rasa's tracker, with the agent's login for
    the console), to the customer's tabs (with the display name only) and to the agents'
    pages."""
    await app[RASA].append(conversation, [{"event": "bot", "text": text,
                                           "metadata": {"agent": agent.username}}])
    frame = {"type": "bot", "text": text, "ts": time.time(), "buttons": [],
             "agent": agent.display_name}
    await app[HUB].publish(conversation, Audience.CUSTOMERS, frame)
    await app[HUB].publish(conversation, Audience.AGENTS,
                           {"type": "agent", "text": text, "ts": frame["ts"]})
