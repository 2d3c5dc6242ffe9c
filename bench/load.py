"""Simulated customers: closed-loop, multi-turn conversations against one serving path.

Each customer holds a realistic conversation (a greeting, FAQ questions phrased as customers
do, a copy-of-contract request from start to reference, goodbye), sends each message as soon
as the previous turn is answered, and starts a new conversation when one ends. Every
message's latency is recorded; errors and timeouts are counted, never dropped.
"""
from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

from bot.facts import TicketKind

TIMEOUT = 30.0  # seconds a customer waits for a turn before it counts as a timeout
REQUEST_FLOW = ("je voudrais une copie de mon contrat", "n° 4711/2026", "J'accepte", "Anne Dupont",
                "Brasserie Dupont SRL", "anne.dupont@example.be", "0475 12 34 56", "Confirmer")
COPY_REFERENCE = f"{TicketKind.CONTRACT_COPY.prefix}-"  # in the reply that ends REQUEST_FLOW


def conversation(questions: Sequence[str], number: int) -> list[str]:
    """The messages of the ``number``-th conversation: 12 turns, two FAQ questions."""
    first, second = (questions[(2 * number + i) % len(questions)] for i in range(2))
    return ["bonjour", first, second, *REQUEST_FLOW, "merci, au revoir"]


class TurnError(Exception):
    """A turn that did not get its answer: the reason is the message."""


class Customer(Protocol):
    async def open(self) -> None: ...
    async def say(self, text: str) -> list[str]: ...
    async def close(self) -> None: ...


CustomerFactory = Callable[[], Customer]


class RestCustomer:
    """Rasa's REST channel: one POST per message, the replies in its answer."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str) -> None:
        self.http, self.url = http, f"{base_url}/webhooks/rest/webhook"
        self.sender = ""

    async def open(self) -> None:
        self.sender = f"bench-{secrets.token_hex(8)}"

    async def say(self, text: str) -> list[str]:
        async with self.http.post(self.url, json={"sender": self.sender, "message": text}) as response:
            if response.status != 200:
                raise TurnError(f"http_{response.status}")
            return [m.get("text", "") for m in await response.json()]

    async def close(self) -> None:
        pass


class SocketCustomer:
    """The gateway's customer socket, as the widget uses it (history first, then turns)."""

    def __init__(self, http: aiohttp.ClientSession, gateway_url: str) -> None:
        self.http, self.gateway_url = http, gateway_url
        self.socket: aiohttp.ClientWebSocketResponse[bool] | None = None
        self.ids = itertools.count()

    async def open(self) -> None:
        url = f"{self.gateway_url.replace('http', 'ws', 1)}/ws?session=bench{secrets.token_hex(8)}"
        self.socket = await self.http.ws_connect(url, headers={"Origin": self.gateway_url})
        if (await self._frame())["type"] != "history":
            raise TurnError("no_history")

    async def _frame(self) -> dict[str, Any]:
        assert self.socket is not None
        message = await self.socket.receive()
        if message.type != aiohttp.WSMsgType.TEXT:
            raise TurnError("socket_closed")
        frame: dict[str, Any] = message.json()
        return frame

    async def say(self, text: str) -> list[str]:
        assert self.socket is not None
        await self.socket.send_json({"type": "message", "text": text, "id": f"m{next(self.ids)}"})
        replies = []
        while True:  # the turn ends when the typing indicator goes off
            frame = await self._frame()
            if frame["type"] == "error":
                raise TurnError(frame.get("code", "error"))
            if frame["type"] == "bot":
                replies.append(frame["text"])
            elif frame["type"] == "typing" and not frame["on"]:
                return replies

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()


@dataclass
class LoadResult:
    """What one load level measured."""

    users: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)   # seconds, answered turns only
    errors: dict[str, int] = field(default_factory=dict)
    conversations: int = 0
    references: int = 0   # conversations whose request got its ticket reference

    def error(self, reason: str) -> None:
        self.errors[reason] = self.errors.get(reason, 0) + 1

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float | None:
            return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1) if ordered else None

        failed = sum(self.errors.values())
        return {"users": self.users, "seconds": round(self.seconds, 1), "messages": len(ordered),
                "throughput": round(len(ordered) / self.seconds, 1) if self.seconds else 0.0,
                "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
                "mean_ms": round(1000 * sum(ordered) / len(ordered), 1) if ordered else None,
                "errors": failed, "error_kinds": self.errors,
                "error_rate": round(failed / (failed + len(ordered)), 4) if failed + len(ordered) else 0.0,
                "conversations": self.conversations, "requests_filed": self.references}


async def _customer(make: CustomerFactory, questions: Sequence[str], numbers: range,
                    result: LoadResult) -> None:
    """One simulated customer: its conversations back to back."""
    for number in numbers:
        customer = make()
        try:
            await asyncio.wait_for(customer.open(), TIMEOUT)
            for text in conversation(questions, number):
                started = time.monotonic()
                replies = await asyncio.wait_for(customer.say(text), TIMEOUT)
                result.latencies.append(time.monotonic() - started)
                if text == REQUEST_FLOW[-1] and any(COPY_REFERENCE in r for r in replies):
                    result.references += 1
            result.conversations += 1
        except asyncio.TimeoutError:
            result.error("timeout")
        except TurnError as error:
            result.error(str(error))
        except (aiohttp.ClientError, ConnectionError) as error:
            result.error(type(error).__name__)
        finally:
            try:
                await asyncio.wait_for(customer.close(), 5)
            except (asyncio.TimeoutError, aiohttp.ClientError, ConnectionError):
                pass


async def run_load(kind: str, url: str, conversations: int, questions: Sequence[str],
                   result: LoadResult) -> LoadResult:
    """``result.users`` customers on ``kind`` ("socket" or "rest"), ``conversations`` each.

    Every path gets the same work (the same conversations, so the same mix of FAQ and
    form turns); throughput is that work over the wall-clock time it took.
    """
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        def make() -> Customer:
            return SocketCustomer(http, url) if kind == "socket" else RestCustomer(http, url)

        started = time.monotonic()
        await asyncio.gather(*(
            _customer(make, questions, range(i * conversations, (i + 1) * conversations), result)
            for i in range(result.users)))
        result.seconds = time.monotonic() - started
        return result
