"""The decision rule between answering, clarifying and routing (no model needed)."""
from __future__ import annotations

from typing import Any

from bot.answering import (
    ANSWER_THRESHOLD,
    MAX_CANDIDATES,
    answer_is_unsure,
    candidates,
    predicted_answer,
)

IDS = ["copie_contrat", "resiliation_contrat_maintenance", "service_factures"]


def parse(intent: str = "faq", intent_conf: float = 0.95, selected: str = "copie_contrat",
          selected_conf: float = 0.9, ranking: list[tuple[str, float]] | None = None,
          intents: list[tuple[str, float]] | None = None) -> dict[str, Any]:
    ranking = ranking or [(selected, selected_conf)]
    return {
        "intent": {"name": intent, "confidence": intent_conf},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in (intents or [(intent, intent_conf)])],
        "entities": [],
        "response_selector": {"faq": {
            "response": {"intent_response_key": f"faq/{selected}", "confidence": selected_conf},
            "ranking": [{"intent_response_key": f"faq/{k}", "confidence": c} for k, c in ranking],
        }},
    }


def test_a_confident_selection_is_answered() -> None:
    assert not answer_is_unsure(parse())
    assert predicted_answer(parse()) == "copie_contrat"


def test_an_unsure_selector_is_unsure_even_with_a_sure_intent() -> None:
    assert answer_is_unsure(parse(intent_conf=0.99, selected_conf=ANSWER_THRESHOLD - 0.01))
    assert not answer_is_unsure(parse(selected_conf=ANSWER_THRESHOLD))


def test_a_message_without_selector_output_is_unsure() -> None:
    assert answer_is_unsure({"intent": {"name": "faq", "confidence": 1.0}})


def test_candidates_mix_entries_and_action_intents_best_first() -> None:
    message = parse(intent="nlu_fallback", intent_conf=0.4,
                    intents=[("nlu_fallback", 0.55), ("faq", 0.5), ("cancel_licence", 0.3), ("greet", 0.2)],
                    ranking=[("copie_contrat", 0.5), ("service_factures", 0.3),
                             ("resiliation_contrat_maintenance", 0.2)])
    found = candidates(message, IDS)
    assert len(found) == MAX_CANDIDATES
    assert [(c.faq_entry, c.intent) for c in found] == [
        (None, "cancel_licence"), ("copie_contrat", None), ("service_factures", None)]


def test_candidates_ignore_unknown_entries_and_weak_guesses() -> None:
    message = parse(intent="nlu_fallback", intents=[("faq", 0.9)],
                    ranking=[("ancienne_entree", 0.9), ("service_factures", 0.04)])
    assert candidates(message, IDS) == ()


def test_action_intents_route_to_their_entry_and_the_rest_answers_nothing() -> None:
    assert predicted_answer(parse(intent="request_contract_copy")) == "copie_contrat"
    assert predicted_answer(parse(intent="out_of_scope")) is None
    assert predicted_answer(parse(intent="nlu_fallback")) is None
