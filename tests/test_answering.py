"""The decision rule between answering, clarifying and routing (no model needed)."""
from __future__ import annotations

from typing import Any

from bot.answering import (ANSWER_THRESHOLD, MAX_CANDIDATES, candidates, decide_faq,
                           predicted_answer)

IDS = ["copie_contrat", "resiliation_contrat_maintenance", "service_factures"]


def parse(intent: str = "faq", intent_conf: float = 0.95, selected: str = "copie_contrat",
          selected_conf: float = 0.9, ranking: list[tuple[str, float]] | None = None,
          entities: list[dict[str, Any]] | None = None,
          intents: list[tuple[str, float]] | None = None) -> dict[str, Any]:
    ranking = ranking or [(selected, selected_conf)]
    return {
        "intent": {"name": intent, "confidence": intent_conf},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in (intents or [(intent, intent_conf)])],
        "entities": entities or [],
        "response_selector": {"faq": {
            "response": {"intent_response_key": f"faq/{selected}", "confidence": selected_conf},
            "ranking": [{"intent_response_key": f"faq/{k}", "confidence": c} for k, c in ranking],
        }},
    }


def test_confident_selection_is_answered() -> None:
    decision = decide_faq(parse(), IDS)
    assert (decision.kind, decision.faq_entry) == ("answer", "copie_contrat")


def test_unsure_selector_is_not_answered_even_with_a_sure_intent() -> None:
    unsure = parse(intent_conf=0.99, selected_conf=ANSWER_THRESHOLD - 0.01,
                   ranking=[("copie_contrat", 0.45), ("service_factures", 0.4)])
    decision = decide_faq(unsure, IDS)
    assert decision.kind == "clarify"
    assert [c.faq_entry for c in decision.candidates] == ["copie_contrat", "service_factures"]
    assert predicted_answer(unsure, IDS) is None


def test_a_chosen_button_wins_over_the_selector() -> None:
    chosen = parse(entities=[{"entity": "faq_entry", "value": "service_factures"}], selected_conf=0.1)
    assert decide_faq(chosen, IDS).faq_entry == "service_factures"


def test_an_unknown_or_injected_entry_is_ignored() -> None:
    injected = parse(entities=[{"entity": "faq_entry", "value": "../../etc/passwd"}], selected_conf=0.2)
    assert decide_faq(injected, IDS).kind == "clarify"


def test_an_unknown_selected_entry_is_not_answered() -> None:
    assert decide_faq(parse(selected="ancienne_entree", selected_conf=0.99), IDS).kind == "clarify"


def test_candidates_mix_entries_and_action_intents_best_first() -> None:
    message = parse(intent="nlu_fallback", intent_conf=0.4,
                    intents=[("nlu_fallback", 0.55), ("faq", 0.5), ("cancel_licence", 0.3), ("greet", 0.2)],
                    ranking=[("copie_contrat", 0.5), ("service_factures", 0.3), ("resiliation_contrat_maintenance", 0.2)])
    found = candidates(message, IDS)
    assert len(found) == MAX_CANDIDATES
    assert [(c.faq_entry, c.intent) for c in found] == [
        (None, "cancel_licence"), ("copie_contrat", None), ("service_factures", None)]


def test_action_intents_route_to_their_entry_and_chitchat_answers_nothing() -> None:
    assert predicted_answer(parse(intent="request_contract_copy"), IDS) == "copie_contrat"
    assert predicted_answer(parse(intent="out_of_scope"), IDS) is None
    assert predicted_answer(parse(intent="nlu_fallback"), IDS) is None
