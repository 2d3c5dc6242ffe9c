"""The FAQ corpus as the actions see it: loaded once, on first use, then kept in memory."""
from __future__ import annotations

from functools import lru_cache

from bot.corpus import FaqEntry, load_corpus
from bot.settings import load_settings


@lru_cache(maxsize=1)
def faq_entries() -> dict[str, FaqEntry]:
    """Entries by id. The corpus is a few kilobytes: read once per action-server process."""
    settings = load_settings()
    return {entry.id: entry for entry in load_corpus(settings.root / "faq_corpus")}
