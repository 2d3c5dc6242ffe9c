"""The demo page shows the seed FAQ page's content, without what scraping left of its
navigation and forms (no server needed: the page is built from the seed copy)."""
from __future__ import annotations

import html
import re

import pytest

from bot.web.demo import demo_page
from tests.conftest import SEED_COPY

# Labels of the seed page's links and form controls that were not captured.
LEFTOVERS = [
    "Primary tab navigation", "Demandes techniques", "Questions fréquentes",
    "Contrats\nCommandes et livraisons\nInventaire et maintenance\nFactures et paiements",
    "En savoir plus", "Contactez nous", "Avez-vous consulté nos Questions fréquentes?",
    "Sélectionnez le type de votre demande :",
]
SECTIONS = ["Où trouver de l'aide", "Vos demandes", "Vos contrats en ligne", "Vos commandes",
            "Vos factures", "Vos relevés de comptes", "Votre inventaire"]


@pytest.fixture(scope="module")
def demo() -> str:
    return demo_page(SEED_COPY)


def page_blocks(html_page: str) -> list[tuple[str, str]]:
    """(tag, text) of the page's content, in order, as the seed wrote it."""
    content = html_page.split("</h1>", 1)[1].split("</main>", 1)[0]
    return [(tag, html.unescape(text.replace("<br>", "\n")))
            for tag, text in re.findall(r"<(h2|p)>(.*?)</\1>", content, re.S)]


def seed_faq_questions(seed_text: str) -> list[str]:
    """The FAQ's questions: the lines ending with '?' before the help section."""
    faq_part = seed_text.split("Où trouver de l'aide")[0]
    return [line.strip() for line in faq_part.splitlines()
            if line.strip().endswith("?") and "Trouvez" not in line]


def test_the_scraping_leftovers_are_gone(demo: str, seed_text: str) -> None:
    blocks = [text for _, text in page_blocks(demo)]
    for leftover in LEFTOVERS:
        assert leftover in seed_text  # each is in the seed, verbatim ...
        assert leftover not in blocks  # ... and not on the page
    assert "Primary tab navigation" not in demo
    assert "Sélectionnez le type de votre demande" not in demo
    assert not [text for text in blocks if not text.strip()]  # no blank block
    assert "\xa0" not in demo.split("</h1>", 1)[1]  # the seed's lone no-break spaces
    assert not re.search(r"<(h2|p)>\s*</\1>", demo)


def test_every_faq_question_is_a_heading_and_the_intro_stays(demo: str, seed_text: str) -> None:
    questions = seed_faq_questions(seed_text)
    assert len(questions) == 10
    for question in questions:
        assert f"<h2>{html.escape(question)}</h2>" in demo
    headings = [text for tag, text in page_blocks(demo) if tag == "h2"]
    assert headings == questions + SECTIONS
    assert page_blocks(demo)[0] == ("p", "Trouvez les réponses à vos questions:")


def test_all_the_rest_of_the_seed_is_on_the_page_in_order(demo: str, seed_text: str) -> None:
    seed_blocks = [block.strip() for block in re.split(r"\n\s*\n", seed_text)]
    content = [block for block in seed_blocks if block.strip() and block not in LEFTOVERS]
    assert [text for _, text in page_blocks(demo)] == content
    # Answers keep their line breaks (the postal address) and their contact details.
    assert "<p>IBM Belgium<br>Customer Support Online Team<br>" in demo
    assert "ePacbelx_support@be.ibm.com" in demo and "+32 (0)2 339 23 45" in demo
