"""The demo page: the seed FAQ page's content, without what scraping left of it, with the
widget on it."""
from __future__ import annotations

import html
import re
from pathlib import Path

from bot.web.safety import MAX_MESSAGE_LENGTH

HERE = Path(__file__).resolve().parent

# Blocks of the seed page that are what was left of its navigation and forms when it was
# scraped: labels whose links or controls were not captured. The seed file is kept
# verbatim (a copy of ../shared/seed); the demo page leaves these out.
SEED_LEFTOVERS = frozenset({
    "Primary tab navigation",           # the site's tab bar
    "Demandes techniques",              # the help box's links: to the support site ...
    "Questions fréquentes",             # ... and to the FAQ's categories
    "Contrats\nCommandes et livraisons\nInventaire et maintenance\nFactures et paiements",
    "En savoir plus",                   # "read more" links under each online service
    "Contactez nous",                   # the contact form, whose request-type list was lost
    "Avez-vous consulté nos Questions fréquentes?",
    "Sélectionnez le type de votre demande :",
})


def seed_blocks(text: str) -> list[str]:
    """The seed page's content blocks: blank-line separated (lines of spaces or no-break
    spaces count as blank), without the scraping leftovers."""
    blocks = (block.strip() for block in re.split(r"\n\s*\n", text))
    return [block for block in blocks if block and block not in SEED_LEFTOVERS]


def _is_heading(block: str) -> bool:
    """A one-line question, or a one-line title (no final punctuation) of a section."""
    return "\n" not in block and (block.endswith("?") or block[-1] not in ".:;!)")


def demo_page(seed: Path) -> str:
    """The seed FAQ page's content (questions and section titles as headings) with the
    widget on it."""
    body = []
    for block in seed_blocks(seed.read_text(encoding="utf-8")):
        text = html.escape(block).replace("\n", "<br>")
        tag = "h2" if _is_heading(block) else "p"
        body.append(f"<{tag}>{text}</{tag}>")
    template = (HERE / "demo.html").read_text(encoding="utf-8")
    return (template.replace("{{content}}", "\n".join(body))
            .replace("{{max_length}}", str(MAX_MESSAGE_LENGTH)))
