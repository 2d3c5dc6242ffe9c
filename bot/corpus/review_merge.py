"""``python -m bot corpus merge-review FILE``: agents' corrections become new paraphrases.

FILE is what ``python -m bot review export`` writes from the agent console: one JSON object
per line, ``{"text": "<what the customer wrote>", "entry": "<the right entry id>"}``.
Personal data is replaced by placeholders (``bot/nlu/pii.py``, spaCy for names) before
anything is written; sentences already in the corpus (any entry, accents and case aside)
are skipped.
"""
from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.corpus.build import _LiteralDumper
from bot.corpus.model import CorpusError, load_corpus, normalise
from bot.settings import Settings
from bot.training import rasa_environment


@dataclass
class MergeResult:
    added: dict[str, list[str]] = field(default_factory=dict)
    duplicates: int = 0
    unknown_entries: list[str] = field(default_factory=list)


def read_corrections(path: Path) -> list[tuple[str, str]]:
    """(text, entry id) pairs; a malformed line is a :class:`CorpusError` naming it."""
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            pairs.append((str(item["text"]).strip(), str(item["entry"])))
        except (ValueError, KeyError, TypeError) as error:
            raise CorpusError(f"{path}:{number}: expected {{\"text\": …, \"entry\": …}} ({error})") from error
    return [(text, entry) for text, entry in pairs if text]


def redact(settings: Settings, sentences: list[str]) -> list[str]:
    """The sentences with personal data replaced (spaCy runs in the rasa environment)."""
    if not sentences:
        return []
    result = subprocess.run([str(settings.rasa_python), "-m", "bot.nlu.pii"],
                            input=json.dumps(sentences), capture_output=True, text=True,
                            cwd=settings.root, env=rasa_environment(settings), timeout=600)
    if result.returncode != 0:
        raise CorpusError(f"redaction failed: {result.stderr.strip()[-500:]}")
    redacted: list[str] = json.loads(result.stdout)
    return redacted


def merge(settings: Settings, corrections: Path, corpus: Path) -> MergeResult:
    """Add the redacted, new sentences to their entries' files; report what happened."""
    entries = {entry.id: entry for entry in load_corpus(corpus)}
    pairs = read_corrections(corrections)
    result = MergeResult()
    known = {normalise(s) for e in entries.values() for s in (e.question, *e.paraphrases)}
    redacted = redact(settings, [text for text, _ in pairs])
    for (_, entry_id), sentence in zip(pairs, redacted, strict=True):
        if entry_id not in entries:
            result.unknown_entries.append(entry_id)
            continue
        if normalise(sentence) in known:
            result.duplicates += 1
            continue
        known.add(normalise(sentence))
        result.added.setdefault(entry_id, []).append(sentence)
    for entry_id, sentences in result.added.items():
        path = corpus / f"{entry_id}.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["paraphrases"] = list(data["paraphrases"]) + sentences
        path.write_text(yaml.dump(data, Dumper=_LiteralDumper, allow_unicode=True,
                                  sort_keys=False, width=100), encoding="utf-8")
    return result
