"""The customer socket: one WebSocket per open widget, several per conversation (tabs).

Protocol (JSON frames):
- client -> server: ``{"type": "message", "text", "id"}`` (typed) or
  ``{"type": "button", "payload", "id"}`` (a button the bot offered, accepted once per
  offering and echoed with its offered title; a ``title`` sent along is ignored);
- server -> client: ``history`` (on connect), ``welcome`` (empty conversation), ``user``
  (a message from this conversation, echoed to every tab), ``bot``, ``typing``, ``error``.
  A bot turn is ``typing`` on, its ``bot`` (or ``error``) frames, then ``typing`` off.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from typing import Any
from weakref import WeakValueDictionary

from aiohttp import WSMsgType, web

from bot.db.tables import HandoffStatus
from bot.handoff.queue import HandoffQueue
from bot.payloads import Payload
from bot.web.hub import Audience, ConversationHub
from bot.web.rasa import Button, RasaClient, RasaUnavailable, Turn
from bot.web.safety import (
    FrameError,
    Incoming,
    RateLimiter,
    error_frame,
    is_conversation_id,
    parse_frame,
)

log = logging.getLogger(__name__)
LEFT_QUEUE_TEXT = ("C'est noté, vous avez quitté la file d'attente. Je reste à votre "
                   "disposition : que puis-je faire pour vous ?")


class CustomerSocket:
    """Handles ``GET /ws?session=…``; the tabs of a conversation meet in the ``hub``."""

    def __init__(self, rasa: RasaClient, welcome: Turn, origins: tuple[str, ...],
                 per_session: RateLimiter, per_ip: RateLimiter, queue: HandoffQueue,
                 hub: ConversationHub) -> None:
        self.rasa = rasa
        self.queue = queue
        self.hub = hub
        self.welcome = welcome
        self.origins = set(origins)
        self.per_session = per_session
        self.per_ip = per_ip
        # One turn at a time per conversation; a lock lives while a tab or a turn holds it.
        self.turn_locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Origin", "").rstrip("/") not in self.origins:
            raise web.HTTPForbidden(text="origin not allowed")
        session = request.query.get("session", "")
        if not is_conversation_id(session):
            raise web.HTTPBadRequest(text="session must be 16-64 letters, digits, '-' or '_'")
        socket = web.WebSocketResponse(heartbeat=30, max_msg_size=1024 * 1024)
        await socket.prepare(request)
        turn_lock = self.turn_locks.setdefault(session, asyncio.Lock())
        await self.hub.subscribe(session, Audience.CUSTOMERS, socket)
        try:
            await self._send_history(socket, session)
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    await self._receive(message.data, session, turn_lock, socket,
                                        request.remote or "?")
                elif message.type == WSMsgType.BINARY:
                    await socket.send_json(error_frame("bad_frame"))
        finally:
            await self.hub.unsubscribe(session, Audience.CUSTOMERS, socket)
        return socket

    async def _send_history(self, socket: web.WebSocketResponse, session: str) -> None:
        try:
            turns = await self.rasa.transcript(session, self.welcome.buttons)
        except RasaUnavailable:
            log.warning("history of %s unavailable", session)
            turns = []
        await socket.send_json({"type": "history", "messages": [t.frame() for t in turns]})
        if not turns:
            await socket.send_json(dict(self.welcome.frame(), type="welcome"))
            await self.hub.offer(session, self.welcome.buttons)
        elif not await self.hub.offered(session):
            await self.hub.offer(session, _latest_buttons(turns))

    async def _receive(self, raw: str, session: str, turn_lock: asyncio.Lock,
                       socket: web.WebSocketResponse, ip: str) -> None:
        try:
            incoming = parse_frame(raw)
        except FrameError as error:
            await socket.send_json(error_frame(error.code))
            return
        if not (self.per_session.allow(session) and self.per_ip.allow(ip)):
            await socket.send_json(error_frame("rate_limited"))
            return
        async with turn_lock:  # one message at a time per conversation, in order
            if incoming.kind == "button":
                # Checked in the turn: a button offered once is clicked once, whatever the
                # number of tabs; it shows the title the bot gave it, not the client's.
                title = await self.hub.claim(session, incoming.text)
                if title is None:
                    await socket.send_json(error_frame("stale_button"))
                    return
                incoming = dataclasses.replace(incoming, shown=title)
            await self._converse(incoming, session)

    async def _converse(self, incoming: Incoming, session: str) -> None:
        echo = {"type": "user", "text": incoming.shown, "id": incoming.client_id, "ts": time.time()}
        await self._to_tabs(session, echo)
        handoff = await asyncio.to_thread(self.queue.open_for, session)
        if handoff:
            # Handed off: Rasa (paused) records the message, the agent gets it.
            try:
                await self.rasa.send(session, incoming.text)
                if handoff.status is HandoffStatus.WAITING and await self._wants_to_leave(incoming):
                    await self._leave_queue(session)
                    return
            except RasaUnavailable as error:
                log.error("Rasa unavailable for %s: %s", session, error)
            await self.hub.publish(session, Audience.AGENTS, echo)
            return
        await self._to_tabs(session, {"type": "typing", "on": True})
        try:
            replies = await self.rasa.send(session, incoming.text)
        except RasaUnavailable as error:
            log.error("Rasa unavailable for %s: %s", session, error)
            await self._to_tabs(session, error_frame("unavailable"))
            await self._to_tabs(session, {"type": "typing", "on": False})
            return
        offered: list[Button] = []
        for text, buttons in replies:
            offered += buttons
            await self._to_tabs(session, Turn("bot", text, time.time(), buttons).frame())
        await self.hub.offer(session, offered)
        await self._to_tabs(session, {"type": "typing", "on": False})

    async def _wants_to_leave(self, incoming: Incoming) -> bool:
        """"Quitter la file d'attente" (its button) or a typed "annuler", "stop"…"""
        if incoming.kind == "button":
            return incoming.text == Payload.STOP
        intent, confidence = await self.rasa.intent(incoming.text)
        return intent == Payload.STOP.intent and confidence >= 0.8

    async def _leave_queue(self, session: str) -> None:
        """Out of the queue: the bot is back and says so (in the transcript too)."""
        if await asyncio.to_thread(self.queue.leave, session) is None:
            return  # an agent took it meanwhile
        await self.rasa.append(session, [
            {"event": "resume"},
            {"event": "bot", "text": LEFT_QUEUE_TEXT},
            {"event": "action", "name": "action_listen"}])
        await self.hub.offer(session, ())
        await self._to_tabs(session, Turn("bot", LEFT_QUEUE_TEXT, time.time()).frame())

    async def _to_tabs(self, session: str, frame: dict[str, Any]) -> None:
        """A frame for every open tab of the conversation."""
        await self.hub.publish(session, Audience.CUSTOMERS, frame)


def _latest_buttons(turns: list[Turn]) -> list[Button]:
    """The buttons shown since the customer's last message."""
    offered: list[Button] = []
    for turn in reversed(turns):
        if turn.sender == "user":
            break
        offered = [*turn.buttons, *offered]
    return offered


def welcome_turn(greeting: dict[str, Any]) -> Turn:
    """The widget's first message: the domain's greeting with its menu."""
    return Turn("bot", greeting["text"], 0.0,
                tuple(Button(b["title"], b["payload"]) for b in greeting.get("buttons", [])))
