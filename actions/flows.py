"""The four intake flows: which questions each asks, in which order, and what it files.

Pure data and functions over slot values (no Rasa calls), so the flows' logic is unit-tested
without a model. ``fields(slots)`` is dynamic: a licence flow stops after "Passport
Advantage", every flow stops after a consent refusal or a cancelled summary, and "Corriger"
inserts the "what to correct" question before the summary.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from actions import fields as f
from actions.fields import Field
from bot.facts import TicketKind
from bot.tickets.store import NewTicket

Slots = Mapping[str, Any]


@dataclass(frozen=True)
class Flow:
    """A guided conversation that ends in a ticket."""

    name: str
    intent: str                    # the intent that starts it
    kind: TicketKind
    intro: str                     # first message, before the first question
    summary_title: str
    questions: Callable[[Slots], list[Field]]
    category: str | None = None    # fixed ticket category; None: the customer picks one

    def fields(self, slots: Slots) -> list[Field]:
        """The questions to ask, given what is known so far."""
        asked = self.questions(slots)
        if slots.get("consent") == f.NO:
            return asked[:_index(asked, "consent") + 1]
        asked += [f.CONFIRMATION_FIELD]
        if slots.get("confirmation") == f.CORRECT:
            asked.insert(len(asked) - 1, f.field_to_correct(self.correctable(slots)))
        return asked

    def possible_fields(self, slots: Slots) -> list[Field]:
        """Every question it may still ask, whatever the answers to come (a contract number
        given when starting a request is kept for the categories that ask for it)."""
        given = {slot: value for slot, value in slots.items() if value is not None}
        return self.fields({**_EVERY_BRANCH, **given})

    def correctable(self, slots: Slots) -> list[Field]:
        """What "Corriger" offers: the answers given so far (consent and signature aside)."""
        fixed = {"consent", "signature", "confirmation", "field_to_correct", "licence_type"}
        return [q for q in self.questions(slots)
                if q.slot not in fixed and slots.get(q.slot) is not None]

    def summary(self, slots: Slots) -> str:
        lines = [f"• {q.label} : {q.display(str(slots[q.slot]))}"
                 for q in self.questions(slots)
                 if q.slot not in {"consent", "confirmation"} and slots.get(q.slot) is not None]
        return f"Voici le récapitulatif de {self.summary_title} :\n" + "\n".join(lines)

    def ticket(self, slots: Slots, conversation_id: str, idempotency_key: str) -> NewTicket:
        """The record to file from a confirmed flow's slots: each answer in its column."""
        columns: dict[str, Any] = {"category": self.category}
        for question in self.questions(slots):
            columns.update(question.columns(slots))
        return NewTicket(
            kind=self.kind, category=columns.pop("category"),
            customer_name=columns.pop("customer_name"), email=columns.pop("email"),
            consent_at=columns.pop("consent_at"), conversation_id=conversation_id,
            idempotency_key=idempotency_key, details=columns)


def _index(questions: list[Field], slot: str) -> int:
    return next(i for i, q in enumerate(questions) if q.slot == slot)


def _request(slots: Slots) -> list[Field]:
    asked = [f.REQUEST_CATEGORY, f.SUBJECT, f.DESCRIPTION]
    if slots.get("request_category") in f.CATEGORIES_WITH_CONTRACT:
        asked.append(f.REQUEST_CONTRACT_NUMBER)
    return asked + [f.CONSENT_FIELD, f.CUSTOMER_NAME, f.COMPANY, f.EMAIL, f.PHONE]


def _maintenance(slots: Slots) -> list[Field]:
    return [f.CONTRACT_NUMBER, f.MAINTENANCE_END_DATE, f.REASON, f.CONSENT_FIELD,
            f.CONTACT_NAME, f.EMAIL, f.PHONE, f.SIGNATURE]


def _licence(slots: Slots) -> list[Field]:
    return [f.LICENCE_TYPE, f.LICENCE_NUMBER, f.LICENCE_END_DATE, f.DESTRUCTION_CONFIRMED,
            f.CONSENT_FIELD, f.CUSTOMER_NAME, f.EMAIL, f.PHONE]


def _copy(slots: Slots) -> list[Field]:
    return [f.CONTRACT_NUMBER, f.CONSENT_FIELD, f.CUSTOMER_NAME, f.COMPANY, f.EMAIL, f.PHONE]


class _LicenceFlow(Flow):
    def fields(self, slots: Slots) -> list[Field]:
        if slots.get("licence_type") != f.MONTHLY:
            # Type first; Passport Advantage: nothing to cancel, the flow ends explaining why.
            return [f.LICENCE_TYPE]
        return super().fields(slots)


FLOWS: dict[str, Flow] = {flow.name: flow for flow in (
    Flow("request", "submit_request", TicketKind.REQUEST,
         "Je vais enregistrer votre demande pour le Service Clientèle. Quelques questions "
         "suffisent ; vous pourrez tout relire avant l'envoi.",
         "votre demande", _request),
    Flow("maintenance", "cancel_maintenance", TicketKind.MAINTENANCE_CANCELLATION,
         "Je vais préparer avec vous le préavis de résiliation de votre contrat de maintenance. "
         "Vous le signerez en tapant votre nom, et vous pourrez tout relire avant l'envoi.",
         "votre préavis de résiliation", _maintenance,
         category="Résiliation de contrat de maintenance"),
    _LicenceFlow("licence", "cancel_licence", TicketKind.LICENCE_TERMINATION,
                 "Je vais préparer avec vous la résiliation de votre licence logicielle.",
                 "votre demande de résiliation", _licence,
                 category="Résiliation de licence mensuelle"),
    Flow("copy", "request_contract_copy", TicketKind.CONTRACT_COPY,
         "Je vais transmettre votre demande de copie de contrat au Service Clientèle.",
         "votre demande de copie", _copy, category="Copie de contrat"),
)}
FLOW_FOR_INTENT = {flow.intent: flow for flow in FLOWS.values()}

# Answers under which every flow asks every question it can (a category that needs the
# contract number, a monthly licence, "Corriger"): what the domain declares.
_EVERY_BRANCH = {"request_category": min(f.CATEGORIES_WITH_CONTRACT), "licence_type": f.MONTHLY,
                 "confirmation": f.CORRECT}
EVERY_QUESTION = tuple(dict.fromkeys(
    q for flow in FLOWS.values() for q in flow.fields(_EVERY_BRANCH)))
ASKED_SLOTS = tuple(dict.fromkeys(q.slot for q in EVERY_QUESTION))  # in the order first asked
STAMP_SLOTS = tuple(dict.fromkeys(q.stamp for q in EVERY_QUESTION if q.stamp))
