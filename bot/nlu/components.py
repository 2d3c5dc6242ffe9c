"""Custom Rasa NLU components (loaded by the *rasa* environment from ``config.yml``)."""
from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.answering import (
    FALLBACK_INTENT,
    FAQ_INTENT,
    HUMAN_INTENT,
    answer_is_unsure,
    asks_for_a_person,
    selected_answer,
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FaqAnswerGate(GraphComponent):
    """Turns an ``faq`` message whose selected answer is unsure into ``nlu_fallback``.

    The ResponseSelector's confidence is independent of the intent's; without this gate
    the assistant would confidently give a wrong answer. Place it after the
    ResponseSelector (and the FallbackClassifier) in the pipeline, with its ``threshold``
    (no default: the pipeline's config is the one place it is set).
    """

    def __init__(self, config: dict[str, Any]) -> None:
        self.threshold = float(config["threshold"])

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> FaqAnswerGate:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") != FAQ_INTENT or not answer_is_unsure(message.data, self.threshold):
                continue
            _, confidence = selected_answer(message.data)
            fallback = {"name": FALLBACK_INTENT, "confidence": confidence}
            message.set(INTENT, fallback, add_to_output=True)
            message.data.setdefault(INTENT_RANKING_KEY, []).insert(0, fallback)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PersonRequest(GraphComponent):
    """Makes an explicit request for a person ``talk_to_human``, whatever else it mentions.

    "Je voudrais parler à un conseiller, j'ai un souci avec ma facture de mars": the topic's
    words can outweigh the request in the classifiers, which would answer the invoices FAQ
    entry instead. The request wins (``bot.answering.asks_for_a_person``); the rest of the
    parse is kept: the ranking below it and the ResponseSelector's pick, which tells the
    agent what the customer is asking about. Place it last in the pipeline.
    """

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> PersonRequest:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if not asks_for_a_person(message.get(TEXT) or ""):
                continue
            person = {"name": HUMAN_INTENT, "confidence": 1.0}
            ranking = [item for item in message.get(INTENT_RANKING_KEY) or []
                       if item.get("name") != HUMAN_INTENT]
            message.set(INTENT, person, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [person, *ranking], add_to_output=True)
        return messages
