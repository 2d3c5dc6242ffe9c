"""Training-data importer: the domain's generated parts, and no false warning.

The domain is ``domain.yml`` plus the generated files of ``domain.d/`` beside it (see
``bot.domain``): ``rasa train --domain`` takes one path, so this importer merges them, for
training, ``rasa data validate`` and the benchmark alike.

Rasa 3.6 merges every retrieval intent found in the NLU data (``faq/<id>``) into the
domain and warns "duplicated intents have been found across multiple domain files: faq"
when ``domain.yml`` lists it too; if ``domain.yml`` does not list it, reading the rules
warns that ``faq`` "is not part of the domain" instead. This importer reads the rules with
the full domain and hands the rest of Rasa the domain without the retrieval intents that
the NLU data will add back. Nothing else changes: same files, same model.
"""
from __future__ import annotations

from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers import utils
from rasa.shared.importers.rasa import RasaFileImporter

from bot.domain import fragments


class RetrievalIntentImporter(RasaFileImporter):
    """`RasaFileImporter` that completes the domain and lets Rasa add retrieval intents."""

    def _full_domain(self) -> Domain:
        domain = super().get_domain()
        if self._domain_path and Path(self._domain_path).is_file():
            for fragment in fragments(Path(self._domain_path)):
                domain = domain.merge(Domain.from_path(fragment))
        return domain

    def get_domain(self) -> Domain:
        domain = self._full_domain()
        retrieval = self.get_nlu_data().retrieval_intents & set(domain.intents)
        if not retrieval:
            return domain
        data = domain.as_dict()
        data["intents"] = [
            item for item in data["intents"]
            if (next(iter(item)) if isinstance(item, dict) else item) not in retrieval
        ]
        return Domain.from_dict(data)

    def get_stories(self, exclusion_percentage: int | None = None) -> StoryGraph:
        return utils.story_graph_from_paths(
            self._story_files, self._full_domain(), exclusion_percentage
        )
