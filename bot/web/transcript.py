"""What agents read of a conversation: its transcript and a summary, from Rasa's tracker.

Customer messages, bot answers and agents' messages are all events of the one tracker
(agents' messages are bot events with ``metadata.agent``), so the transcript is in one place.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from bot.answering import HUMAN_INTENT, selected_answer
from bot.domain import asked_slots, load_domain
from bot.settings import PROJECT_ROOT

# What agents see of the slots: the customer's answers, i.e. the slots a form of the domain
# asks for; bookkeeping slots (times, counters, the current flow) are never asked.
ANSWER_SLOTS = frozenset(asked_slots(load_domain(PROJECT_ROOT)))
# A request for a person names the FAQ entry it is about ("parler à un conseiller, j'ai un
# souci avec ma facture") when the ResponseSelector is at least this sure of it; a bare
# "un conseiller svp" names none (its pick stays well below).
TOPIC_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Line:
    """One message: who (``customer``, ``bot``, ``agent``), the text, and for bot turns what
    the model understood of the message before (intent, answer entry, confidences)."""

    who: str
    text: str
    at: datetime
    agent: str = ""
    intent: str = ""
    intent_confidence: float | None = None
    answer: str = ""
    answer_confidence: float | None = None
    asked: str = ""               # for bot turns: the customer message it answered
    topic: str = ""               # for bot turns: the FAQ entry a request for a person is about


def lines(tracker: dict[str, Any]) -> list[Line]:
    """The transcript, oldest first."""
    out: list[Line] = []
    understood: dict[str, Any] = {}
    for event in tracker.get("events") or []:
        at = datetime.fromtimestamp(event.get("timestamp") or 0, tz=timezone.utc)
        if event.get("event") == "user":
            parse = event.get("parse_data") or {}
            selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
            intent = (parse.get("intent") or {}).get("name") or ""
            entry, entry_confidence = selected_answer(parse)
            about_person = intent == HUMAN_INTENT and entry_confidence >= TOPIC_CONFIDENCE
            understood = {
                "asked": event.get("text") or "",
                "intent": intent,
                "intent_confidence": (parse.get("intent") or {}).get("confidence"),
                "answer": (selected.get("intent_response_key") or "").removeprefix("faq/")
                if intent == "faq" else "",
                "answer_confidence": selected.get("confidence") if intent == "faq" else None,
                "topic": (entry or "") if about_person else "",
            }
            out.append(Line("customer", event.get("text") or "", at))
        elif event.get("event") == "bot" and event.get("text"):
            agent = ((event.get("metadata") or {}).get("agent")) or ""
            if agent:
                out.append(Line("agent", event["text"], at, agent=agent))
            else:
                out.append(Line("bot", event["text"], at, **understood))
    return out


def summary(tracker: dict[str, Any]) -> dict[str, Any]:
    """Topic (intents asked), what the bot already answered, the FAQ entries the customer's
    requests for a person were about, and slots already collected."""
    transcript = lines(tracker)
    intents = [line.intent for line in transcript if line.who == "bot" and line.intent]
    topics = list(dict.fromkeys(i for i in intents if i not in {"greet", "thank", "nlu_fallback"}))
    answered = [line.answer for line in transcript if line.who == "bot" and line.answer]
    mentioned = [line.topic for line in transcript if line.who == "bot" and line.topic]
    slots = {name: value for name, value in (tracker.get("slots") or {}).items()
             if value not in (None, "", []) and name in ANSWER_SLOTS}
    last = [line.text for line in transcript if line.who == "customer"][-3:]
    return {"topics": topics, "answered": list(dict.fromkeys(answered)),
            "mentioned": list(dict.fromkeys(mentioned)), "slots": slots, "last_messages": last}
