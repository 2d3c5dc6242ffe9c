"""One accent-folding function, and each caller's semantics on top of it."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.corpus.model import normalise
from bot.corpus.page_import import entry_id
from bot.text import fold_accents
from bot.validation import fold, parse_french_date

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text, folded", [
    ("Résilier", "resilier"), ("ÉTÉ À NOËL", "ete a noel"), ("ﬁn", "fin"), ("Straße", "strasse"),
    ("e\u0301te\u0301", "ete"), ("Œuvre", "œuvre"), ("l’été, 31/12 !", "l’ete, 31/12 !"),
    ("  deux  espaces ", "  deux  espaces "),
])
def test_fold_accents_drops_case_and_accents_and_keeps_the_rest(text: str, folded: str) -> None:
    assert fold_accents(text) == folded


def test_each_caller_keeps_its_own_rule() -> None:
    assert normalise("  Résilier   MON\tContrat ?") == "resilier mon contrat ?"
    assert entry_id("Comment résilier mon contrat de maintenance?") == (
        "comment_resilier_mon_contrat_de_maintenance")
    assert entry_id("24h/24 ?") == "q_24h_24"
    assert fold("Jean-Luc D’Hondt.") == "jean luc d hondt"
    today = date(2026, 11, 29)
    assert parse_french_date("Fin de l’ANNÉE !", today) == date(2026, 12, 31)
    assert parse_french_date("À la fin du mois prochain.", today) == date(2026, 12, 31)


def test_no_other_module_strips_accents() -> None:
    stripping = re.compile(r"NFK?D|combining\(")
    offenders = [str(path.relative_to(ROOT)) for folder in ("bot", "actions", "bench")
                 for path in (ROOT / folder).rglob("*.py")
                 if path != ROOT / "bot" / "text.py" and stripping.search(path.read_text())]
    assert offenders == []
