"""Answering FAQ questions, asking "did you mean ...?" and escalating after two failures."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.corpus_index import faq_entries
from bot.answering import ACTION_INTENT_LABELS, Candidate, decide_faq, candidates

STREAK_SLOT = "fallback_streak"
ESCALATE_AFTER = 2


def _previous_streak(tracker: Tracker) -> int:
    """The failure streak left by the previous customer turn (0 if that turn succeeded)."""
    user_turns = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            user_turns += 1
            if user_turns == 2:
                return 0
        elif user_turns == 1 and event.get("event") == "slot" and event.get("name") == STREAK_SLOT:
            return int(event.get("value") or 0)
    return 0


def _button(candidate: Candidate) -> dict[str, str]:
    if candidate.faq_entry:
        entry = faq_entries()[candidate.faq_entry]
        return {"title": entry.question, "payload": f'/faq{{"faq_entry": "{entry.id}"}}'}
    assert candidate.intent is not None
    return {"title": ACTION_INTENT_LABELS[candidate.intent], "payload": f"/{candidate.intent}"}


def clarify(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Ask "did you mean ...?" with buttons, or offer a person after repeated failures."""
    streak = _previous_streak(tracker) + 1
    if streak >= ESCALATE_AFTER:
        dispatcher.utter_message(response="utter_escalate")
    else:
        found = candidates(tracker.latest_message, faq_entries())
        if found:
            dispatcher.utter_message(response="utter_clarify", buttons=[_button(c) for c in found])
        else:
            dispatcher.utter_message(response="utter_clarify_none")
    return [SlotSet(STREAK_SLOT, float(streak))]


class ActionAnswerFaq(Action):
    """Answer with the selected FAQ entry, unless the ResponseSelector is unsure."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        decision = decide_faq(tracker.latest_message, faq_entries())
        if decision.kind != "answer" or decision.faq_entry is None:
            return clarify(dispatcher, tracker)
        dispatcher.utter_message(response=f"utter_faq/{decision.faq_entry}")
        return [SlotSet(STREAK_SLOT, 0.0)]


class ActionClarify(Action):
    """The NLU was unsure of the intent: propose the most likely topics."""

    def name(self) -> str:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return clarify(dispatcher, tracker)
