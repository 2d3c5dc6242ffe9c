"""Which FAQ entries are hard to tell apart, by spaCy's French word vectors.

Each entry is represented by the mean vector of its question and paraphrases; pairs whose
cosine similarity is high are the ones customers' wording will confuse. Runs in the
*rasa* environment (spaCy and ``fr_core_news_md``).
"""
from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

from bot.corpus import FaqEntry

SPACY_MODEL = "fr_core_news_md"


def entry_centroids(entries: list[FaqEntry]) -> dict[str, np.ndarray]:
    """Normalised mean vector of each entry's sentences."""
    import spacy

    nlp = spacy.load(SPACY_MODEL, disable=["parser", "ner", "lemmatizer", "morphologizer",
                                            "attribute_ruler", "senter"])
    centroids = {}
    for entry in entries:
        vectors = [doc.vector for doc in nlp.pipe([entry.question, *entry.paraphrases])
                   if doc.vector_norm]
        mean = np.mean(vectors, axis=0)
        centroids[entry.id] = mean / np.linalg.norm(mean)
    return centroids


def closest_pairs(entries: list[FaqEntry], top: int = 10) -> list[dict[str, Any]]:
    """The ``top`` most similar entry pairs, most similar first."""
    centroids = entry_centroids(entries)
    pairs: list[dict[str, Any]] = [
        {"entries": [a, b], "similarity": round(float(centroids[a] @ centroids[b]), 3)}
        for a, b in combinations(sorted(centroids), 2)
    ]
    return sorted(pairs, key=lambda pair: pair["similarity"], reverse=True)[:top]


def main() -> None:
    """``python -m bot.nlu.similarity --corpus DIR --threshold T``: pairs above T, as JSON."""
    import argparse
    import json
    from pathlib import Path

    from bot.corpus.model import CorpusError, load_entry

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--threshold", type=float, required=True)
    args = parser.parse_args()
    entries = []
    for path in sorted(args.corpus.glob("*.yml")):
        try:
            entries.append(load_entry(path))
        except CorpusError:
            continue  # reported by the validator itself
    pairs = closest_pairs(entries, top=len(entries) ** 2)
    print(json.dumps([p for p in pairs if p["similarity"] >= args.threshold]))


if __name__ == "__main__":
    main()
