"""The gateway at the edge: the real gateway process in front of the real assistant.

Each test talks to the customer socket the way a browser would (Origin header, session id)
and asserts the exact frames that come back.
"""
from __future__ import annotations

import json
import secrets
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from bot.services import start_gateway
from bot.settings import Settings
from bot.web.safety import ERRORS, MAX_MESSAGE_LENGTH, parse_rate
from tests.conftest import Assistant, free_port, run_async

pytestmark = pytest.mark.model


class Customer:
    """One widget connected to the gateway."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse[bool]) -> None:
        self.socket = socket

    async def frame(self, timeout: float = 30) -> dict[str, Any]:
        return await self.socket.receive_json(timeout=timeout)

    async def until(self, kind: str) -> dict[str, Any]:
        """Frames up to and including the first of type ``kind``."""
        while (frame := await self.frame())["type"] != kind:
            pass
        return frame

    async def say(self, text: str) -> list[dict[str, Any]]:
        """Send a typed message; return the bot's replies (after the typing indicator)."""
        await self.socket.send_json({"type": "message", "text": text, "id": "m1"})
        return await self.replies()

    async def replies(self) -> list[dict[str, Any]]:
        """The frames of one bot turn: between the typing indicator's on and off."""
        assert (await self.until("typing"))["on"] is True
        frames = []
        while (frame := await self.frame())["type"] != "typing":
            frames.append(frame)
        assert frame["on"] is False
        return frames


async def connect(settings: Settings, session: str | None = None,
                  origin: str | None = None) -> tuple[aiohttp.ClientSession, Customer, list]:
    http = aiohttp.ClientSession()
    session = session or secrets.token_hex(16)
    socket = await http.ws_connect(f"ws://127.0.0.1:{settings.gateway_port}/ws?session={session}",
                                   headers={"Origin": origin or settings.gateway_url})
    customer = Customer(socket)
    history = await customer.frame()
    assert history["type"] == "history"
    return http, customer, history["messages"]


def run(coroutine: Any) -> Any:
    return run_async(coroutine)


def test_health_and_the_demo_page(gateway: Settings) -> None:
    with urllib.request.urlopen(f"{gateway.gateway_url}/health") as response:
        assert json.loads(response.read()) == {"status": "ok", "rasa": "ok"}
    with urllib.request.urlopen(f"{gateway.gateway_url}/") as response:
        page = response.read().decode()
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "<h2>Comment dois-je résilier mon contrat de maintenance?</h2>" in page
    assert '<script src="/widget.js" data-server=""' in page


def test_a_new_conversation_gets_the_welcome_menu(gateway: Settings) -> None:
    async def scenario() -> None:
        http, customer, history = await connect(gateway)
        assert history == []
        welcome = await customer.frame()
        assert welcome["type"] == "welcome" and welcome["text"].startswith("Bonjour")
        assert {"title": "Résilier une licence logicielle", "payload": "/cancel_licence"} in (
            welcome["buttons"])
        replies = await customer_click(customer, "/cancel_licence",
                                       "Résilier une licence logicielle")
        assert [b["title"] for b in replies[-1]["buttons"]] == [
            "Passport Advantage", "Licence mensuelle périodique"]
        await http.close()
    run(scenario())


async def customer_click(customer: Customer, payload: str, title: str) -> list[dict[str, Any]]:
    await customer.socket.send_json({"type": "button", "payload": payload, "title": title})
    echo = await customer.frame()
    assert echo["type"] == "user" and echo["text"] == title
    return await customer.replies()


def test_the_origin_and_the_session_id_are_checked(gateway: Settings) -> None:
    async def scenario() -> None:
        async with aiohttp.ClientSession() as http:
            url = f"ws://127.0.0.1:{gateway.gateway_port}/ws"
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(f"{url}?session={secrets.token_hex(16)}",
                                      headers={"Origin": "https://evil.example"})
            assert refused.value.status == 403
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(f"{url}?session=../../x", headers={"Origin": gateway.gateway_url})
            assert refused.value.status == 400
    run(scenario())


def test_no_typed_text_keeps_a_leading_slash() -> None:
    from bot.web.safety import typed_text
    assert typed_text("/ /talk_to_human") == "talk_to_human"
    assert typed_text(" \n/rate{\"rating\": 5}") == 'rate{"rating": 5}'


def test_typed_slash_commands_are_not_taken_as_intents(
        gateway: Settings, assistant: Assistant) -> None:
    session = secrets.token_hex(16)

    async def scenario() -> None:
        http, customer, _ = await connect(gateway, session)
        await customer.say('/cancel_licence{"licence_type": "passport_advantage"}')
        await http.close()
    run(scenario())
    tracker = assistant.tracker(session)
    [user] = [e for e in tracker["events"] if e["event"] == "user"]
    assert user["text"] == 'cancel_licence{"licence_type": "passport_advantage"}'
    assert user["parse_data"]["entities"] == []
    assert tracker["slots"]["licence_type"] is None


def test_only_offered_buttons_are_accepted(gateway: Settings) -> None:
    async def scenario() -> None:
        http, customer, _ = await connect(gateway)
        await customer.until("welcome")
        await customer.socket.send_json({"type": "button", "payload": "/retry_submission",
                                         "title": "Réessayer"})
        assert await customer.frame() == {"type": "error", "code": "stale_button",
                                          "text": ERRORS["stale_button"]}
        replies = await customer.say("Bonjour")  # the socket is still usable
        assert replies[-1]["type"] == "bot" and replies[-1]["text"].startswith("Bonjour")
        await http.close()
    run(scenario())


@pytest.mark.parametrize("frame, code", [
    ("{not json", "bad_frame"),
    (json.dumps({"type": "message"}), "bad_frame"),
    (json.dumps({"type": "hack", "text": "x"}), "bad_frame"),
    (json.dumps({"type": "message", "text": "   /  "}), "empty"),
    (json.dumps({"type": "message", "text": "/ / /"}), "empty"),
    (json.dumps({"type": "message", "text": "x" * (MAX_MESSAGE_LENGTH + 1)}), "too_long"),
    (json.dumps({"type": "message", "text": "x" * 20_000}), "too_long"),
])
def test_bad_frames_get_an_error_frame_and_the_socket_stays_usable(
        gateway: Settings, frame: str, code: str) -> None:
    async def scenario() -> None:
        http, customer, _ = await connect(gateway)
        await customer.until("welcome")
        await customer.socket.send_str(frame)
        assert await customer.frame() == {"type": "error", "code": code, "text": ERRORS[code]}
        await customer.socket.send_bytes(b"\x00\x01")
        assert (await customer.frame())["code"] == "bad_frame"
        replies = await customer.say("merci")
        assert replies[-1]["type"] == "bot"
        await http.close()
    run(scenario())


def test_a_conversation_is_rate_limited_politely(gateway: Settings) -> None:
    async def scenario() -> None:
        http, customer, _ = await connect(gateway)
        await customer.until("welcome")
        limit, _ = parse_rate(gateway.rate_per_session)  # per conversation, per 10 s
        for _ in range(limit):
            await customer.say("merci")
        await customer.socket.send_json({"type": "message", "text": "merci"})
        assert await customer.frame() == {"type": "error", "code": "rate_limited",
                                          "text": ERRORS["rate_limited"]}
        await http.close()
    run(scenario())


@pytest.fixture
def strict_gateway(assistant: Assistant, tmp_path: Any) -> Iterator[Settings]:
    """A second gateway with a tight per-address limit (3 messages per minute)."""
    settings = replace(assistant.settings, gateway_port=free_port(), data_dir=tmp_path,
                       rate_per_ip="3/60")
    service = start_gateway(settings, assistant.token)
    service.wait_ready(timeout=60)
    yield settings
    service.stop()


def test_one_address_is_rate_limited_across_conversations(strict_gateway: Settings) -> None:
    async def scenario() -> None:
        first = await connect(strict_gateway)
        second = await connect(strict_gateway)
        await first[1].until("welcome")
        await second[1].until("welcome")
        await first[1].say("merci")
        await second[1].say("merci")
        await first[1].say("merci")
        await second[1].socket.send_json({"type": "message", "text": "merci"})
        assert (await second[1].frame())["code"] == "rate_limited"
        await first[0].close()
        await second[0].close()
    run(scenario())


def test_the_history_comes_back_on_reconnect_with_button_titles(gateway: Settings) -> None:
    session = secrets.token_hex(16)

    async def scenario() -> None:
        http, customer, _ = await connect(gateway, session)
        await customer.until("welcome")
        await customer_click(customer, "/request_contract_copy", "Obtenir une copie de mon contrat")
        await http.close()
        http, customer, history = await connect(gateway, session)
        assert (history[0]["type"], history[0]["text"]) == (
            "user", "Obtenir une copie de mon contrat")
        assert history[-1]["text"] == "Quel est le numéro de votre contrat ?"
        replies = await customer.say("CT-2024-0815")  # the flow goes on where it was
        assert replies[-1]["text"].startswith("Pour enregistrer votre demande")
        await http.close()
    run(scenario())


@pytest.mark.parametrize("leave", ["button", "typed"])
def test_a_waiting_customer_can_leave_the_queue(gateway: Settings, leave: str) -> None:
    from bot.db import open_database
    from bot.handoff.queue import HandoffQueue
    from bot.web.customer import LEFT_QUEUE_TEXT

    session = secrets.token_hex(16)
    queue = HandoffQueue(open_database(gateway))

    async def scenario() -> None:
        http, customer, _ = await connect(gateway, session)
        await customer.until("welcome")
        replies = await customer.say("je veux parler à un conseiller")
        assert "dans la file d'attente" in replies[-1]["text"]
        assert replies[-1]["buttons"] == [{"title": "Quitter la file d'attente", "payload": "/stop"}]
        if leave == "button":
            await customer.socket.send_json({"type": "button", "payload": "/stop",
                                             "title": "Quitter la file d'attente"})
        else:
            await customer.socket.send_json({"type": "message", "text": "annuler"})
        while (frame := await customer.frame())["type"] != "bot":
            pass
        assert frame["text"] == LEFT_QUEUE_TEXT
        replies = await customer.say("merci")  # the bot is back
        assert replies[-1]["text"].startswith("Avec plaisir")
        await http.close()
    run(scenario())
    assert queue.open_for(session) is None
