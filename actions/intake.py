"""The intake form: start a flow, ask its questions, file the ticket once confirmed.

Rasa side (``domain.yml``, ``data/rules.yml``): an intent starts ``action_start_intake``
then ``intake_form``; when the form is done, ``action_submit_intake`` files the ticket or
explains why nothing is filed (Passport Advantage, consent refused, cancelled).
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import fields as f
from actions import messages
from actions.fields import Field, Invalid
from actions.flows import ASKED_SLOTS, FLOW_FOR_INTENT, FLOWS, STAMP_SLOTS, Flow
from actions.guided_form import FAILURES_SLOT, FieldPrompt, GuidedFormValidation, now, today
from actions.stores import file_ticket
from bot.validation import same_name

log = logging.getLogger(__name__)

# Every slot the intake form writes: the domain declares them (actions/domain.py), and
# starting, cancelling or finishing a flow clears them.
INTAKE_SLOTS = ("flow", *ASKED_SLOTS, *STAMP_SLOTS, FAILURES_SLOT)


def current_flow(slots: Mapping[str, Any]) -> Flow | None:
    return FLOWS.get(slots.get("flow") or "")


def reset_intake() -> list[EventType]:
    return [SlotSet(slot, None) for slot in INTAKE_SLOTS]


class ValidateIntakeForm(GuidedFormValidation):
    """Reads the answers of whichever flow is running."""

    def name(self) -> str:
        return "validate_intake_form"

    def fields(self, slots: Mapping[str, Any]) -> list[Field]:
        flow = current_flow(slots)
        return flow.fields(slots) if flow else []

    def opening_intents(self, slots: Mapping[str, Any]) -> set[str]:
        flow = current_flow(slots)
        return {flow.intent} if flow else set()

    def possible_fields(self, slots: Mapping[str, Any]) -> list[Field]:
        flow = current_flow(slots)
        return flow.possible_fields(slots) if flow else []

    def after_answer(self, question: Field, value: str, slots: Mapping[str, Any],
                     dispatcher: CollectingDispatcher) -> dict[str, Any]:
        if question.slot == "signature" and not same_name(value, slots.get("customer_name") or ""):
            raise Invalid(f"{question.error} (« {slots.get('customer_name')} »)")
        if question.stamp:  # when consent was given, when the notice was signed
            return {question.stamp: now().isoformat()} if value != f.NO else {}
        if question.slot == "customer_name" and slots.get("signature"):
            return {"signature": None, "signed_at": None}  # a new name must be signed again
        if question.slot == "field_to_correct":
            if value == f.NOTHING_TO_CORRECT:
                return {"confirmation": None, "field_to_correct": None}
            cleared = {value: None, "confirmation": None, "field_to_correct": None}
            if value == "customer_name":
                cleared.update(signature=None, signed_at=None)
            return cleared
        return {}


    def correct(self, slot: str, text: str, slots: Mapping[str, Any],
                dispatcher: CollectingDispatcher) -> dict[str, Any] | None:
        fixed = super().correct(slot, text, slots, dispatcher)
        if fixed and slot in fixed and slots.get("confirmation") == f.CORRECT:
            fixed.update(confirmation=None, field_to_correct=None)  # back to the summary
        return fixed


class ActionStartIntake(Action):
    """Start the flow of the customer's intent, forgetting any unfinished one."""

    def name(self) -> str:
        return "action_start_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        flow = FLOW_FOR_INTENT.get(intent or "")
        if flow is None:
            log.error("action_start_intake predicted for intent %r, which starts no flow", intent)
            return reset_intake()
        dispatcher.utter_message(text=flow.intro)
        return reset_intake() + [SlotSet("flow", flow.name)]


class ActionSubmitIntake(Action):
    """File the confirmed ticket, or say why nothing was filed."""

    def name(self) -> str:
        return "action_submit_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        slots = tracker.slots
        flow = current_flow(slots)
        if flow is None:
            dispatcher.utter_message(text=messages.NOTHING_TO_SUBMIT)
            return []
        if flow.name == "licence" and slots.get("licence_type") == f.PASSPORT:
            dispatcher.utter_message(text=messages.PASSPORT_NOTHING_TO_CANCEL)
        elif slots.get("consent") == f.NO:
            dispatcher.utter_message(text=messages.CONSENT_REFUSED)
        elif slots.get("confirmation") == f.CANCEL:
            dispatcher.utter_message(response="utter_flow_cancelled")
        elif slots.get("confirmation") == f.CONFIRM:
            new = flow.ticket(slots, tracker.sender_id, submission_key(flow, slots))
            try:
                ticket = await file_ticket(new)
            except SQLAlchemyError:
                log.exception("could not file a %s ticket for conversation %s",
                              flow.name, tracker.sender_id)
                dispatcher.utter_message(text=messages.STORE_FAILED,
                                         buttons=messages.STORE_FAILED_BUTTONS)
                return []  # answers kept: "Réessayer l'envoi" files the same submission
            log.info("filed %s for conversation %s", ticket.reference, tracker.sender_id)
            dispatcher.utter_message(text=messages.filed(flow.name, ticket))
        else:
            dispatcher.utter_message(text=messages.NOTHING_TO_SUBMIT)
        return reset_intake()


def submission_key(flow: Flow, slots: Mapping[str, Any]) -> str:
    """Same flow and same confirmed answers give the same key: a retry files nothing new."""
    answers = {q.slot: slots.get(q.slot) for q in flow.fields(slots)}
    answers["consent_at"] = slots.get("consent_at")
    payload = json.dumps([flow.name, answers], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


class IntakePrompt(FieldPrompt):
    """The current flow's question for one slot; the summary before "Confirmer"."""

    def fields(self, slots: Mapping[str, Any]) -> list[Field]:
        flow = current_flow(slots)
        return flow.fields(slots) if flow else []

    def text(self, question: Field, slots: Mapping[str, Any]) -> str:
        flow = current_flow(slots)
        if self.slot == "confirmation" and flow:
            return f"{flow.summary(slots)}\n\n{question.question(today())}"
        return question.question(today())


# One prompt action per asked slot (rasa-sdk registers every Action subclass it imports).
PROMPTS = {slot: type(f"AskFor_{slot}", (IntakePrompt,), {"slot": slot}) for slot in ASKED_SLOTS}
