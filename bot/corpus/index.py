"""The FAQ corpus as running services see it: read again whenever one of its files changes.

A maintainer's edit of an answer reaches customers at the next question, with no new model
and no restart: the retrieval key chosen by the model names the entry, its text comes from
here. The console's review form lists the same entries.
"""
from __future__ import annotations

import threading
from pathlib import Path

from bot.corpus.model import FaqEntry, load_corpus

Signature = tuple[tuple[str, int, int], ...]


class CorpusIndex:
    """The entries of one corpus folder by id; a stat per file per call, a read on change."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()   # callers run in worker threads
        self._read: tuple[Signature, dict[str, FaqEntry]] | None = None

    def entries(self) -> dict[str, FaqEntry]:
        """Entries by id, as the corpus files are now (CorpusError if they cannot be used)."""
        signature = _signature(self.folder)
        with self._lock:
            if self._read is None or self._read[0] != signature:
                self._read = (signature, {entry.id: entry for entry in load_corpus(self.folder)})
            return self._read[1]

    def ids(self) -> list[str]:
        """The entries' ids, in the corpus order."""
        return list(self.entries())


def _signature(folder: Path) -> Signature:
    """Name, modification time and size of every entry file."""
    stats = ((path.name, path.stat()) for path in sorted(folder.glob("*.yml")))
    return tuple((name, stat.st_mtime_ns, stat.st_size) for name, stat in stats)
