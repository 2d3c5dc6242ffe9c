""""Où en est ma demande ?": reference + e-mail, checked together, then the status."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import messages
from actions.fields import EMAIL, Field
from actions.guided_form import FAILURES_SLOT, FieldPrompt, GuidedFormValidation
from actions.stores import lookup
from bot.facts import find_reference

log = logging.getLogger(__name__)

FLOW_SLOTS = ("request_reference", "lookup_email", FAILURES_SLOT)


QUESTIONS = [
    Field("request_reference", "Référence", messages.ASK_REFERENCE, messages.BAD_REFERENCE,
          lambda text, today: find_reference(text), spot=find_reference),
    replace(EMAIL, slot="lookup_email", prompt=messages.ASK_LOOKUP_EMAIL,
            error=messages.BAD_EMAIL),
]


class ValidateStatusLookupForm(GuidedFormValidation):
    """Reads the reference and the e-mail; explains what is expected."""

    def name(self) -> str:
        return "validate_status_lookup_form"

    def fields(self, slots: Mapping[str, Any]) -> list[Field]:
        return QUESTIONS

    def opening_intents(self, slots: Mapping[str, Any]) -> set[str]:
        return {"check_request_status"}


class ActionReportStatus(Action):
    """Gives status and last update only when reference and e-mail belong together."""

    def name(self) -> str:
        return "action_report_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        reference = tracker.get_slot("request_reference")
        email = tracker.get_slot("lookup_email")
        try:
            ticket = await lookup(reference, email) if reference and email else None
        except SQLAlchemyError:
            log.exception("ticket store unavailable for a status lookup")
            dispatcher.utter_message(text=messages.STORE_UNAVAILABLE)
            return reset_flow_slots()
        if ticket is None:
            dispatcher.utter_message(text=messages.STATUS_NOT_FOUND)
        else:
            dispatcher.utter_message(text=messages.status_report(ticket))
        return reset_flow_slots()


def reset_flow_slots() -> list[EventType]:
    return [SlotSet(name, None) for name in FLOW_SLOTS]


class StatusPrompt(FieldPrompt):
    """The status lookup's questions."""

    def fields(self, slots: Mapping[str, Any]) -> list[Field]:
        return QUESTIONS


PROMPTS = {q.slot: type(f"AskFor_{q.slot}", (StatusPrompt,), {"slot": q.slot}) for q in QUESTIONS}
