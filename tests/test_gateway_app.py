"""The customer socket in-process (no Rasa, or a fake one): the checks at the edge."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import Settings
from bot.web.app import create_app
from bot.web.rasa import RasaClient
from tests.conftest import free_port, run_async
from tests.test_console_app import settings, with_gateway

__all__ = ["settings"]  # the fixture, shared with the console's tests
BUTTONS = [{"title": "Oui", "payload": "/affirm"}, {"title": "Non", "payload": "/deny"}]


@dataclass
class FakeRasa:
    """Rasa's REST channel and HTTP API as the gateway uses them: every message is answered
    (after ``delay`` s) with a question and two buttons; every request is recorded."""

    delay: float = 0.0
    port: int = field(default_factory=free_port)
    requests: list[str] = field(default_factory=list)    # "METHOD path"
    messages: list[str] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self._message)
        app.router.add_route("*", "/{path:.*}", self._other)
        return app

    async def _message(self, request: web.Request) -> web.Response:
        self.requests.append(f"POST {request.path}")
        body = await request.json()
        self.messages.append(body["message"])
        await asyncio.sleep(self.delay)
        return web.json_response([{"recipient_id": body["sender"], "text": "Autre chose ?",
                                   "buttons": BUTTONS}])

    async def _other(self, request: web.Request) -> web.Response:
        self.requests.append(f"{request.method} {request.path}")
        if request.method == "POST" and request.path.endswith("/tracker/events"):
            self.events += await request.json()
        return web.json_response({"events": [], "messages": []})


def with_fake_rasa(settings: Settings, rasa: FakeRasa,
                   scenario: Callable[[TestClient], Awaitable[Any]]) -> Any:
    """Run ``scenario`` against the gateway in-process, its Rasa being ``rasa``."""
    async def run() -> Any:
        runner = web.AppRunner(rasa.app())
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", rasa.port).start()
        try:
            app = create_app(settings, RasaClient([rasa.url], "token", timeout=5))
            async with TestClient(TestServer(app)) as client:
                return await scenario(client)
        finally:
            await runner.cleanup()
    return run_async(run())


def test_a_session_id_ending_in_a_newline_is_refused(settings: Settings) -> None:
    origin = {"Origin": settings.origins[0]}

    async def scenario(client: TestClient) -> None:
        for session in ("a" * 16 + "%0A", "a" * 16 + "%0D%0A", "a" * 64 + "%0A"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(f"/ws?session={session}", headers=origin)
            assert refused.value.status == 400, session
        socket = await client.ws_connect(f"/ws?session={'a' * 16}", headers=origin)
        assert (await socket.receive_json())["type"] == "history"
        await socket.close()
    with_gateway(settings, scenario)


def test_a_button_offered_once_is_accepted_once_and_shown_with_its_own_title(
        settings: Settings) -> None:
    """Two tabs click the same welcome button at the same time: Rasa gets it once, the other
    tab is told the choice is gone; the echo shows the offered title, not the client's."""
    rasa = FakeRasa(delay=0.3)   # the first turn is still running when the second click comes
    origin = {"Origin": settings.origins[0]}
    click = {"type": "button", "payload": "/request_contract_copy", "title": "<b>Piraté</b>"}

    async def tab(client: TestClient) -> aiohttp.ClientWebSocketResponse:
        socket = await client.ws_connect(f"/ws?session={'t' * 16}", headers=origin)
        assert (await socket.receive_json())["type"] == "history"
        assert (await socket.receive_json())["type"] == "welcome"
        return socket

    async def frames(socket: aiohttp.ClientWebSocketResponse) -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        while True:
            try:
                seen.append(await socket.receive_json(timeout=1.5))
            except asyncio.TimeoutError:
                return seen

    async def scenario(client: TestClient) -> list[list[dict[str, Any]]]:
        first, second = await tab(client), await tab(client)
        await asyncio.gather(first.send_json(dict(click, id="1")),
                             second.send_json(dict(click, id="2")))
        seen = await asyncio.gather(frames(first), frames(second))
        await first.close()
        await second.close()
        return list(seen)
    first_frames, second_frames = with_fake_rasa(settings, rasa, scenario)
    assert rasa.messages == ["/request_contract_copy"]
    echoes = [f for f in first_frames if f["type"] == "user"]
    assert [e["text"] for e in echoes] == ["Obtenir une copie de mon contrat"]
    assert sum(f.get("code") == "stale_button" for f in first_frames + second_frames) == 1
