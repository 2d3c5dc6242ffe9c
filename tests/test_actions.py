"""Custom actions with real rasa-sdk trackers and dispatchers (no Rasa server needed)."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionAnswerFaq, ActionClarify


def tracker(latest: dict[str, Any], earlier_streak: float | None = None) -> Tracker:
    """A tracker whose previous turn left ``fallback_streak`` at ``earlier_streak``."""
    events: list[dict[str, Any]] = [{"event": "user", "text": "avant", "parse_data": {}}]
    if earlier_streak is not None:
        events.append({"event": "slot", "name": "fallback_streak", "value": earlier_streak})
    events += [{"event": "action", "name": "action_listen"},
               {"event": "user", "text": latest.get("text", ""), "parse_data": latest}]
    return Tracker("client", {"fallback_streak": earlier_streak or 0.0}, latest, events,
                   False, None, {}, "action_listen")


def faq_parse(entry: str, confidence: float, **extra: Any) -> dict[str, Any]:
    return {"text": "question", "intent": {"name": "faq", "confidence": 0.97},
            "intent_ranking": [{"name": "faq", "confidence": 0.97}], "entities": [],
            "response_selector": {"faq": {
                "response": {"intent_response_key": f"faq/{entry}", "confidence": confidence},
                "ranking": [{"intent_response_key": f"faq/{entry}", "confidence": confidence}]}},
            **extra}


def run(action, tracker_: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, {}))
    return dispatcher.messages, events


def test_confident_answer_uses_the_entry_response_and_resets_the_streak() -> None:
    messages, events = run(ActionAnswerFaq(), tracker(faq_parse("copie_contrat", 0.9), 1.0))
    assert [m["response"] for m in messages] == ["utter_faq/copie_contrat"]
    assert events == [{"event": "slot", "timestamp": None, "name": "fallback_streak", "value": 0.0}]


def test_unsure_answer_offers_the_candidates_as_buttons() -> None:
    messages, events = run(ActionAnswerFaq(), tracker(faq_parse("copie_contrat", 0.3)))
    assert messages[0]["response"] == "utter_clarify"
    assert messages[0]["buttons"] == [{"title": "Comment obtenir une copie de mon contrat ?",
                                       "payload": '/faq{"faq_entry": "copie_contrat"}'}]
    assert events[0]["value"] == 1.0


def test_clarify_without_any_candidate_asks_to_rephrase() -> None:
    latest = {"text": "blabla", "intent": {"name": "nlu_fallback", "confidence": 0.5},
              "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5}], "entities": []}
    messages, _ = run(ActionClarify(), tracker(latest))
    assert [m["response"] for m in messages] == ["utter_clarify_none"]


@pytest.mark.parametrize("previous, escalates", [(None, False), (0.0, False), (1.0, True), (3.0, True)])
def test_second_failure_in_a_row_offers_a_person(previous: float | None, escalates: bool) -> None:
    latest = faq_parse("copie_contrat", 0.2)
    messages, events = run(ActionClarify(), tracker(latest, previous))
    assert (messages[0]["response"] == "utter_escalate") is escalates
    assert events[0]["value"] == (previous or 0.0) + 1
