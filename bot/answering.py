"""How the assistant decides between answering, asking "did you mean ...?" and escalating.

Pure functions over Rasa's parse data, shared by the NLU gate (``bot/nlu/components.py``),
the action server (``actions/clarify.py``) and the evaluation (``bot/nlu/evaluate.py``),
so that what is measured is what customers get.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FAQ_INTENT = "faq"
FALLBACK_INTENT = "nlu_fallback"

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


def entry_id(intent_response_key: str | None) -> str | None:
    """``faq/<id>`` -> ``<id>``; anything else -> None."""
    if intent_response_key and intent_response_key.startswith(f"{FAQ_INTENT}/"):
        return intent_response_key.split("/", 1)[1]
    return None


def selected_answer(parse: Mapping[str, Any]) -> tuple[str | None, float]:
    """The ResponseSelector's pick for the ``faq`` intent and its confidence."""
    selector = (parse.get("response_selector") or {}).get(FAQ_INTENT) or {}
    response = selector.get("response") or {}
    return entry_id(response.get("intent_response_key")), float(response.get("confidence") or 0.0)


def answer_is_unsure(parse: Mapping[str, Any], threshold: float) -> bool:
    """Whether an ``faq`` message's selected answer is too uncertain to be given.

    The ResponseSelector's confidence is separate from the intent's: ``faq`` at 0.99 can
    still pick a wrong answer at 0.2. ``threshold`` is the ``FaqAnswerGate``'s, set in
    ``config.yml`` with the other thresholds of the pipeline.
    """
    entry, confidence = selected_answer(parse)
    return entry is None or confidence < threshold


def candidates(parse: Mapping[str, Any], known_ids: Iterable[str]) -> tuple[Candidate, ...]:
    """Best guesses for an unclear message, scored by joint confidence, best first."""
    known = set(known_ids)
    ranking = {item["name"]: float(item["confidence"]) for item in parse.get("intent_ranking") or []}
    faq_confidence = ranking.get(FAQ_INTENT, 0.0)
    found: list[Candidate] = []
    selector = (parse.get("response_selector") or {}).get(FAQ_INTENT) or {}
    for item in selector.get("ranking") or []:
        entry = entry_id(item.get("intent_response_key"))
        if entry in known:
            found.append(Candidate(faq_confidence * float(item["confidence"]), faq_entry=entry))
    for intent, confidence in ranking.items():
        if intent in ACTION_INTENT_LABELS:
            found.append(Candidate(confidence, intent=intent))
    found.sort(key=lambda candidate: candidate.score, reverse=True)
    return tuple(c for c in found if c.score >= CANDIDATE_THRESHOLD)[:MAX_CANDIDATES]


def predicted_answer(parse: Mapping[str, Any]) -> str | None:
    """The entry the assistant answers with (or routes to), None when it does not.

    ``parse`` is the output of the full pipeline, gate included: an unsure ``faq`` has
    already become ``nlu_fallback`` there.
    """
    intent = str((parse.get("intent") or {}).get("name") or "")
    if intent in ENTRY_FOR_ACTION_INTENT:
        return ENTRY_FOR_ACTION_INTENT[intent]
    if intent != FAQ_INTENT:
        return None
    return selected_answer(parse)[0]
