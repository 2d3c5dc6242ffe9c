"""Handing the conversation over to a person, and the rating once the agent closed it.

During opening hours the conversation joins the agents' queue and the bot pauses (Rasa
still records the customer's messages; the gateway relays them to the agent). Outside
hours the customer learns when agents are back and may leave a written request.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import messages
from actions.stores import rate_handoff, request_handoff
from bot.db.tables import HandoffReason
from bot.handoff import hours
from bot.settings import load_settings

log = logging.getLogger(__name__)


def handoff_reason(tracker: Tracker) -> HandoffReason:
    """Why the customer is handed over: asked, not understood, a failing flow, not helped."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent == "answer_not_helpful":
        return HandoffReason.NOT_HELPFUL
    last_turn: list[str] = []  # what the bot said in reply to the previous message
    events = list(tracker.events)
    latest_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=0)
    for event in reversed(events[:latest_user]):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            last_turn.append(event.get("text") or "")
    if messages.ESCALATE in last_turn:
        return HandoffReason.NOT_UNDERSTOOD
    if messages.FLOW_ESCALATE in last_turn:
        return HandoffReason.VALIDATION
    return HandoffReason.ASKED


class ActionHandoff(Action):
    """Queue the conversation for an agent (in hours) or say when agents are back."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        reason = handoff_reason(tracker)
        prefix = messages.NOT_HELPFUL_SORRY + " " if reason is HandoffReason.NOT_HELPFUL else ""
        now = load_settings().clock.now()
        if not hours.is_open(now):
            dispatcher.utter_message(text=prefix + messages.agents_away(hours.back_at(now)),
                                     buttons=messages.AGENTS_AWAY_BUTTONS)
            return []
        try:
            _, position = await request_handoff(tracker.sender_id, reason)
        except SQLAlchemyError:
            log.exception("could not queue conversation %s for an agent", tracker.sender_id)
            dispatcher.utter_message(text=messages.HANDOFF_FAILED)
            return []
        log.info("conversation %s queued for an agent (%s, position %d)",
                 tracker.sender_id, reason.value, position)
        dispatcher.utter_message(text=prefix + messages.queued(position),
                                 buttons=messages.LEAVE_QUEUE_BUTTONS)
        return [ConversationPaused()]


class ActionAskRating(Action):
    """After the agent closed the conversation: the bot is back and asks for a 1-5 rating."""

    def name(self) -> str:
        return "action_ask_rating"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=messages.ASK_RATING, buttons=messages.RATING_BUTTONS)
        return []


class ActionStoreRating(Action):
    """Store the rating the customer clicked (1 to 5)."""

    def name(self) -> str:
        return "action_store_rating"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        rating = _rating(tracker.latest_message.get("entities") or [],
                         tracker.latest_message.get("text") or "")
        if rating is None:
            dispatcher.utter_message(text=messages.ASK_RATING, buttons=messages.RATING_BUTTONS)
            return []
        try:
            stored = await rate_handoff(tracker.sender_id, rating)
        except SQLAlchemyError:
            log.exception("could not store the rating of %s", tracker.sender_id)
            stored = None
        if stored is None:
            log.warning("rating %d of %s matched no closed handoff", rating, tracker.sender_id)
        dispatcher.utter_message(text=messages.THANKS_FOR_RATING)
        return []


def _rating(entities: list[dict[str, Any]], text: str) -> int | None:
    """The button's ``rating`` entity, or the first 1-5 digit typed ("je donne 4")."""
    for entity in entities:
        if entity.get("entity") == "rating" and str(entity.get("value")) in {"1", "2", "3", "4", "5"}:
            return int(entity["value"])
    typed = re.search(r"(?<!\d)[1-5](?!\d)", text if not text.startswith("/") else "")
    return int(typed[0]) if typed else None
