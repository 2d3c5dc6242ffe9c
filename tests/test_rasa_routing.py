"""The gateway's routing over several Rasa processes: rendezvous order, health marks, failover.

Fast: fake Rasa servers (small aiohttp apps) in the test's own event loop, a fake clock.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.web.rasa import RasaClient, RasaUnavailable, ServerHealth, rendezvous
from tests.conftest import free_port, run_async

URLS = [f"http://127.0.0.1:{port}" for port in (5005, 5006, 5007)]
KEYS = [f"conversation-{i:04d}" for i in range(3000)]  # conversation ids (16+ characters)


@dataclass
class Clock:
    now: float = 100.0

    def __call__(self) -> float:
        return self.now


def test_rendezvous_gives_each_conversation_its_own_stable_order_of_every_server() -> None:
    orders = [rendezvous(key, URLS) for key in KEYS]
    assert all(sorted(order) == sorted(URLS) for order in orders)
    assert orders == [rendezvous(key, list(reversed(URLS))) for key in KEYS]  # order-free
    firsts = Counter(order[0] for order in orders)
    assert all(900 < firsts[url] < 1100 for url in URLS), firsts   # evenly spread


def test_only_the_conversations_of_a_missing_server_move_and_they_spread_over_the_others() -> None:
    gone = URLS[1]
    before = {key: rendezvous(key, URLS) for key in KEYS}
    after = {key: rendezvous(key, [url for url in URLS if url != gone]) for key in KEYS}
    moved = [key for key in KEYS if before[key][0] != after[key][0]]
    assert all(before[key][0] == gone for key in moved)
    assert len(moved) == sum(order[0] == gone for order in before.values())
    assert all(after[key][0] == before[key][1] for key in moved)        # to their next server
    assert 0.4 < Counter(after[key][0] for key in moved)[URLS[0]] / len(moved) < 0.6


def test_a_server_marked_down_is_skipped_until_the_mark_expires_or_it_answers_again() -> None:
    clock = Clock()
    health = ServerHealth(down_for=5, clock=clock)
    client = RasaClient(URLS, "token", health=health)
    mine = [key for key in KEYS if rendezvous(key, URLS)[0] == URLS[2]][:50]
    others = [key for key in KEYS if rendezvous(key, URLS)[0] != URLS[2]][:50]
    health.mark_down(URLS[2])
    assert health.suspects() == [URLS[2]] and not health.is_up(URLS[2])
    for key in mine:  # its conversations go to their next server; it stays a last resort
        assert client.route(key) == [*rendezvous(key, URLS)[1:], URLS[2]]
    assert all(client.route(key)[0] == rendezvous(key, URLS)[0] for key in others)
    clock.now += 4.9
    assert client.route(mine[0])[0] != URLS[2]
    clock.now += 0.2  # the mark expired: tried again first
    assert client.route(mine[0])[0] == URLS[2]
    health.mark_down(URLS[2])
    health.mark_up(URLS[2])  # a probe saw it answer: back at once
    assert client.route(mine[0])[0] == URLS[2] and health.suspects() == []


# --- the client against fake Rasa servers ------------------------------------------------


@dataclass
class FakeRasa:
    """A Rasa server's REST channel, tracker and root, answering as ``name``."""

    name: str
    port: int = field(default_factory=free_port)
    received: list[str] = field(default_factory=list)
    behaviour: str = "answer"        # "answer", "die while answering" or "fail"
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/", self._hello)
        app.router.add_post("/webhooks/rest/webhook", self._message)
        app.router.add_get("/conversations/{sender}/tracker", self._tracker)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _hello(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa")

    async def _message(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        return await self._answer(request, f"message {body['message']}",
                                  [{"recipient_id": body["sender"], "text": f"{self.name}"}])

    async def _tracker(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(request, "tracker", {"events": [], "by": self.name})

    async def _answer(self, request: web.Request, what: str, answer: Any) -> web.StreamResponse:
        self.received.append(what)
        if self.behaviour == "die while answering":
            assert request.transport is not None
            request.transport.abort()
            await asyncio.sleep(1)
        if self.behaviour == "fail":
            return web.Response(status=500, text="Internal Server Error")
        return web.json_response(answer)


Scenario = Callable[[RasaClient, list[FakeRasa]], Awaitable[None]]


def with_servers(scenario: Scenario) -> None:
    """Run ``scenario`` with two fake Rasa servers and a client over them (health probes
    every second, as in the gateway)."""
    async def run() -> None:
        servers = [FakeRasa("first"), FakeRasa("second")]
        for server in servers:
            await server.start()
        client = RasaClient([s.url for s in servers], "token", timeout=5)
        await client.start()
        try:
            await scenario(client, servers)
        finally:
            await client.close()
            for server in servers:
                if server._runner is not None:
                    await server.stop()
    run_async(run())


def conversation_of(server: FakeRasa, servers: list[FakeRasa]) -> str:
    """A conversation whose first server is ``server``."""
    return next(key for key in KEYS if rendezvous(key, [s.url for s in servers])[0] == server.url)


async def until(condition: Callable[[], bool], timeout: float = 5) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


def test_a_dead_servers_conversation_is_answered_by_its_next_and_comes_back_after() -> None:
    async def scenario(client: RasaClient, servers: list[FakeRasa]) -> None:
        first, second = servers
        customer = conversation_of(first, servers)
        assert await client.send(customer, "bonjour") == [("first", ())]
        await first.stop()   # connection refused from now on
        assert await client.send(customer, "toujours là ?") == [("second", ())]
        assert not client.health.is_up(first.url)
        assert await client.send(customer, "et encore") == [("second", ())]
        await first.start()  # back on its port: the next probe (within a second) sees it
        await until(lambda: client.health.is_up(first.url))
        assert await client.send(customer, "te revoilà") == [("first", ())]
        assert first.received == ["message bonjour", "message te revoilà"]
        assert second.received == ["message toujours là ?", "message et encore"]
    with_servers(scenario)


def test_a_message_lost_in_a_dying_server_is_not_sent_again_elsewhere() -> None:
    """It may have been half handled there (an action run): the customer is told instead,
    and the next message goes to the next server."""
    async def scenario(client: RasaClient, servers: list[FakeRasa]) -> None:
        first, second = servers
        customer = conversation_of(first, servers)
        first.behaviour = "die while answering"
        with pytest.raises(RasaUnavailable):
            await client.send(customer, "allô ?")
        assert second.received == [] and not client.health.is_up(first.url)
        assert await client.send(customer, "allô ?") == [("second", ())]
    with_servers(scenario)


def test_a_lost_transcript_request_is_asked_again_of_the_next_server() -> None:
    async def scenario(client: RasaClient, servers: list[FakeRasa]) -> None:
        first, second = servers
        customer = conversation_of(first, servers)
        first.behaviour = "die while answering"
        assert (await client.tracker(customer))["by"] == "second"
        assert second.received == ["tracker"]   # (aiohttp itself may ask the first twice)
    with_servers(scenario)


def test_a_server_that_answers_with_an_error_stays_up_and_is_not_bypassed() -> None:
    async def scenario(client: RasaClient, servers: list[FakeRasa]) -> None:
        first, second = servers
        customer = conversation_of(first, servers)
        first.behaviour = "fail"
        with pytest.raises(RasaUnavailable):
            await client.send(customer, "bonjour")
        assert client.health.is_up(first.url) and second.received == []
    with_servers(scenario)


def test_when_every_server_is_down_the_customer_gets_rasa_unavailable() -> None:
    async def scenario(client: RasaClient, servers: list[FakeRasa]) -> None:
        for server in servers:
            await server.stop()
            server._runner = None
        with pytest.raises(RasaUnavailable):
            await client.send("a-conversation-id-0001", "bonjour")
        assert await client.servers_up() == 0
    with_servers(scenario)

