"""The FAQ corpus as the actions see it: read again whenever one of its files changes.

A maintainer's edit of an answer reaches customers at the next question, with no new model
and no restart: the retrieval key chosen by the model names the entry, its text comes from
here.
"""
from __future__ import annotations

import threading
from pathlib import Path

from bot.corpus import FaqEntry, load_corpus
from bot.settings import load_settings

_lock = threading.Lock()
_cache: tuple[tuple, dict[str, FaqEntry]] | None = None


def _signature(folder: Path) -> tuple:
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                 for p in sorted(folder.glob("*.yml")))


def faq_entries() -> dict[str, FaqEntry]:
    """Entries by id, as the corpus files are now (a stat per file per call; reread on change)."""
    global _cache
    folder = load_settings().corpus_dir
    signature = _signature(folder)
    with _lock:
        if _cache is None or _cache[0] != signature:
            _cache = (signature, {entry.id: entry for entry in load_corpus(folder)})
        return _cache[1]
