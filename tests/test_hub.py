"""The conversation hub: frames reach the sockets of one audience of one conversation."""
from __future__ import annotations

from typing import Any

from bot.corpus.model import ButtonSpec as Button
from bot.web.hub import Audience, ConversationHub
from tests.conftest import run_async

CUSTOMERS, AGENTS = Audience.CUSTOMERS, Audience.AGENTS


class Socket:
    """Stands for an aiohttp WebSocketResponse: what was sent, closed or broken."""

    def __init__(self, broken: bool = False) -> None:
        self.frames: list[dict[str, Any]] = []
        self.closed = False
        self.broken = broken

    async def send_json(self, data: Any) -> None:
        if self.broken:
            raise ConnectionResetError("Cannot write to closing transport")
        self.frames.append(data)


def test_a_frame_reaches_its_audience_in_its_conversation_only() -> None:
    hub = ConversationHub()
    tab, other_tab, agent, elsewhere = Socket(), Socket(), Socket(), Socket()

    async def scenario() -> None:
        await hub.subscribe("c1", CUSTOMERS, tab)
        await hub.subscribe("c1", CUSTOMERS, other_tab)
        await hub.subscribe("c1", AGENTS, agent)
        await hub.subscribe("c2", CUSTOMERS, elsewhere)
        await hub.publish("c1", CUSTOMERS, {"type": "bot", "text": "Bonjour"})
        await hub.publish("c1", AGENTS, {"type": "user", "text": "ma facture"})
        await hub.unsubscribe("c1", CUSTOMERS, other_tab)
        await hub.publish("c1", CUSTOMERS, {"type": "typing", "on": False})
        await hub.publish("c3", AGENTS, {"type": "user", "text": "personne n'écoute"})
    run_async(scenario())
    assert tab.frames == [{"type": "bot", "text": "Bonjour"}, {"type": "typing", "on": False}]
    assert other_tab.frames == [{"type": "bot", "text": "Bonjour"}]
    assert agent.frames == [{"type": "user", "text": "ma facture"}]
    assert elsewhere.frames == []


def test_closed_and_broken_sockets_are_dropped_and_the_others_still_served() -> None:
    hub = ConversationHub()
    closed, broken, open_ = Socket(), Socket(broken=True), Socket()

    async def scenario() -> None:
        for socket in (closed, broken, open_):
            await hub.subscribe("c1", AGENTS, socket)
        closed.closed = True
        await hub.publish("c1", AGENTS, {"n": 1})
        closed.closed, broken.broken = False, False   # were they still subscribed, they'd get 2
        await hub.publish("c1", AGENTS, {"n": 2})
    run_async(scenario())
    assert (closed.frames, broken.frames, open_.frames) == ([], [], [{"n": 1}, {"n": 2}])


def test_offered_buttons_are_kept_while_a_customer_watches() -> None:
    hub = ConversationHub()
    tab, agent = Socket(), Socket()

    async def scenario() -> list[frozenset[str]]:
        seen = []
        await hub.offer("c1", [Button("Quitter", "/stop")])                 # nobody watches: the transcript has them
        seen.append(await hub.offered("c1"))
        await hub.subscribe("c1", AGENTS, agent)
        await hub.offer("c1", [Button("Quitter", "/stop")])                 # an agent is no customer
        seen.append(await hub.offered("c1"))
        await hub.subscribe("c1", CUSTOMERS, tab)
        await hub.offer("c1", [Button("1", '/rate{"rating": "1"}'), Button("2", '/rate{"rating": "2"}')])
        seen.append(await hub.offered("c1"))
        seen.append(await hub.offered("c2"))
        await hub.unsubscribe("c1", CUSTOMERS, tab)
        seen.append(await hub.offered("c1"))             # the last tab closed
        await hub.subscribe("c1", CUSTOMERS, tab)
        seen.append(await hub.offered("c1"))
        return seen
    assert run_async(scenario()) == [
        frozenset(), frozenset(), frozenset({'/rate{"rating": "1"}', '/rate{"rating": "2"}'}),
        frozenset(), frozenset(), frozenset()]


def test_an_offered_button_is_claimed_once_with_its_title() -> None:
    hub = ConversationHub()

    async def scenario() -> list[str | None]:
        await hub.subscribe("c1", CUSTOMERS, Socket())
        await hub.offer("c1", [Button("Oui", "/affirm"), Button("Non", "/deny")])
        claims = [await hub.claim("c1", "/affirm"), await hub.claim("c1", "/affirm"),
                  await hub.claim("c1", "/deny")]
        await hub.offer("c1", [Button("Oui", "/affirm")])   # offered again: clickable again
        return [*claims, await hub.claim("c1", "/affirm"), await hub.claim("c2", "/affirm")]
    assert run_async(scenario()) == ["Oui", None, None, "Oui", None]
