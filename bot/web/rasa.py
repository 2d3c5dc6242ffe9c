"""The gateway's client for the Rasa server on localhost: messages in, transcript out."""
from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.corpus.model import ButtonSpec
from bot.web.safety import is_conversation_id

Button = ButtonSpec  # the same (title, payload) pair
log = logging.getLogger(__name__)
PROBE_TIMEOUT = aiohttp.ClientTimeout(total=5)


class RasaUnavailable(RuntimeError):
    """Rasa did not answer (down, starting, or too slow)."""


@dataclass(frozen=True)
class Turn:
    """One message of the transcript, as the widget shows it."""

    sender: str                    # "user" or "bot"
    text: str
    timestamp: float
    buttons: tuple[Button, ...] = field(default=())

    def frame(self) -> dict[str, Any]:
        return {"type": self.sender, "text": self.text, "ts": self.timestamp,
                "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons]}


def _buttons(raw: list[dict[str, Any]] | None) -> tuple[Button, ...]:
    return tuple(Button(str(b.get("title", "")), str(b.get("payload", ""))) for b in raw or [])


def rendezvous(key: str, urls: Sequence[str]) -> list[str]:
    """``urls`` in ``key``'s own order (rendezvous hashing, highest random weight first).

    Each conversation prefers its first server; when that one is down it goes to its next,
    and only the conversations of the missing server move, spread evenly over the others.
    When the server is back, they return to it.
    """
    return sorted(urls, key=lambda url: _weight(url, key), reverse=True)


def _weight(url: str, key: str) -> int:
    digest = hashlib.blake2b(f"{url}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class ServerHealth:
    """Which Rasa servers are believed down, and until when.

    Passive: a request it did not answer (connection refused, the server died or hung)
    marks a server down for ``down_for`` seconds. Active:
    ``RasaClient.watch`` probes the servers marked down every second; an answer brings one
    back at once, a failed probe keeps it down. Without probes, a mark simply expires.
    """

    def __init__(self, down_for: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.down_for = down_for
        self.clock = clock
        self._down_until: dict[str, float] = {}   # servers not seen answering since a failure

    def is_up(self, url: str) -> bool:
        return self.clock() >= self._down_until.get(url, 0.0)

    def mark_down(self, url: str) -> None:
        if url not in self._down_until:
            log.warning("Rasa at %s is not answering: its conversations go to the next server", url)
        self._down_until[url] = self.clock() + self.down_for

    def mark_up(self, url: str) -> None:
        if self._down_until.pop(url, None) is not None:
            log.warning("Rasa at %s answers again: its conversations come back to it", url)

    def suspects(self) -> list[str]:
        """Servers marked down and not seen answering since (to be probed)."""
        return list(self._down_until)


class _NotSent(Exception):
    """The request did not reach the server (connection refused or not made in time)."""


class _Lost(Exception):
    """The request was sent but no answer came back (the server died or hung)."""


class RasaClient:
    """Rasa's REST channel (customer messages) and token-protected HTTP API (transcripts).

    With several Rasa processes, each conversation goes to its first server in rendezvous
    order among those up (``rendezvous``): its messages stay in order on one process. A
    server that does not answer is marked down (``ServerHealth``) and the request goes once
    to the conversation's next server, when that is safe: always if the request never
    reached the first one; if it did (the process died while answering), only for a
    request that changes nothing (a transcript, a parse), since a customer message may have
    been half-handled (an action run, a ticket filed) and must not be handled twice: its
    customer gets the apology and sends it again, to the next server. The
    conversation continues from the shared tracker store, and comes back when its server
    answers again (``watch``).
    """

    def __init__(self, base_urls: Sequence[str], token: str, timeout: float = 30,
                 health: ServerHealth | None = None) -> None:
        self.base_urls = [url.rstrip("/") for url in base_urls]
        self.token = token
        # A refused connection fails at once; one not made in 2 s means a stuck server.
        self.timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=2)
        self.health = health or ServerHealth()
        self._session: aiohttp.ClientSession | None = None
        self._watcher: asyncio.Task[None] | None = None

    def route(self, sender: str = "") -> list[str]:
        """The servers to try for a conversation, in order: its rendezvous order among the
        servers up, then the others (a last resort: they may be back)."""
        order = rendezvous(sender, self.base_urls)
        return ([url for url in order if self.health.is_up(url)]
                + [url for url in order if not self.health.is_up(url)])

    async def start(self) -> None:
        """Open the connections and start the health probes."""
        # Idle connections are dropped before Rasa's server (Sanic: 5 s) closes them, so
        # that a request never goes out on a connection the server is closing.
        connector = aiohttp.TCPConnector(keepalive_timeout=4)
        self._session = aiohttp.ClientSession(timeout=self.timeout, connector=connector)
        self._watcher = asyncio.create_task(self.watch())

    async def close(self) -> None:
        if self._watcher:
            self._watcher.cancel()
        if self._session:
            await self._session.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        assert self._session is not None, "RasaClient.start() not called"
        return self._session

    async def _call(self, method: str, path: str, body: Any = None, api: bool = True,
                    sender: str = "", changes_nothing: bool = False) -> Any:
        """One request to the conversation's Rasa (``api``: the token-protected HTTP API),
        tried once more on its next server when that is safe (see the class); its JSON."""
        error: Exception = RasaUnavailable("no Rasa server")
        for url in self.route(sender)[:2]:
            try:
                return await self._request(url, method, path, body, api)
            except (_NotSent, _Lost) as failure:
                self.health.mark_down(url)
                error = failure
                if isinstance(failure, _Lost) and not changes_nothing:
                    break   # it may have been handled: never twice
        raise RasaUnavailable(str(error)) from error

    async def _request(self, url: str, method: str, path: str, body: Any, api: bool) -> Any:
        """One request to one server; its failures sorted into not sent, lost, or answered
        with an error (the server is up: ``RasaUnavailable`` at once)."""
        params = {"token": self.token} if api else None
        try:
            async with self.session.request(method, f"{url}{path}", params=params,
                                            json=body) as response:
                response.raise_for_status()
                return await response.json()
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as error:
            if _not_sent(error):
                raise _NotSent(f"{url}: {error!r}") from error
            raise _Lost(f"{url}: {error!r}") from error
        except aiohttp.ClientError as error:  # an HTTP error status, a malformed answer
            raise RasaUnavailable(f"{url}: {error}") from error

    async def send(self, sender: str, text: str) -> list[tuple[str, tuple[Button, ...]]]:
        """The bot's replies (text, buttons) to one customer message."""
        return _replies(await self._call("POST", "/webhooks/rest/webhook",
                                         {"sender": sender, "message": text}, api=False, sender=sender))

    async def transcript(self, sender: str, menu: tuple[Button, ...] = ()) -> list[Turn]:
        """Customer and bot messages of the conversation, oldest first.

        ``menu``: buttons shown outside Rasa (the welcome), whose payloads read as titles.
        """
        tracker = await self.tracker(sender)
        turns: list[Turn] = []
        for event in tracker.get("events") or []:
            if event.get("event") == "user" and event.get("text"):
                turns.append(Turn("user", _shown(event["text"], turns, menu), event["timestamp"]))
            elif event.get("event") == "bot" and (event.get("text") or event.get("data")):
                data = event.get("data") or {}
                turns.append(Turn("bot", event.get("text") or "", event["timestamp"],
                                  _buttons(data.get("buttons"))))
        return turns

    async def tracker(self, sender: str) -> dict[str, Any]:
        """The raw tracker (events, slots) through the token-protected HTTP API."""
        tracker: dict[str, Any] = await self._call("GET", f"{_conversation(sender)}/tracker",
                                                   sender=sender, changes_nothing=True)
        return tracker

    async def append(self, sender: str, events: list[dict[str, Any]]) -> None:
        """Add events to the conversation (an agent's message, ``resume``)."""
        await self._call("POST", f"{_conversation(sender)}/tracker/events", events, sender=sender)

    async def execute(self, sender: str, action: str) -> list[tuple[str, tuple[Button, ...]]]:
        """Run one action in the conversation (the bot's turn); its messages."""
        result = await self._call("POST", f"{_conversation(sender)}/execute", {"name": action},
                                  sender=sender)
        return _replies(result.get("messages"))

    async def intent(self, text: str) -> tuple[str, float]:
        """What the NLU makes of a text (no conversation involved)."""
        parsed = await self._call("POST", "/model/parse", {"text": text}, changes_nothing=True)
        intent = parsed.get("intent") or {}
        return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)

    async def probe(self, url: str) -> bool:
        """Whether one server answers now (Rasa's ``GET /``); an answer marks it up."""
        try:
            async with self.session.get(f"{url}/", timeout=PROBE_TIMEOUT) as response:
                answered = response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            answered = False
        if answered:
            self.health.mark_up(url)
        return answered

    async def servers_up(self) -> int:
        """How many Rasa processes answer now (the gateway's ``/health``)."""
        answers = await asyncio.gather(*(self.probe(url) for url in self.base_urls))
        return sum(answers)

    async def watch(self, interval: float = 1.0) -> None:
        """Probe the servers marked down every ``interval`` s, until cancelled: one that
        answers is back at once; one that does not stays down."""
        while True:
            await asyncio.sleep(interval)
            for url in self.health.suspects():
                if not await self.probe(url):
                    self.health.mark_down(url)


def _conversation(sender: str) -> str:
    """The API path of a conversation; ValueError for anything but a conversation id (a
    second line behind the gateway's own checks: "x/../../version?" would be another
    endpoint, called with the token)."""
    if not is_conversation_id(sender):
        raise ValueError(f"not a conversation id: {sender!r}")
    return f"/conversations/{sender}"


def _not_sent(error: BaseException | None) -> bool:
    """Whether the request never reached the server: the connection was refused or not made
    in time, or the request could not be written (a kept connection the server had closed;
    aiohttp reports it as an ``OSError`` caused by the closing transport)."""
    while error is not None:
        if isinstance(error, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError,
                              aiohttp.ClientConnectionResetError)):
            return True
        error = error.__cause__
    return False


def _replies(messages: list[dict[str, Any]] | None) -> list[tuple[str, tuple[Button, ...]]]:
    """(text, buttons) of the bot's messages that show something."""
    return [(str(m.get("text") or ""), _buttons(m.get("buttons"))) for m in messages or []
            if m.get("text") or m.get("buttons")]


def _shown(text: str, earlier: list[Turn], menu: tuple[Button, ...]) -> str:
    """A clicked button's payload is shown as the button's title, as when it was clicked."""
    offered: list[Button] = []
    for turn in reversed(earlier):
        if turn.sender == "user":
            break
        offered += turn.buttons
    return next((b.title for b in [*offered, *menu] if b.payload == text), text)
