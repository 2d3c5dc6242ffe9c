"""Text helpers for both environments (standard library only: ``bot.nlu`` imports them)."""
from __future__ import annotations

import unicodedata


def fold_accents(text: str) -> str:
    """Case- and accent-free text ("Résilier" -> "resilier"); everything else is kept.

    Case-folded, then compatibility-decomposed (NFKD: "ﬁ" -> "fi") without combining marks.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
