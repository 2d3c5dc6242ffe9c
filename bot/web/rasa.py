"""The gateway's client for the Rasa server on localhost: messages in, transcript out."""
from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.corpus.model import ButtonSpec

Button = ButtonSpec  # the same (title, payload) pair


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


class RasaClient:
    """Rasa's REST channel (customer messages) and token-protected HTTP API (transcripts).

    With several Rasa processes, each conversation always goes to the same one (a hash of
    its id): its messages stay in order and that process's tracker cache stays true.
    """

    def __init__(self, base_urls: Sequence[str], token: str, timeout: float = 30) -> None:
        self.base_urls = [url.rstrip("/") for url in base_urls]
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def base_url(self, sender: str = "") -> str:
        """The Rasa process of a conversation (any one for no conversation)."""
        return self.base_urls[zlib.crc32(sender.encode()) % len(self.base_urls)]

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=self.timeout)

    async def close(self) -> None:
        if self._session:
            await self._session.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        assert self._session is not None, "RasaClient.start() not called"
        return self._session

    async def _call(self, method: str, path: str, body: Any = None, api: bool = True,
                    sender: str = "") -> Any:
        """One request to the conversation's Rasa (``api``: the token-protected HTTP API);
        its JSON answer."""
        params = {"token": self.token} if api else None
        try:
            async with self.session.request(method, f"{self.base_url(sender)}{path}", params=params,
                                            json=body) as response:
                response.raise_for_status()
                return await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailable(str(error)) from error

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
        tracker: dict[str, Any] = await self._call("GET", f"/conversations/{sender}/tracker",
                                                   sender=sender)
        return tracker

    async def append(self, sender: str, events: list[dict[str, Any]]) -> None:
        """Add events to the conversation (an agent's message, ``resume``)."""
        await self._call("POST", f"/conversations/{sender}/tracker/events", events, sender=sender)

    async def execute(self, sender: str, action: str) -> list[tuple[str, tuple[Button, ...]]]:
        """Run one action in the conversation (the bot's turn); its messages."""
        result = await self._call("POST", f"/conversations/{sender}/execute", {"name": action},
                                  sender=sender)
        return _replies(result.get("messages"))

    async def intent(self, text: str) -> tuple[str, float]:
        """What the NLU makes of a text (no conversation involved)."""
        intent = (await self._call("POST", "/model/parse", {"text": text})).get("intent") or {}
        return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)

    async def ready(self) -> bool:
        """Whether every Rasa process answers."""
        try:
            for url in self.base_urls:
                async with self.session.get(f"{url}/") as response:
                    if response.status != 200:
                        return False
            return True
        except (aiohttp.ClientError, TimeoutError):
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
