""""Où en est ma demande ?": reference + e-mail, checked together, then the status."""
from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import messages
from actions.prompts import PromptAction, checked
from actions.ticket_store import lookup
from bot.validation import normalise_email

log = logging.getLogger(__name__)

REFERENCE = re.compile(r"\b(DEM|RES|LIC|COP)[\s-]?(\d{4})[\s-]?(\d{6})\b", re.IGNORECASE)
FLOW_SLOTS = ("request_reference", "lookup_email")


def find_reference(text: str) -> str | None:
    """``DEM-2026-000042`` from whatever surrounds it ("ma demande dem 2026 000042 svp")."""
    match = REFERENCE.search(text or "")
    return f"{match[1].upper()}-{match[2]}-{match[3]}" if match else None


class ValidateStatusLookupForm(FormValidationAction):
    """Checks the reference's format and the e-mail's syntax; explains what is expected."""

    def name(self) -> str:
        return "validate_status_lookup_form"

    async def validate_request_reference(self, value: Any, dispatcher: CollectingDispatcher,
                                         tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return checked("request_reference", find_reference(str(value or "")), dispatcher,
                       messages.BAD_REFERENCE)

    async def validate_lookup_email(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return checked("lookup_email", normalise_email(str(value or "")), dispatcher,
                       messages.BAD_EMAIL)


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


class ActionAskRequestReference(PromptAction):
    """Prompt of the form's first slot."""

    prompt = messages.ASK_REFERENCE

    def name(self) -> str:
        return "action_ask_request_reference"


class ActionAskLookupEmail(PromptAction):
    """Prompt of the form's second slot."""

    prompt = messages.ASK_LOOKUP_EMAIL

    def name(self) -> str:
        return "action_ask_lookup_email"
