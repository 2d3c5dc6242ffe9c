"""Where the customer socket and the agent console meet: who watches each conversation, and
the buttons last offered to its customer (each accepted once per offering).

Each side subscribes its own sockets and publishes frames to an audience: the customer
socket its customer's messages (to the agents, while handed off) and the bot's turns, the
console its agents' messages and the rating prompt. In-process for one gateway; the
interface is async and narrow so that a pub/sub broker can stand behind it when several
gateways share conversations.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.corpus.model import ButtonSpec


class Audience(enum.Enum):
    CUSTOMERS = "customers"   # the widget's open tabs
    AGENTS = "agents"         # the console pages of a handed-off conversation


class Subscriber(Protocol):
    """A socket (``aiohttp.web.WebSocketResponse``) that frames are sent to."""

    @property
    def closed(self) -> bool: ...

    async def send_json(self, data: Any) -> None: ...


@dataclass
class _Watched:
    sockets: dict[Audience, set[Subscriber]] = field(
        default_factory=lambda: {audience: set() for audience in Audience})
    offered: dict[str, str] = field(default_factory=dict)   # payload -> title

    def empty(self) -> bool:
        return not any(self.sockets.values())


class ConversationHub:
    """The sockets watching each conversation, by audience, and its offered buttons."""

    def __init__(self) -> None:
        self._watched: dict[str, _Watched] = {}

    async def subscribe(self, conversation: str, audience: Audience, socket: Subscriber) -> None:
        """Send ``socket`` the frames published to ``audience`` in ``conversation``."""
        self._watched.setdefault(conversation, _Watched()).sockets[audience].add(socket)

    async def unsubscribe(self, conversation: str, audience: Audience,
                          socket: Subscriber) -> None:
        watched = self._watched.get(conversation)
        if watched is not None:
            watched.sockets[audience].discard(socket)
            self._forget_unwatched(conversation, watched)

    async def publish(self, conversation: str, audience: Audience, frame: dict[str, Any]) -> None:
        """Send ``frame`` to the audience's sockets; closed or broken ones are dropped."""
        watched = self._watched.get(conversation)
        if watched is None:
            return
        sockets = watched.sockets[audience]
        for socket in list(sockets):
            if not socket.closed:
                try:
                    await socket.send_json(frame)
                    continue
                except ConnectionError:
                    pass
            sockets.discard(socket)
        self._forget_unwatched(conversation, watched)

    async def offered(self, conversation: str) -> frozenset[str]:
        """Payloads of the buttons last offered to the customer (the only ones accepted)."""
        watched = self._watched.get(conversation)
        return frozenset(watched.offered) if watched is not None else frozenset()

    async def offer(self, conversation: str, buttons: Iterable[ButtonSpec]) -> None:
        """The customer's buttons are now these. Kept while a customer watches; the next
        one to connect finds them in the transcript."""
        watched = self._watched.get(conversation)
        if watched is not None and watched.sockets[Audience.CUSTOMERS]:
            watched.offered = {button.payload: button.title for button in buttons}

    async def claim(self, conversation: str, payload: str) -> str | None:
        """The title of the offered button with ``payload``, whose offering is then used up
        (no button is offered until the next ``offer``); None if it was not offered. Of two
        tabs clicking the same button, one gets it."""
        watched = self._watched.get(conversation)
        if watched is None or payload not in watched.offered:
            return None
        title = watched.offered[payload]
        watched.offered = {}
        return title

    def _forget_unwatched(self, conversation: str, watched: _Watched) -> None:
        if not watched.sockets[Audience.CUSTOMERS]:
            watched.offered = {}
        if watched.empty() and self._watched.get(conversation) is watched:
            del self._watched[conversation]
