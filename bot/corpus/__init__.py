"""The FAQ corpus: what maintainers edit, and the Rasa training data generated from it.

This package needs only the standard library and PyYAML, so both virtual environments
(the *app* one and the *rasa* one) can import it.
"""
from bot.corpus.index import CorpusIndex
from bot.corpus.model import ButtonSpec, CorpusError, FaqEntry, load_corpus

__all__ = ["ButtonSpec", "CorpusError", "CorpusIndex", "FaqEntry", "load_corpus"]
