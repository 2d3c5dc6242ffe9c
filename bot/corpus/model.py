"""Typed view of the FAQ corpus: one YAML file per entry under ``faq_corpus/``."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.text import fold_accents

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{2,60}$")
REQUIRED_KEYS = ("id", "category", "source", "question", "answer", "paraphrases")
MIN_PARAPHRASES = 20
ANNOTATION_CHARS = set("[]{}")  # Rasa's entity markup: [text](entity), {"entity": ...}


class CorpusError(ValueError):
    """The corpus cannot be used as it is; the message says which file and why."""


@dataclass(frozen=True)
class ButtonSpec:
    """A quick-reply button shown under an answer."""

    title: str
    payload: str


@dataclass(frozen=True)
class FaqEntry:
    """One question of the FAQ with its answer and the ways customers ask it."""

    id: str
    category: str
    source: str
    question: str
    answer: str
    paraphrases: tuple[str, ...]
    key_facts: tuple[str, ...] = ()
    buttons: tuple[ButtonSpec, ...] = field(default_factory=tuple)

    @property
    def intent_response_key(self) -> str:
        """The retrieval intent key Rasa uses for this entry (``faq/<id>``)."""
        return f"faq/{self.id}"

    @property
    def response_name(self) -> str:
        """The response that carries the answer (``utter_faq/<id>``)."""
        return f"utter_faq/{self.id}"


def normalise(text: str) -> str:
    """Lower-case, accent-free, single-spaced form used to compare sentences."""
    return " ".join(fold_accents(text).split())


def _entry_from_mapping(data: Any, path: Path) -> FaqEntry:
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a mapping at the top level")
    missing = [key for key in REQUIRED_KEYS if not data.get(key)]
    if missing:
        raise CorpusError(f"{path}: missing or empty key(s): {', '.join(missing)}")
    entry_id = str(data["id"])
    if not ID_PATTERN.match(entry_id):
        raise CorpusError(f"{path}: id {entry_id!r} must be snake_case ASCII (3-61 chars)")
    if path.stem != entry_id:
        raise CorpusError(f"{path}: file name must be the id ({entry_id}.yml)")
    paraphrases = data["paraphrases"]
    if not isinstance(paraphrases, list) or not all(isinstance(p, str) for p in paraphrases):
        raise CorpusError(f"{path}: paraphrases must be a list of strings")
    annotated = [p for p in paraphrases if ANNOTATION_CHARS & set(p)]
    if annotated:
        raise CorpusError(f"{path}: {annotated[0]!r}: [ ] {{ }} would be read as entity markup")
    buttons = []
    for raw in data.get("buttons") or []:
        if not isinstance(raw, dict) or not raw.get("title") or not raw.get("payload"):
            raise CorpusError(f"{path}: every button needs a title and a payload")
        buttons.append(ButtonSpec(title=str(raw["title"]), payload=str(raw["payload"])))
    return FaqEntry(
        id=entry_id,
        category=str(data["category"]),
        source=str(data["source"]),
        question=str(data["question"]).strip(),
        answer=str(data["answer"]).strip(),
        paraphrases=tuple(p.strip() for p in paraphrases if p.strip()),
        key_facts=tuple(str(f) for f in data.get("key_facts") or ()),
        buttons=tuple(buttons),
    )


def load_entry(path: Path) -> FaqEntry:
    """Read and check one corpus file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CorpusError(f"{path}: not valid YAML: {error}") from error
    return _entry_from_mapping(data, path)


def load_corpus(directory: Path) -> list[FaqEntry]:
    """Load every ``*.yml`` entry of ``directory``, sorted by id, checking the basics.

    Raises :class:`CorpusError` on the first entry that cannot be used, on duplicate ids,
    on a paraphrase shared by two entries and on missing key facts.
    """
    paths = sorted(directory.glob("*.yml"))
    if not paths:
        raise CorpusError(f"{directory}: no corpus entry (*.yml) found")
    entries = [load_entry(path) for path in paths]
    seen: dict[str, str] = {}
    for entry in entries:
        for fact in entry.key_facts:
            if fact not in entry.answer:
                raise CorpusError(f"{entry.id}: key fact {fact!r} is not in the answer")
        for sentence in (entry.question, *entry.paraphrases):
            key = normalise(sentence)
            owner = seen.setdefault(key, entry.id)
            if owner != entry.id:
                raise CorpusError(f"{entry.id}: {sentence!r} is also a paraphrase of {owner}")
    return entries
