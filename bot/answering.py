"""How the assistant decides between answering, asking "did you mean ...?" and escalating.

Pure functions over Rasa's parse data, shared by the action server (``actions/faq.py``) and
the evaluation (``bot/nlu/evaluate.py``), so that what is measured is what customers get.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

FAQ_INTENT = "faq"
FALLBACK_INTENT = "nlu_fallback"
FAQ_ENTRY_ENTITY = "faq_entry"

# The ResponseSelector's confidence is separate from the intent's: `faq` at 0.99 can still
# pick a wrong answer at 0.2. Below this, the assistant asks instead of answering.
ANSWER_THRESHOLD = 0.5
# A candidate needs at least this joint confidence to be offered as a "did you mean" button.
CANDIDATE_THRESHOLD = 0.05
MAX_CANDIDATES = 3

# Intents that can be offered as "did you mean" buttons, with their French labels.
ACTION_INTENT_LABELS: Mapping[str, str] = {
    "submit_request": "Soumettre une demande",
    "cancel_maintenance": "Résilier un contrat de maintenance",
    "cancel_licence": "Résilier une licence logicielle",
    "request_contract_copy": "Obtenir une copie de mon contrat",
    "check_request_status": "Suivre une demande",
    "talk_to_human": "Parler à un conseiller",
}

# Action intents that are the in-chat version of an FAQ entry: a customer routed to the
# action gets that entry's topic (the flow restates its rules), so it counts as answered.
ENTRY_FOR_ACTION_INTENT: Mapping[str, str] = {
    "submit_request": "poser_question_en_ligne",
    "cancel_maintenance": "resiliation_contrat_maintenance",
    "cancel_licence": "resiliation_licence_logiciel",
    "request_contract_copy": "copie_contrat",
    "check_request_status": "service_suivi_demandes",
}


@dataclass(frozen=True)
class Candidate:
    """Something the customer may have meant: an FAQ entry or an action intent."""

    score: float
    faq_entry: str | None = None
    intent: str | None = None


@dataclass(frozen=True)
class Decision:
    """What to do with a message: ``answer`` an entry, or ``clarify`` with candidates."""

    kind: str
    faq_entry: str | None = None
    confidence: float = 0.0
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)


def _entry_id(intent_response_key: str | None) -> str | None:
    if intent_response_key and intent_response_key.startswith(f"{FAQ_INTENT}/"):
        return intent_response_key.split("/", 1)[1]
    return None


def chosen_entry(parse: Mapping[str, Any], known_ids: Iterable[str]) -> str | None:
    """The entry a customer picked with a button (``/faq{"faq_entry": "<id>"}``), if valid."""
    known = set(known_ids)
    for entity in parse.get("entities") or []:
        if entity.get("entity") == FAQ_ENTRY_ENTITY and entity.get("value") in known:
            return str(entity["value"])
    return None


def selected_answer(parse: Mapping[str, Any]) -> tuple[str | None, float]:
    """The ResponseSelector's pick for the ``faq`` intent and its confidence."""
    selector = (parse.get("response_selector") or {}).get(FAQ_INTENT) or {}
    response = selector.get("response") or {}
    return _entry_id(response.get("intent_response_key")), float(response.get("confidence") or 0.0)


def candidates(parse: Mapping[str, Any], known_ids: Iterable[str]) -> tuple[Candidate, ...]:
    """Best guesses for an unclear message, scored by joint confidence, best first."""
    known = set(known_ids)
    ranking = {item["name"]: float(item["confidence"]) for item in parse.get("intent_ranking") or []}
    faq_confidence = ranking.get(FAQ_INTENT, 0.0)
    found: list[Candidate] = []
    selector = (parse.get("response_selector") or {}).get(FAQ_INTENT) or {}
    for item in selector.get("ranking") or []:
        entry = _entry_id(item.get("intent_response_key"))
        if entry in known:
            found.append(Candidate(faq_confidence * float(item["confidence"]), faq_entry=entry))
    for intent, confidence in ranking.items():
        if intent in ACTION_INTENT_LABELS:
            found.append(Candidate(confidence, intent=intent))
    found.sort(key=lambda candidate: candidate.score, reverse=True)
    return tuple(c for c in found if c.score >= CANDIDATE_THRESHOLD)[:MAX_CANDIDATES]


def decide_faq(parse: Mapping[str, Any], known_ids: Iterable[str]) -> Decision:
    """Decide how to reply to a message classified as ``faq`` (or to a chosen entry)."""
    known = list(known_ids)
    chosen = chosen_entry(parse, known)
    if chosen:
        return Decision("answer", faq_entry=chosen, confidence=1.0)
    entry, confidence = selected_answer(parse)
    if entry in known and confidence >= ANSWER_THRESHOLD:
        return Decision("answer", faq_entry=entry, confidence=confidence)
    return Decision("clarify", confidence=confidence, candidates=candidates(parse, known))


def predicted_answer(parse: Mapping[str, Any], known_ids: Iterable[str]) -> str | None:
    """The entry the assistant would answer with (or route to), None when it would not."""
    intent = (parse.get("intent") or {}).get("name")
    if intent in ENTRY_FOR_ACTION_INTENT:
        return ENTRY_FOR_ACTION_INTENT[intent]
    if intent != FAQ_INTENT:
        return None
    decision = decide_faq(parse, known_ids)
    return decision.faq_entry if decision.kind == "answer" else None
