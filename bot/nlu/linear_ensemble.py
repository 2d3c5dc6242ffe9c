"""An ensemble of Rasa's classifiers with a linear model of character n-grams.

A candidate of ``make bench`` (``bench/nlu_configs/linear_ensemble.yml``). Trained on the
same examples, a TF-IDF + logistic regression model scores every label (each FAQ answer
``faq/<id>`` and each other intent); its probabilities are averaged with Rasa's, where an
answer's Rasa probability is P(intent ``faq``) x P(answer) from the ResponseSelector. The
message's intent, intent ranking and selected answer are then the ensemble's. Place it
after DIETClassifier and ResponseSelector, before the fallback thresholds.
"""
from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

FAQ = "faq"
MODEL_FILE = "linear.skops"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearEnsemble(GraphComponent):
    """Averages Rasa's label probabilities with a linear model's."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"weight": 0.5, "C": 10.0, "min_ngram": 1, "max_ngram": 4}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: Any | None = None) -> None:
        self.config = config
        self.model_storage = model_storage
        self.resource = resource
        self.model = model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearEnsemble:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        import skops.io as sio
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        labels = [m.get("intent_response_key") or m.get(INTENT) for m in examples]
        self.model = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", sublinear_tf=True, strip_accents="unicode",
                            ngram_range=(self.config["min_ngram"], self.config["max_ngram"])),
            LogisticRegression(C=self.config["C"], max_iter=2000))
        self.model.fit([m.get(TEXT) for m in examples], labels)
        with self.model_storage.write_to(self.resource) as folder:
            sio.dump(self.model, folder / MODEL_FILE)
        return self.resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearEnsemble:
        import skops.io as sio

        with model_storage.read_from(resource) as folder:
            path = folder / MODEL_FILE
            # our own file, inside the model archive: as trusted as the network weights
            model = sio.load(path, trusted=sio.get_untrusted_types(file=path))
        return cls(config, model_storage, resource, model)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        texts = [m for m in messages if m.get(TEXT)]
        if not texts or self.model is None:
            return messages
        probabilities = self.model.predict_proba([m.get(TEXT) for m in texts])
        classes = [str(c) for c in self.model.classes_]
        for message, row in zip(texts, probabilities, strict=True):
            self._combine(message, dict(zip(classes, row, strict=True)))
        return messages

    def _combine(self, message: Message, linear: dict[str, float]) -> None:
        weight = float(self.config["weight"])
        rasa = _normalised({i["name"]: float(i["confidence"])
                            for i in message.get(INTENT_RANKING_KEY) or [] if i["name"] != "nlu_fallback"})
        selector = ((message.get("response_selector") or {}).get(FAQ) or {})
        answers = _normalised({a["intent_response_key"]: float(a["confidence"])
                               for a in selector.get("ranking") or []})
        intents: dict[str, float] = {}
        answer_scores: dict[str, float] = {}
        for label, p in linear.items():
            if label.startswith(f"{FAQ}/"):
                answer_scores[label] = (1 - weight) * rasa.get(FAQ, 0.0) * answers.get(label, 0.0) + weight * p
            else:
                intents[label] = (1 - weight) * rasa.get(label, 0.0) + weight * p
        faq_total = sum(answer_scores.values())
        intents[FAQ] = faq_total
        ranking = [{"name": k, "confidence": v}
                   for k, v in sorted(intents.items(), key=lambda kv: -kv[1])[:10]]
        message.set(INTENT, dict(ranking[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        if selector and faq_total > 0:
            ranked = sorted(((k, v / faq_total) for k, v in answer_scores.items()),
                            key=lambda kv: -kv[1])[:10]
            best, confidence = ranked[0]
            response = dict(selector.get("response") or {})
            if response.get("intent_response_key") != best:
                response = {"intent_response_key": best, "utter_action": f"utter_{best}"}
            response["confidence"] = confidence
            selector["response"] = response
            selector["ranking"] = [{"intent_response_key": k, "confidence": v} for k, v in ranked]


def _normalised(scores: dict[str, float]) -> dict[str, float]:
    """Rankings are cut to their top ten: spread them over what they show."""
    total = sum(scores.values())
    return {k: v / total for k, v in scores.items()} if total > 0 else scores
