""""Did you mean ...?" when the assistant is unsure, and an escalation offer when it fails twice."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.stores import faq_entries
from bot.answering import ACTION_INTENT_LABELS, Candidate, candidates

ACTION_NAME = "action_clarify"
ESCALATE_AFTER = 2  # failed turns in a row


def failed_turns_in_a_row(tracker: Tracker) -> int:
    """How many customer turns in a row, this one included, ended in a clarification."""
    streak, turn_failed = 1, False
    user_turns = 0
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            user_turns += 1
            if user_turns > 1:
                if not turn_failed:
                    break
                streak += 1
            turn_failed = False
        elif kind == "action" and event.get("name") == ACTION_NAME and user_turns >= 1:
            turn_failed = True
    return streak


def _button(candidate: Candidate) -> dict[str, str]:
    if candidate.faq_entry:
        question = faq_entries()[candidate.faq_entry].question
        # The payload is the canonical question itself: it goes through the NLU like a
        # typed message and is answered with certainty (it is a training example).
        return {"title": question, "payload": question}
    assert candidate.intent is not None
    return {"title": ACTION_INTENT_LABELS[candidate.intent], "payload": f"/{candidate.intent}"}


class ActionClarify(Action):
    """The NLU is unsure: propose the most likely topics, or a person after two failures."""

    def name(self) -> str:
        return ACTION_NAME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if failed_turns_in_a_row(tracker) >= ESCALATE_AFTER:
            dispatcher.utter_message(text=messages.ESCALATE, buttons=messages.ESCALATE_BUTTONS)
            return []
        found = candidates(tracker.latest_message, faq_entries())
        if found:
            dispatcher.utter_message(text=messages.DID_YOU_MEAN, buttons=[_button(c) for c in found])
        else:
            dispatcher.utter_message(text=messages.ASK_TO_REPHRASE)
        return []
