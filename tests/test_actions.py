"""The clarification action with real rasa-sdk trackers and dispatchers (no server)."""
from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import messages
from actions.clarify import ActionClarify, failed_turns_in_a_row
from tests.conftest import NO_DOMAIN, run_async


def unsure_parse(text: str = "euh le truc du contrat") -> dict[str, Any]:
    return {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.3},
            "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3},
                               {"name": "faq", "confidence": 0.8},
                               {"name": "request_contract_copy", "confidence": 0.15}],
            "entities": [],
            "response_selector": {"faq": {
                "response": {"intent_response_key": "faq/copie_contrat", "confidence": 0.3},
                "ranking": [{"intent_response_key": "faq/copie_contrat", "confidence": 0.3},
                            {"intent_response_key": "faq/activation_servicepac", "confidence": 0.25}]}}}


def conversation(previous_turn_actions: list[list[str]], latest: dict[str, Any]) -> Tracker:
    """A tracker whose earlier customer turns were answered by the given actions."""
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_session_start"}]
    for actions in previous_turn_actions:
        events.append({"event": "user", "text": "...", "parse_data": {}})
        events += [{"event": "action", "name": name} for name in [*actions, "action_listen"]]
    events.append({"event": "user", "text": latest["text"], "parse_data": latest})
    return Tracker("client", {}, latest, events, False, None, {}, "action_listen")


def run(tracker: Tracker) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    assert run_async(ActionClarify().run(dispatcher, tracker, NO_DOMAIN)) == []
    return dispatcher.messages


def test_first_failure_offers_the_likely_topics_as_buttons() -> None:
    [message] = run(conversation([], unsure_parse()))
    assert message["text"] == messages.DID_YOU_MEAN
    assert message["buttons"] == [
        {"title": "Comment obtenir une copie de mon contrat ?",
         "payload": "Comment obtenir une copie de mon contrat ?"},
        {"title": "Comment activer un contrat ServicePac ?",
         "payload": "Comment activer un contrat ServicePac ?"},
        {"title": "Obtenir une copie de mon contrat", "payload": "/request_contract_copy"},
    ]


def test_no_candidate_asks_to_rephrase() -> None:
    latest = {"text": "zzz", "intent": {"name": "nlu_fallback", "confidence": 0.2},
              "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.2}], "entities": []}
    [message] = run(conversation([], latest))
    assert message["text"] == messages.ASK_TO_REPHRASE and not message["buttons"]


@pytest.mark.parametrize("history, expected", [
    ([], 1),
    ([["utter_greet"]], 1),
    ([["action_clarify"]], 2),
    ([["action_clarify"], ["utter_faq"]], 1),
    ([["utter_faq"], ["action_clarify"], ["action_clarify"]], 3),
])
def test_failed_turns_are_counted_in_a_row(history: list[list[str]], expected: int) -> None:
    assert failed_turns_in_a_row(conversation(history, unsure_parse())) == expected


def test_second_failure_in_a_row_offers_a_person_and_a_request() -> None:
    [message] = run(conversation([["action_clarify"]], unsure_parse()))
    assert message["text"] == messages.ESCALATE
    assert "+32 (0)2 339 23 45" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/talk_to_human", "/submit_request"]
