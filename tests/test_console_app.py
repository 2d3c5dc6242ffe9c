"""The gateway app in-process (no Rasa): the console sub-application and its guard."""
from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.db import open_database
from bot.handoff.agents import AgentStore
from bot.settings import Settings, load_settings
from bot.web.app import create_app
from bot.web.rasa import RasaClient
from tests.conftest import run_async

PASSWORD = "une phrase de passe assez longue"
Scenario = Callable[[TestClient], Awaitable[Any]]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = replace(load_settings(), data_dir=tmp_path,
                       tickets_url=f"sqlite:///{tmp_path / 'tickets.db'}")
    AgentStore(open_database(settings)).add("lea", "Léa Martin", PASSWORD)
    return settings


def with_gateway(settings: Settings, scenario: Scenario) -> Any:
    """Run ``scenario`` against the gateway (its Rasa client points where nothing listens)."""
    async def run() -> Any:
        app = create_app(settings, RasaClient(["http://127.0.0.1:9"], "token", timeout=2))
        async with TestClient(TestServer(app)) as client:
            return await scenario(client)
    return run_async(run())


async def log_in(client: TestClient) -> aiohttp.ClientResponse:
    async with client.get("/console/login") as page:
        csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())[1]
    return await client.post("/console/login", allow_redirects=False,
                             data={"csrf": csrf, "username": "lea", "password": PASSWORD})


def test_console_routes_need_a_session_and_the_rest_of_the_gateway_does_not(
        settings: Settings) -> None:
    async def scenario(client: TestClient) -> None:
        for path in ("/console", "/console/", "/console/queue", "/console/no-such-page"):
            async with client.get(path, allow_redirects=False) as response:
                assert (response.status, response.headers["Location"]) == (
                    302, "/console/login"), path
        async with client.post("/console/logout", allow_redirects=False) as response:
            assert response.status == 401
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect("/console/handoffs/1/ws")
        assert refused.value.status == 401
        async with client.get("/") as page:  # the demo page: no console rule applies
            assert page.status == 200 and "widget.js" in await page.text()
    with_gateway(settings, scenario)


def test_cross_site_posts_and_sockets_are_refused(settings: Settings) -> None:
    evil = {"Origin": "https://evil.example"}

    async def scenario(client: TestClient) -> None:
        async with client.post("/console/login", headers=evil, data={}) as response:
            assert (response.status, await response.text()) == (403, "cross-site request refused")
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect("/console/handoffs/1/ws", headers=evil)
        assert refused.value.status == 403
    with_gateway(settings, scenario)


def test_a_session_opens_the_console_on_the_queue(settings: Settings) -> None:
    async def scenario(client: TestClient) -> None:
        response = await log_in(client)
        assert (response.status, response.headers["Location"]) == (302, "/console/")
        cookie = next(c for c in response.headers.getall("Set-Cookie")
                      if c.startswith("faqbot_console="))
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
        for path in ("/console", "/console/"):
            async with client.get(path, allow_redirects=False) as response:
                assert (response.status, response.headers["Location"]) == (302, "/console/queue")
        async with client.get("/console/queue") as page:
            assert page.status == 200 and "Aucune conversation en attente." in await page.text()
            assert page.headers["Cache-Control"] == "no-store"
            assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        url = "/console/tickets/DEM-2026-000001/status"
        async with client.post(url, data={"status": "resolved"},
                               allow_redirects=False) as response:
            assert response.status == 403   # no CSRF token
    with_gateway(settings, scenario)


def test_a_conversation_id_must_be_one_before_it_reaches_rasa(settings: Settings) -> None:
    """A console URL cannot make the gateway call another of Rasa's endpoints with its token."""
    from tests.test_gateway_app import FakeRasa, with_fake_rasa
    rasa = FakeRasa()

    async def scenario(client: TestClient) -> None:
        await log_in(client)
        async with client.get("/console/queue") as page:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())[1]
        for sender in ("x%2F..%2F..%2Fversion%3F", "a" * 16 + "%0A", "court", "a" * 65):
            async with client.get(f"/console/conversations/{sender}") as response:
                assert response.status == 404, sender
            async with client.post(f"/console/conversations/{sender}/review",
                                   data={"csrf": csrf, "entry": "x", "text": "t"}) as response:
                assert response.status == 404, sender
        assert rasa.requests == []
        async with client.get(f"/console/conversations/{'a' * 16}") as response:
            assert response.status == 200
        assert rasa.requests == [f"GET /conversations/{'a' * 16}/tracker"]
    with_fake_rasa(settings, rasa, scenario)


@pytest.mark.parametrize("sender", ["x/../../version?", "a" * 16 + "\n", "court", ""])
def test_the_rasa_client_refuses_what_is_not_a_conversation_id(sender: str) -> None:
    client = RasaClient(["http://127.0.0.1:9"], "token")

    async def calls() -> None:
        for call in (client.tracker(sender), client.transcript(sender),
                     client.append(sender, []), client.execute(sender, "action_listen")):
            with pytest.raises(ValueError):
                await call
    run_async(calls())


async def csrf_of(client: TestClient) -> str:
    async with client.get("/console/queue") as page:
        return str(re.search(r'name="csrf" value="([^"]+)"', await page.text())[1])


def handed_off(settings: Settings, conversation: str) -> int:
    """A waiting handoff of ``conversation``; its id."""
    from bot.db.tables import HandoffReason
    from bot.handoff.queue import HandoffQueue
    return HandoffQueue(open_database(settings)).request(conversation, HandoffReason.ASKED).id


async def take(client: TestClient, handoff: int) -> None:
    async with client.post(f"/console/handoffs/{handoff}/take", allow_redirects=False,
                           data={"csrf": await csrf_of(client)}) as response:
        assert response.status == 303


def test_customers_see_the_agents_display_name_never_the_login(settings: Settings) -> None:
    from tests.test_gateway_app import FakeRasa, with_fake_rasa
    rasa, conversation = FakeRasa(), "c" * 16
    handoff = handed_off(settings, conversation)

    async def scenario(client: TestClient) -> list[dict[str, Any]]:
        customer = await client.ws_connect(f"/ws?session={conversation}",
                                           headers={"Origin": settings.origins[0]})
        await log_in(client)
        await take(client, handoff)
        agent = await client.ws_connect(f"/console/handoffs/{handoff}/ws")
        await agent.send_json({"text": "Bonjour, je regarde votre dossier."})
        frames = [await customer.receive_json(timeout=5) for _ in range(4)]
        await agent.close()
        await customer.close()
        return frames
    frames = with_fake_rasa(settings, rasa, scenario)
    said = [f for f in frames if f.get("agent")]
    assert [f["agent"] for f in said] == ["Léa Martin", "Léa Martin"]
    assert said[1]["text"] == "Bonjour, je regarde votre dossier."
    assert "lea" not in json.dumps(frames)
    # the transcript (console only) still records which account wrote
    assert [e["metadata"]["agent"] for e in rasa.events if e.get("metadata")] == ["lea", "lea"]


def test_the_login_refusal_does_not_tell_whether_an_account_exists(settings: Settings) -> None:
    """Unknown account, wrong password, locked account: one and the same refusal."""
    async def attempt(client: TestClient, username: str, password: str) -> tuple[int, str]:
        async with client.get("/console/login") as page:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())[1]
        async with client.post("/console/login", allow_redirects=False, data={
                "csrf": csrf, "username": username, "password": password}) as response:
            return response.status, re.search(r'class="error"[^>]*>([^<]*)<',
                                              await response.text())[1]

    async def scenario(client: TestClient) -> list[tuple[int, str]]:
        answers = [await attempt(client, "personne", "mauvais mot de passe")]
        answers += [await attempt(client, "lea", "mauvais mot de passe") for _ in range(5)]
        answers.append(await attempt(client, "lea", PASSWORD))  # right, but locked now
        return answers
    answers = with_gateway(settings, scenario)
    assert len(set(answers)) == 1 and answers[0][0] == 401, answers
    assert "verrouillé" not in answers[0][1]


def test_an_agents_socket_stops_working_at_logout(settings: Settings) -> None:
    from tests.test_gateway_app import FakeRasa, with_fake_rasa
    rasa, conversation = FakeRasa(), "d" * 16
    handoff = handed_off(settings, conversation)

    async def scenario(client: TestClient) -> Any:
        await log_in(client)
        await take(client, handoff)
        agent = await client.ws_connect(f"/console/handoffs/{handoff}/ws")
        async with client.post("/console/logout", allow_redirects=False,
                               data={"csrf": await csrf_of(client)}) as response:
            assert response.status == 302
        await agent.send_json({"text": "Encore là ?"})
        answer = await agent.receive(timeout=5)
        await agent.close()
        return answer
    answer = with_fake_rasa(settings, rasa, scenario)
    assert answer.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert [e["text"] for e in rasa.events if e.get("metadata")] == [
        "Léa Martin, conseiller du Service Clientèle, a rejoint la conversation."]


def test_notes_only_by_the_agent_holding_an_active_handoff(settings: Settings) -> None:
    from bot.handoff.queue import HandoffQueue
    database = open_database(settings)
    queue, agents = HandoffQueue(database), AgentStore(database)
    lea = agents.authenticate("lea", PASSWORD)
    marc = agents.add("marc", "Marc Dubois", PASSWORD)
    waiting, marcs, closed, leas = (handed_off(settings, c * 16) for c in "wmxl")
    queue.take(marcs, marc.id)
    queue.take(closed, lea.id)
    queue.close(closed, lea.id, "réglé")
    queue.take(leas, lea.id)

    async def scenario(client: TestClient) -> dict[int, int]:
        await log_in(client)
        csrf, statuses = await csrf_of(client), {}
        for handoff in (waiting, marcs, closed, leas):
            async with client.post(f"/console/handoffs/{handoff}/notes", allow_redirects=False,
                                   data={"csrf": csrf, "note": "À rappeler"}) as response:
                statuses[handoff] = response.status
        return statuses
    assert with_gateway(settings, scenario) == {waiting: 409, marcs: 409, closed: 409, leas: 303}
    assert [[n.text for n in queue.get(h).notes] for h in (waiting, marcs, closed, leas)] == [
        [], [], [], ["À rappeler"]]
