"""How the assistant decides between answering, asking "did you mean ...?" and escalating.

Pure functions over Rasa's parse data, shared by the NLU gate (``bot/nlu/components.py``),
the action server (``actions/clarify.py``) and the evaluation (``bot/nlu/evaluate.py``),
so that what is measured is what customers get.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.text import fold_accents

FAQ_INTENT = "faq"
FALLBACK_INTENT = "nlu_fallback"
HUMAN_INTENT = "talk_to_human"

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


# --- an explicit request for a person -------------------------------------------------
# "Je voudrais parler à un conseiller, j'ai un souci avec ma facture": the topic words can
# outweigh the request in the classifiers, yet the person is what is asked for (the topic
# goes to the agent's summary). Matched on accent-free lower case.
_SOMEONE = (r"(?:(?:un|une|le|la|l'|des|vos|votre)\s*)?(?:(?:vrai|vraie|vrais|vraies)\s+)?"
            r"(?:conseill(?:er|ere)s?|humains?|agents?|operat(?:eur|rice)s?|"
            r"collaborat(?:eur|rice)s?|interlocut(?:eur|rice)s?|responsables?|quelqu'?un|qqn|"
            r"personnes?(?!\s+(?:de contact|morale|concernee|a contacter)))\b")
_PERSON_REQUEST = re.compile(
    # "(je voudrais) parler à un conseiller", "discuter avec quelqu'un"
    rf"\b(?:parler|discuter)\s+(?:a|avec)\s+{_SOMEONE}"
    # "passez-moi un humain", "mettez-moi en contact avec un agent", "transférez-moi à …"
    rf"|\b(?:passez|passe|mettez|mets|transferez|transfere|redirigez)[- ]moi\b[^.?!]{{0,30}}?{_SOMEONE}"
    rf"|\bmettre en (?:relation|contact) avec {_SOMEONE}"
    # "un conseiller svp", "un humain s'il vous plaît", "je veux un vrai conseiller"
    r"|^(?:bonjour|allo|svp)?[ ,!]*(?:(?:je|j')\s*(?:veux|voudrais|souhaite|aimerais|demande)\s+)?"
    r"(?:(?:un|une)\s+)?(?:(?:vrai|vraie)\s+)?(?:conseill(?:er|ere)|humain|agent humain|operat(?:eur|rice)"
    r"|personne (?:reelle|humaine|physique)|interlocuteur humain)"
    r"(?:\s*(?:svp|stp|s'il vous plait|s'il te plait|merci|please))?[ .!]*$")
# Not a request: asking how to reach the service (its number, its hours: the FAQ answers
# it), or not wanting a person.
_NOT_A_PERSON_REQUEST = re.compile(
    r"\b(?:quel(?:le)?s?\s+(?:numero|heures?|horaires?)|numero de telephone|telephone|"
    r"telephoner|appeler|horaires?|heures? d'ouverture|quand|disponibles?|joignables?)\b"
    r"|\b(?:pas|plus|jamais|sans)\s+(?:\S+\s+){0,2}?(?:parler|discuter)\b")


def asks_for_a_person(text: str) -> bool:
    """Whether ``text`` explicitly asks to talk to a person, whatever else it says."""
    folded = re.sub(r"\s+", " ", fold_accents(text.replace("’", "'"))).strip()
    return bool(_PERSON_REQUEST.search(folded)) and not _NOT_A_PERSON_REQUEST.search(folded)
