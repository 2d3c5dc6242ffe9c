"""What the gateway checks at the edge: frames, typed text, button payloads, rates, origins."""
from __future__ import annotations

import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.facts import UNAVAILABLE_APOLOGY

MAX_MESSAGE_LENGTH = 2000   # characters a customer may type in one message (widget shows it)
MAX_FRAME_BYTES = 16_384    # a larger frame is refused whole, before parsing
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")   # a conversation id, whole (fullmatch)


def is_conversation_id(text: str) -> bool:
    """Whether ``text`` is a conversation id the gateway accepts (``SESSION_ID``, the whole
    text: ``re.match`` with ``$`` would let a final newline through)."""
    return SESSION_ID.fullmatch(text) is not None


class FrameError(ValueError):
    """A frame the gateway refuses; ``code`` goes to the client with a French message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


ERRORS = {
    "bad_frame": "Ce message n'a pas pu être lu. Réessayez, ou rechargez la page.",
    "too_long": (f"Votre message est trop long : {MAX_MESSAGE_LENGTH:,} caractères au plus."
                 .replace(",", " ")),
    "empty": "Votre message est vide.",
    "stale_button": "Ce choix n'est plus disponible. Écrivez votre demande ou utilisez les "
                    "derniers boutons proposés.",
    "rate_limited": "Vous envoyez beaucoup de messages en peu de temps. Patientez quelques "
                    "secondes avant de réessayer, merci !",
    "unavailable": UNAVAILABLE_APOLOGY,
}


@dataclass(frozen=True)
class Incoming:
    """A customer frame that passed the checks."""

    kind: str            # "message" (typed) or "button"
    text: str            # what goes to Rasa
    shown: str           # what the echo shows (a button's title, once checked offered)
    client_id: str


def parse_frame(raw: str | bytes) -> Incoming:
    """A typed message or a button click, or :class:`FrameError`."""
    if len(raw) > MAX_FRAME_BYTES:
        raise FrameError("too_long")
    try:
        frame = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise FrameError("bad_frame") from None
    if not isinstance(frame, dict) or frame.get("type") not in {"message", "button"}:
        raise FrameError("bad_frame")
    client_id = str(frame.get("id") or "")[:64]
    if frame["type"] == "button":
        payload = frame.get("payload")
        if not isinstance(payload, str) or not payload:
            raise FrameError("bad_frame")
        # The title the client sends is not shown: the socket shows the offered button's.
        return Incoming("button", payload, payload, client_id)
    text = frame.get("text")
    if not isinstance(text, str):
        raise FrameError("bad_frame")
    typed = typed_text(text)
    return Incoming("message", typed, typed, client_id)


def typed_text(text: str) -> str:
    """Typed text as Rasa may see it: never an intent payload (``/intent{...}``)."""
    if len(text) > MAX_MESSAGE_LENGTH:
        raise FrameError("too_long")
    # Rasa reads a message starting with "/" as an intent with entities; only buttons
    # the bot offered may send those, so typed slashes are dropped.
    cleaned = re.sub(r"^[\s/]+", "", text).strip()
    if not cleaned:
        raise FrameError("empty")
    return cleaned


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds for each key (sliding window)."""

    def __init__(self, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._events: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> bool:
        now = self.clock()
        if len(self._events) > 10_000:  # forget idle keys (invented session ids, old clients)
            for idle in [k for k, e in self._events.items() if not e or e[-1] <= now - self.window]:
                del self._events[idle]
        events = self._events[key]
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True


def parse_rate(text: str) -> tuple[int, float]:
    """``"8/10"`` -> 8 events per 10 seconds."""
    limit, _, window = text.partition("/")
    return int(limit), float(window or 1)


def error_frame(code: str) -> dict[str, Any]:
    return {"type": "error", "code": code, "text": ERRORS[code]}
