"""``python -m bot corpus validate``: every problem of a corpus at once, errors then warnings.

Errors make the corpus unusable (bad schema, a key fact missing from its answer, the same
sentence in two entries); warnings are worth a look (too few paraphrases, entries so close
in meaning that customers' wording will confuse them).
"""
from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.corpus.model import MIN_PARAPHRASES, CorpusError, FaqEntry, load_entry, normalise
from bot.settings import Settings
from bot.training import rasa_environment

SIMILARITY_THRESHOLD = 0.97  # the real corpus's closest distinct entries: 0.95


@dataclass(frozen=True)
class Problem:
    level: str      # "error" or "warning"
    where: str      # file or entry id
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


def check_entries(directory: Path) -> tuple[list[FaqEntry], list[Problem]]:
    """The entries that load, and every problem found without spaCy."""
    problems: list[Problem] = []
    entries: list[FaqEntry] = []
    paths = sorted(directory.glob("*.yml"))
    if not paths:
        return [], [Problem("error", str(directory), "no corpus entry (*.yml) found")]
    for path in paths:
        try:
            entries.append(load_entry(path))
        except CorpusError as error:
            problems.append(Problem("error", path.name, str(error).split(": ", 1)[-1]))
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for fact in entry.key_facts:
            if fact not in entry.answer:
                problems.append(Problem("error", entry.id, f"key fact {fact!r} is not in the answer"))
        if not entry.key_facts:
            problems.append(Problem("warning", entry.id, "no key fact listed"))
        distinct = {normalise(p) for p in entry.paraphrases}
        if len(distinct) < MIN_PARAPHRASES:
            problems.append(Problem("warning", entry.id, f"{len(distinct)} distinct paraphrases "
                                    f"(at least {MIN_PARAPHRASES} recommended)"))
        if len(distinct) < len(entry.paraphrases):
            problems.append(Problem("warning", entry.id, f"{len(entry.paraphrases) - len(distinct)}"
                                    " paraphrase(s) repeated within the entry"))
        for sentence in {normalise(s) for s in (entry.question, *entry.paraphrases)}:
            owners[sentence].add(entry.id)
    for sentence, ids in sorted(owners.items()):
        if len(ids) > 1:
            problems.append(Problem("error", " + ".join(sorted(ids)),
                                    f"the same sentence in several entries: {sentence!r}"))
    return entries, problems


def similar_entries(settings: Settings, directory: Path, threshold: float) -> list[Problem]:
    """Pairs of entries above ``threshold`` by spaCy vectors (computed in the rasa env)."""
    command = [str(settings.rasa_python), "-m", "bot.nlu.similarity", "--corpus", str(directory),
               "--threshold", str(threshold)]
    result = subprocess.run(command, cwd=settings.root, env=rasa_environment(settings),
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        return [Problem("error", str(directory), f"similarity check failed: {last}")]
    return [Problem("warning", " + ".join(pair["entries"]),
                    f"too similar to tell apart reliably (cosine {pair['similarity']:.3f} "
                    f">= {threshold})") for pair in json.loads(result.stdout)]


def validate(settings: Settings, directory: Path,
             threshold: float = SIMILARITY_THRESHOLD) -> list[Problem]:
    """All problems of the corpus in ``directory``, errors first."""
    entries, problems = check_entries(directory)
    if len(entries) > 1:
        problems += similar_entries(settings, directory, threshold)
    return sorted(problems, key=lambda p: (p.level != "error", p.where))
