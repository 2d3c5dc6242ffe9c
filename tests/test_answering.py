"""The decision rule between answering, clarifying and routing (no model needed)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.answering import (
    MAX_CANDIDATES,
    answer_is_unsure,
    asks_for_a_person,
    candidates,
    predicted_answer,
)

ROOT = Path(__file__).resolve().parent.parent
GATE = "bot.nlu.components.FaqAnswerGate"
IDS = ["copie_contrat", "resiliation_contrat_maintenance", "service_factures"]


def gates(config: Path) -> list[dict[str, Any]]:
    """The answer gates of a pipeline config."""
    pipeline = yaml.safe_load(config.read_text(encoding="utf-8"))["pipeline"]
    return [component for component in pipeline if component["name"] == GATE]


# config.yml is the one place the shipped threshold is set (the gate has no default).
THRESHOLD = float(gates(ROOT / "config.yml")[0]["threshold"])


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
    assert not answer_is_unsure(parse(), THRESHOLD)
    assert predicted_answer(parse()) == "copie_contrat"


def test_an_unsure_selector_is_unsure_even_with_a_sure_intent() -> None:
    assert answer_is_unsure(parse(intent_conf=0.99, selected_conf=THRESHOLD - 0.01), THRESHOLD)
    assert not answer_is_unsure(parse(selected_conf=THRESHOLD), THRESHOLD)


def test_a_message_without_selector_output_is_unsure() -> None:
    assert answer_is_unsure({"intent": {"name": "faq", "confidence": 1.0}}, THRESHOLD)


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


@pytest.mark.parametrize("text", [
    "Je voudrais parler à un conseiller, j'ai un souci avec ma facture de mars",
    "je veux parler à quelqu'un", "un conseiller svp", "Humain !", "jveux parler a qqn",
    "passez-moi un humain", "mettez-moi en contact avec un agent pour ma commande",
    "pouvez-vous me mettre en relation avec quelqu'un du service client",
    "Bonjour, je voudrais discuter avec une vraie personne de ma licence",
    "je veux un interlocuteur humain", "un agent humain s'il vous plaît",
])
def test_an_explicit_request_for_a_person_is_recognised(text: str) -> None:
    assert asks_for_a_person(text)


@pytest.mark.parametrize("text", [
    # how to reach the service: the FAQ answers it (phone number, hours)
    "Je voudrais parler à quelqu'un du Service Clientèle, à quel numéro dois-je appeler ?",
    "J'ai besoin de parler à un conseiller du Service Clientèle, quand êtes-vous disponibles ?",
    "comment joindre un agent du service client par telephone",
    # is it a bot? not wanting a person; people that are not agents
    "je parle à un humain ?", "es-tu une vraie personne", "je ne veux pas parler à un humain",
    "Qui est la personne de contact pour ce contrat ?", "un agent de maintenance est passé",
    "mon conseiller m'a dit de résilier", "Tu peux me conseiller un bon film pour ce soir ?",
])
def test_other_mentions_of_people_are_left_to_the_model(text: str) -> None:
    assert not asks_for_a_person(text)


def test_no_held_out_faq_paraphrase_or_out_of_domain_message_reads_as_a_person_request() -> None:
    heldout = yaml.safe_load((ROOT / "tests/data/faq_heldout.yml").read_text(encoding="utf-8"))
    paraphrases = [line.strip()[2:] for item in heldout["nlu"]
                   for line in item["examples"].splitlines() if line.strip()]
    out_of_domain = yaml.safe_load(
        (ROOT / "tests/data/out_of_domain.yml").read_text(encoding="utf-8"))["messages"]
    assert len(paraphrases) > 200
    assert [text for text in paraphrases + out_of_domain if asks_for_a_person(text)] == []


CONFIGS = [ROOT / "config.yml", *sorted((ROOT / "bench" / "nlu_configs").glob("*.yml"))]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda path: path.name)
def test_every_pipeline_with_the_gate_sets_its_threshold(config: Path) -> None:
    for gate in gates(config):
        assert 0 < float(gate["threshold"]) < 1, config
