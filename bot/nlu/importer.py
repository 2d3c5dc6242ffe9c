"""Training-data importer that keeps ``rasa data validate`` free of a false warning.

Rasa 3.6 merges every retrieval intent found in the NLU data (``faq/<id>``) into the
domain and warns "duplicated intents have been found across multiple domain files: faq"
when ``domain.yml`` lists it too; if ``domain.yml`` does not list it, reading the rules
warns that ``faq`` "is not part of the domain" instead. This importer reads the rules with
the full domain and hands the rest of Rasa the domain without the retrieval intents that
the NLU data will add back. Nothing else changes: same files, same model.
"""
from __future__ import annotations

from typing import Optional

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers import utils
from rasa.shared.importers.rasa import RasaFileImporter


class RetrievalIntentImporter(RasaFileImporter):
    """`RasaFileImporter` that lets Rasa add retrieval intents to the domain itself."""

    def get_domain(self) -> Domain:
        domain = super().get_domain()
        retrieval = self.get_nlu_data().retrieval_intents & set(domain.intents)
        if not retrieval:
            return domain
        data = domain.as_dict()
        data["intents"] = [
            item for item in data["intents"]
            if (next(iter(item)) if isinstance(item, dict) else item) not in retrieval
        ]
        return Domain.from_dict(data)

    def get_stories(self, exclusion_percentage: Optional[int] = None) -> StoryGraph:
        return utils.story_graph_from_paths(
            self._story_files, super().get_domain(), exclusion_percentage
        )
