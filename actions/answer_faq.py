"""Give the FAQ answer the model selected, with its text and buttons as the corpus has them now."""
from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.stores import faq_entries
from bot.answering import selected_answer
from bot.corpus import CorpusError

log = logging.getLogger(__name__)


class ActionAnswerFaq(Action):
    """The answer of the entry the ResponseSelector chose (the NLU gate made sure it is sure)."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        key, _ = selected_answer(tracker.latest_message)
        try:
            entry = faq_entries().get(key or "")
        except CorpusError:
            log.exception("the FAQ corpus cannot be read; answering with the phone number")
            entry = None
        if entry is None:
            log.error("no corpus entry for the selected answer %r", key)
            dispatcher.utter_message(text=messages.ESCALATE, buttons=messages.ESCALATE_BUTTONS)
            return []
        dispatcher.utter_message(
            text=entry.answer,
            buttons=[{"title": b.title, "payload": b.payload} for b in entry.buttons])
        return []
