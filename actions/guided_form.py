"""One reusable form-validation base class for every guided flow.

Rasa calls a form's validation action after each customer message while the form is active.
This class reads the answer to the question that was asked, whatever the wording:

- the message that starts the form may already hold answers ("je veux résilier mon contrat
  CT-2024-0815"): each question that says how to pick its answer out of a sentence
  (``Field.spot``) is filled from it, and not asked;
- an answer the question's parser accepts fills the slot (button or typed text);
- otherwise a recognised digression (an FAQ question, "annuler", a request for a person…)
  is left to the rules: returning no slot makes Rasa reject the form for this turn, the
  rules answer, and the form asks its question again;
- a free-text answer (subject, description, reason) is an answer whatever its wording or
  punctuation ("… pouvez-vous me la renvoyer ?"): only a short and sure command ("annuler",
  "aide", "un conseiller svp") interrupts it;
- otherwise the customer is told why the answer is refused; after ``MAX_FAILURES`` refusals
  in a row the assistant offers a person or to give up (financial-demo's escalation pattern);
- "en fait mon e-mail est …" corrects an earlier answer at any step.

Subclasses say which questions are asked (``fields``), which intents start the form
(``opening_intents``), and may add cross-field checks (``after_answer``).
"""
from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.fields import Field, Invalid
from bot.settings import load_settings
from bot.validation import looks_like_command

log = logging.getLogger(__name__)

FAILURES_SLOT = "failed_attempts"
MAX_FAILURES = 3
# Intents that may interrupt a flow; anything else is read as an attempt to answer.
DIGRESSIONS = {"faq", "stop", "help", "bot_challenge", "talk_to_human", "submit_request",
               "cancel_maintenance", "cancel_licence", "request_contract_copy"}
# A free-text answer (subject, description, reason) is only taken as a digression when it
# is a short and sure command ("annuler", "aide", "un humain svp"). Customers phrase their
# requests as questions: an FAQ question there is the answer asked for.
FREE_TEXT_DIGRESSIONS = {"stop", "help", "bot_challenge", "talk_to_human"}
SHORT_DIGRESSION_WORDS = 4
SURE_DIGRESSION = 0.8

_MARKER = r"(?:en fait|plut[ôo]t|pardon|correction|oups|erreur|je me suis tromp[ée]e?)"
NOT_A_VALUE = {"correct", "correcte", "bon", "bonne", "juste", "exact", "exacte", "faux", "fausse",
               "incorrect", "incorrecte", "mauvais", "mauvaise", "ok", "vide", "erroné", "erronée"}
Vocabulary = tuple[tuple[str, str], ...]  # (slot, regex of the words naming it)


def correction_vocabulary(questions: Iterable[Field]) -> Vocabulary:
    """How customers name each correctable answer, from the questions' correction words."""
    words: dict[str, dict[str, None]] = {}
    for question in questions:
        if question.correction_words:
            words.setdefault(question.slot, {})[question.correction_words] = None
    return tuple((slot, "|".join(alternatives)) for slot, alternatives in words.items())


@lru_cache(maxsize=16)
def _correction(vocabulary: Vocabulary) -> re.Pattern[str]:
    return re.compile(
        rf"^\s*(?P<marker>{_MARKER})?[\s,:!.]*(?:mon|ma|le|la|l['’])?\s*"
        rf"(?P<what>{'|'.join(f'(?P<{slot}>{words})' for slot, words in vocabulary)})"
        r"(?:\s+(?:est|c'est)\s+|\s*[:=]\s*)(?:plut[ôo]t\s*:?\s*)?(?P<value>\S.*)$",
        re.IGNORECASE)


def now() -> datetime:
    """The service's clock (``FAQBOT_CLOCK`` in tests and demonstrations)."""
    return load_settings().clock.now()


def today() -> date:
    """Today in Brussels, the service's calendar."""
    return load_settings().clock.today()


def answers_the_question(tracker: Tracker) -> bool:
    """Whether the form runs right after a customer message (not at activation or resume)."""
    actions = [e.get("name") for e in tracker.events if e.get("event") == "action"]
    return len(actions) >= 2 and actions[-2] == "action_listen"


def is_digression(message: Mapping[str, Any], question: Field) -> bool:
    """Whether a message that does not answer ``question`` is meant for the rules."""
    intent = message.get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence") or 0.0
    if name not in DIGRESSIONS:
        return False
    if not question.free_text:
        return True
    text = (message.get("text") or "").strip()
    return (name in FREE_TEXT_DIGRESSIONS and confidence >= SURE_DIGRESSION
            and len(text.split()) <= SHORT_DIGRESSION_WORDS)


def find_correction(text: str, requested: str,
                    questions: Iterable[Field]) -> tuple[str, str] | None:
    """``("email", "x@y.be")`` for "en fait mon e-mail est x@y.be", else None.

    ``questions`` name what can be corrected. Without a marker ("en fait", "plutôt"…) only at
    the summary, where nothing else is asked.
    """
    vocabulary = correction_vocabulary(questions)
    match = _correction(vocabulary).match(text or "") if vocabulary else None
    if not match:
        return None
    if not match["marker"] and requested not in {"confirmation", "field_to_correct"}:
        return None
    slot = next(slot for slot, _ in vocabulary if match[slot])
    value = match["value"].strip(" .!")
    if value.casefold() in NOT_A_VALUE:  # "le nom est correct": a verdict, not a new name
        return None
    return slot, value


class GuidedFormValidation(FormValidationAction, ABC):
    """Reads answers, refuses bad ones with a reason, escalates after repeated failures."""

    @abstractmethod
    def fields(self, slots: Mapping[str, Any]) -> list[Field]:
        """The questions of the flow, in order, given what is known so far."""

    @abstractmethod
    def opening_intents(self, slots: Mapping[str, Any]) -> set[str]:
        """The intents whose message starts the form (its answers are picked out of it)."""

    def possible_fields(self, slots: Mapping[str, Any]) -> list[Field]:
        """Every question the form may still ask, whatever the answers to come."""
        return self.fields(slots)

    def after_answer(self, question: Field, value: str, slots: Mapping[str, Any],
                     dispatcher: CollectingDispatcher) -> dict[str, Any]:
        """Extra slot updates once ``question`` got ``value``; raise Invalid to refuse it."""
        return {}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        slots: dict[str, Any] = dict(tracker.slots)
        updates: dict[str, Any] = {}
        requested = tracker.get_slot("requested_slot")
        message = tracker.latest_message
        if requested and answers_the_question(tracker):
            question = next((q for q in self.fields(slots) if q.slot == requested), None)
            if question is not None:
                read = self.read(question, message, slots, dispatcher)
                if read is None:
                    return []  # a digression: Rasa rejects the form and the rules answer
                updates.update(read)
        elif (message.get("intent") or {}).get("name") in self.opening_intents(slots):
            # The message that starts the form (or replaces the running flow by this one).
            updates.update(self.spot(message.get("text") or "", slots, dispatcher))
        slots.update(updates)
        missing = next((q.slot for q in self.fields(slots) if slots.get(q.slot) is None), None)
        return [SlotSet(k, v) for k, v in updates.items()] + [SlotSet("requested_slot", missing)]

    def read(self, question: Field, message: Mapping[str, Any], slots: Mapping[str, Any],
             dispatcher: CollectingDispatcher) -> dict[str, Any] | None:
        """Slot updates for this message, or None when it is a digression."""
        text = message.get("text") or ""
        correction = find_correction(text, question.slot, self.fields(slots))
        if correction:
            fixed = self.correct(*correction, slots, dispatcher)
            if fixed is not None:
                return fixed
        # Free text accepts anything, so a digression is recognised first; a structured
        # answer ("31/12", "Confirmer") wins over whatever the NLU made of it.
        if question.free_text and is_digression(message, question):
            return None
        try:
            value = question.parse(text, today())
            if value is not None:
                extra = self.after_answer(question, value, slots, dispatcher)
                return {question.slot: value, FAILURES_SLOT: 0, **extra}
            if is_digression(message, question):
                return None
            error = question.error
        except Invalid as refused:
            error = str(refused)
        return self.refuse(error, slots, dispatcher)

    def spot(self, text: str, slots: Mapping[str, Any],
             dispatcher: CollectingDispatcher) -> dict[str, Any]:
        """Slot updates for the answers the opening message already holds.

        Only questions that say how to pick their answer out of a sentence (``Field.spot``),
        not answered yet; the answer is then read as if typed alone, and silently left to be
        asked when refused. A typed ``/intent{…}`` command gives nothing.
        """
        if looks_like_command(text):
            return {}
        found: dict[str, Any] = {}
        for question in self.possible_fields(slots):
            if question.spot is None or {**slots, **found}.get(question.slot) is not None:
                continue
            candidate = question.spot(text)
            try:
                value = question.parse(candidate, today()) if candidate else None
                if value is None:
                    continue
                extra = self.after_answer(question, value, {**slots, **found}, dispatcher)
            except Invalid:
                continue
            found.update({question.slot: value, **extra})
        return found

    def correct(self, slot: str, text: str, slots: Mapping[str, Any],
                dispatcher: CollectingDispatcher) -> dict[str, Any] | None:
        """Apply "en fait mon <field> est <value>" to an answer already given."""
        question = next((q for q in self.fields(slots)
                         if q.slot == slot and slots.get(slot) is not None), None)
        if question is None:
            return None
        try:
            value = question.parse(text, today())
            if value is None:
                raise Invalid(question.error)
            extra = self.after_answer(question, value, slots, dispatcher)
        except Invalid as refused:
            return self.refuse(str(refused), slots, dispatcher)
        dispatcher.utter_message(text=messages.corrected(question.label, question.display(value)))
        return {slot: value, FAILURES_SLOT: 0, **extra}

    def refuse(self, error: str, slots: Mapping[str, Any],
               dispatcher: CollectingDispatcher) -> dict[str, Any]:
        failures = int(slots.get(FAILURES_SLOT) or 0) + 1
        dispatcher.utter_message(text=error)
        if failures >= MAX_FAILURES:
            log.info("flow escalated after %d refused answers", failures)
            dispatcher.utter_message(text=messages.FLOW_ESCALATE,
                                     buttons=messages.FLOW_ESCALATE_BUTTONS)
            failures = 0
        return {FAILURES_SLOT: failures}


class FieldPrompt(Action, ABC):
    """``action_ask_<slot>``: the form's question for ``slot``, with its buttons."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    @abstractmethod
    def fields(self, slots: Mapping[str, Any]) -> list[Field]:
        """The form's questions (the same as its validation action's)."""

    def text(self, question: Field, slots: Mapping[str, Any]) -> str:
        return question.question(today())

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        question = next((q for q in self.fields(tracker.slots) if q.slot == self.slot), None)
        if question is None:
            log.error("%s: no question for this slot in the current flow", self.name())
            return []
        dispatcher.utter_message(text=self.text(question, tracker.slots),
                                 buttons=question.buttons(today()))
        return []
