"""The agents' queue (SQLite and PostgreSQL), the handoff action with an injected clock, and
the summary agents read."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import messages, stores
from actions.handoff import ActionHandoff, ActionStoreRating
from bot.db import make_engine, open_database, upgrade
from bot.db.tables import HandoffReason, HandoffStatus
from bot.handoff.agents import AgentStore
from bot.handoff.queue import HandoffConflict, HandoffQueue
from bot.settings import load_settings
from bot.web.transcript import lines, summary
from tests.conftest import NO_DOMAIN, Assistant, run_async

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def queue(database_url: str) -> Iterator[tuple[HandoffQueue, int, int]]:
    upgrade(database_url)
    engine = make_engine(database_url)
    agents = AgentStore(engine)
    lea = agents.add("lea", "Léa Martin", "correct horse battery").id
    marc = agents.add("marc", "Marc Peeters", "correct horse battery").id
    yield HandoffQueue(engine), lea, marc
    engine.dispose()


def test_asking_twice_queues_once_and_positions_follow_the_order(queue) -> None:
    handoffs, _, _ = queue
    first = handoffs.request("c1", "asked", NOW)
    assert handoffs.request("c1", "asked", NOW).id == first.id
    second = handoffs.request("c2", "not_understood", NOW)
    assert (handoffs.position(first), handoffs.position(second)) == (1, 2)
    assert [h.conversation_id for h in handoffs.queue()] == ["c1", "c2"]


def test_one_agent_takes_and_only_that_agent_closes(queue) -> None:
    handoffs, lea, marc = queue
    handoff = handoffs.request("c1", "asked", NOW)
    handoffs.take(handoff.id, lea, NOW)
    with pytest.raises(HandoffConflict):
        handoffs.take(handoff.id, marc, NOW)
    with pytest.raises(HandoffConflict):
        handoffs.close(handoff.id, marc, "résolu")
    closed = handoffs.close(handoff.id, lea, "Facture recréditée")
    assert closed.status is HandoffStatus.CLOSED and handoffs.open_for("c1") is None
    assert handoffs.rate("c1", 4, NOW).rating == 4
    assert handoffs.rate("c1", 5, NOW) is None  # rated once
    with pytest.raises(ValueError):
        handoffs.rate("c1", 6, NOW)


def test_notes_are_kept_with_the_handoff_and_written_by_its_agent_only(queue) -> None:
    handoffs, lea, marc = queue
    handoff = handoffs.request("c1", "asked", NOW)
    with pytest.raises(HandoffConflict):   # not taken yet
        handoffs.add_note(handoff.id, lea, "lea", "Trop tôt")
    handoffs.take(handoff.id, lea, NOW)
    handoffs.add_note(handoff.id, lea, "lea", "Client déjà rappelé hier")
    with pytest.raises(HandoffConflict):   # another agent's
        handoffs.add_note(handoff.id, marc, "marc", "Pas la mienne")
    handoffs.close(handoff.id, lea, "ok")
    with pytest.raises(HandoffConflict):   # closed
        handoffs.add_note(handoff.id, lea, "lea", "Trop tard")
    assert [n.text for n in handoffs.get(handoff.id).notes] == ["Client déjà rappelé hier"]


# --- the action, with an injected clock ----------------------------------------------

def asked_for_a_person(intent: str = "talk_to_human") -> Tracker:
    parse = {"text": "je veux parler à quelqu'un", "intent": {"name": intent, "confidence": 1.0},
             "entities": []}
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_listen"},
                                    {"event": "user", "text": parse["text"], "parse_data": parse}]
    return Tracker("conv-7", {}, parse, events, False, None, {}, "action_listen")


@pytest.fixture
def service_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HandoffQueue]:
    url = f"sqlite:///{tmp_path / 'service.db'}"
    monkeypatch.setenv("FAQBOT_TICKETS_URL", url)
    monkeypatch.setenv("FAQBOT_DATA_DIR", str(tmp_path))
    stores._tickets.cache_clear()
    stores._queue.cache_clear()
    upgrade(url)
    engine = make_engine(url)
    yield HandoffQueue(engine)
    engine.dispose()
    stores._tickets.cache_clear()
    stores._queue.cache_clear()


def run_handoff(tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = run_async(ActionHandoff().run(dispatcher, tracker, NO_DOMAIN))
    return events, dispatcher.messages


@pytest.mark.parametrize("clock, back", [
    ("2026-11-28T11:00:00+01:00", "lundi 30 novembre à 8h30"),   # Saturday
    ("2026-12-25T10:00:00+01:00", "lundi 28 décembre à 8h30"),   # Christmas (a Friday)
    ("2026-11-30T17:01:00+01:00", "demain à 8h30"),              # Monday, 17:01
])
def test_outside_hours_the_customer_learns_when_agents_are_back(
        service_db: HandoffQueue, monkeypatch: pytest.MonkeyPatch, clock: str, back: str) -> None:
    monkeypatch.setenv("FAQBOT_CLOCK", clock)
    events, [message] = run_handoff(asked_for_a_person())
    assert events == []  # not paused
    assert message["text"] == messages.agents_away(back)
    assert message["buttons"] == messages.AGENTS_AWAY_BUTTONS
    assert service_db.queue() == []


def test_in_hours_the_conversation_joins_the_queue_and_the_bot_pauses(
        service_db: HandoffQueue, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQBOT_CLOCK", "2026-11-30T10:00:00+01:00")
    service_db.request("someone-else", HandoffReason.ASKED)
    events, [message] = run_handoff(asked_for_a_person("answer_not_helpful"))
    assert [e["event"] for e in events] == ["pause"]
    assert message["text"] == f"{messages.NOT_HELPFUL_SORRY} {messages.queued(2)}"
    [_, mine] = service_db.queue()
    assert (mine.conversation_id, mine.reason) == ("conv-7", "not_helpful")


def test_a_typed_or_clicked_rating_is_stored(service_db: HandoffQueue,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    handoff = service_db.request("conv-7", HandoffReason.ASKED)
    lea = AgentStore(open_database(load_settings())).add("lea", "Léa", "correct horse battery")
    service_db.take(handoff.id, lea.id)
    service_db.close(handoff.id, lea.id, "ok")
    parse = {"text": '/rate{"rating": "4"}', "intent": {"name": "rate", "confidence": 1.0},
             "entities": [{"entity": "rating", "value": "4"}]}
    tracker = Tracker("conv-7", {}, parse, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    run_async(ActionStoreRating().run(dispatcher, tracker, NO_DOMAIN))
    assert dispatcher.messages[0]["text"] == messages.THANKS_FOR_RATING
    assert service_db.get(handoff.id).rating == 4


def test_the_summary_shows_topics_answers_and_collected_slots() -> None:
    tracker = {"slots": {"contract_number": "CT-1234", "requested_slot": "email", "email": None,
                         "flow": "copy", "consent_at": "2026-11-29T10:00:00+00:00",
                         "failed_attempts": 1, "lookup_email": "anne@example.be"},
               "events": [
        {"event": "user", "text": "comment activer servicepac", "timestamp": 1.0,
         "parse_data": {"intent": {"name": "faq", "confidence": 0.98},
                        "response_selector": {"faq": {"response": {
                            "intent_response_key": "faq/activation_servicepac",
                            "confidence": 0.91}}}}},
        {"event": "bot", "text": "Dès réception…", "timestamp": 2.0},
        {"event": "user", "text": "je veux parler à quelqu'un", "timestamp": 3.0,
         "parse_data": {"intent": {"name": "talk_to_human", "confidence": 0.99}}},
        {"event": "bot", "text": "Je vous mets en relation…", "timestamp": 4.0},
        {"event": "bot", "text": "Bonjour, Léa ici", "timestamp": 5.0,
         "metadata": {"agent": "lea"}},
    ]}
    transcript = lines(tracker)
    assert [(line.who, line.intent, line.answer) for line in transcript] == [
        ("customer", "", ""), ("bot", "faq", "activation_servicepac"), ("customer", "", ""),
        ("bot", "talk_to_human", ""), ("agent", "", "")]
    assert transcript[1].answer_confidence == 0.91 and transcript[4].agent == "lea"
    assert summary(tracker) == {"topics": ["faq", "talk_to_human"],
                                "answered": ["activation_servicepac"], "mentioned": [],
                                "slots": {"contract_number": "CT-1234",
                                          "lookup_email": "anne@example.be"},
                                "last_messages": ["comment activer servicepac",
                                                  "je veux parler à quelqu'un"]}


@pytest.mark.parametrize("selected, confidence, mentioned", [
    ("service_factures", 0.91, ["service_factures"]),   # "un conseiller, pour ma facture"
    ("contact_service_clientele", 0.2, []),             # "un conseiller svp": no topic
])
def test_the_summary_names_what_a_request_for_a_person_is_about(
        selected: str, confidence: float, mentioned: list[str]) -> None:
    parse = {"intent": {"name": "talk_to_human", "confidence": 1.0},
             "response_selector": {"faq": {"response": {
                 "intent_response_key": f"faq/{selected}", "confidence": confidence}}}}
    tracker = {"events": [
        {"event": "user", "text": "…", "timestamp": 1.0, "parse_data": parse},
        {"event": "bot", "text": "Je vous mets en relation…", "timestamp": 2.0}]}
    about = summary(tracker)
    assert about["mentioned"] == mentioned and about["answered"] == []
    assert lines(tracker)[1].topic == "".join(mentioned)


@pytest.mark.model
def test_a_request_for_a_person_wins_over_its_topic_which_agents_see(
        assistant: Assistant) -> None:
    """Issue 18: "un conseiller, j'ai un souci avec ma facture" used to get the invoices FAQ
    answer. The person is what was asked for; the invoices are what agents should know."""
    sender = f"handoff-{uuid.uuid4().hex[:8]}"
    [reply] = assistant.send(
        sender, "Je voudrais parler à un conseiller, j'ai un souci avec ma facture de mars")
    assert reply["text"].startswith("Je vous mets en relation avec un conseiller")  # in hours
    tracker = assistant.tracker(sender)
    assert tracker["paused"] is True
    about = summary(tracker)
    assert about["topics"] == ["talk_to_human"] and about["answered"] == []
    assert about["mentioned"] == ["service_factures"]


@pytest.mark.parametrize("said_before, reason", [
    ([messages.ESCALATE], "not_understood"),
    (["Cette adresse e-mail ne semble pas valide.", messages.FLOW_ESCALATE,
      "À quelle adresse e-mail pouvons-nous vous répondre ?"], "validation"),
    (["Bonjour et bienvenue !"], "asked"),
])
def test_the_reason_of_a_handoff(said_before: list[str], reason: str) -> None:
    from actions.handoff import handoff_reason

    parse = {"text": "/talk_to_human", "intent": {"name": "talk_to_human", "confidence": 1.0}}
    events: list[dict[str, Any]] = (
        [{"event": "user", "text": "x"}] + [{"event": "bot", "text": t} for t in said_before]
        + [{"event": "action", "name": "action_listen"},
           {"event": "user", "text": "/talk_to_human", "parse_data": parse}])
    assert handoff_reason(Tracker("c", {}, parse, events, False, None, {}, "action_listen")) == reason


def test_the_first_actions_to_run_at_once_open_the_database_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the benchmark: concurrent first submissions raced in Alembic's migration."""
    monkeypatch.setenv("FAQBOT_TICKETS_URL", f"sqlite:///{tmp_path / 'service.db'}")
    monkeypatch.setenv("FAQBOT_DATA_DIR", str(tmp_path))
    with ThreadPoolExecutor(8) as pool:
        engines = list(pool.map(lambda _: open_database(load_settings()), range(8)))
    assert len({id(engine) for engine in engines}) == 1
