"""The FAQ corpus covers the whole seed page, faithfully."""
from __future__ import annotations

import re

import pytest

from bot.corpus import CorpusError, FaqEntry, load_corpus
from bot.corpus.model import MIN_PARAPHRASES, normalise

SEED_QUESTION_COUNT = 10
SEED_SERVICES = ("Vos demandes", "Vos contrats en ligne", "Vos commandes", "Vos factures",
                 "Vos relevés de comptes", "Votre inventaire")


def _squash(text: str) -> str:
    """Compare facts regardless of spacing ("+32(0)2" vs "+32 (0)2") and case."""
    return re.sub(r"\s+", "", text).casefold()


def seed_questions(seed_text: str) -> list[str]:
    """The FAQ questions of the seed page: lines ending with '?' before the help section."""
    faq_part = seed_text.split("Où trouver de l'aide")[0]
    return [line.strip() for line in faq_part.splitlines()
            if line.strip().endswith("?") and "Trouvez" not in line]


def test_every_seed_question_has_an_entry(corpus: list[FaqEntry], seed_text: str) -> None:
    questions = seed_questions(seed_text)
    assert len(questions) == SEED_QUESTION_COUNT
    sources = {entry.source for entry in corpus}
    assert [q for q in questions if q not in sources] == []


def test_services_and_help_sections_have_entries(corpus: list[FaqEntry]) -> None:
    sources = {entry.source for entry in corpus}
    for section in (*SEED_SERVICES, "Où trouver de l'aide", "Demandes techniques"):
        assert section in sources


def test_every_source_is_a_section_of_the_seed(corpus: list[FaqEntry], seed_text: str) -> None:
    lines = {line.strip() for line in seed_text.splitlines()}
    assert [e.id for e in corpus if e.source not in lines] == []


def test_key_facts_are_in_the_answer_and_verbatim_from_the_seed(
    corpus: list[FaqEntry], seed_text: str
) -> None:
    seed = _squash(seed_text)
    for entry in corpus:
        assert entry.key_facts, f"{entry.id} lists no key fact"
        for fact in entry.key_facts:
            assert _squash(fact) in _squash(entry.answer), (entry.id, fact)
            assert _squash(fact) in seed, f"{entry.id}: {fact!r} is not in the seed page"


@pytest.mark.parametrize("fact", [
    "+32 (0)2 339 23 45", "0 810 276 810", "08H30", "17H00", "30 jours",
    "Avenue du Bourget 42", "1130 Bruxelles", "ePacbelx_support@be.ibm.com",
    "détruites", "Passport Advantage",
])
def test_every_seed_fact_reaches_some_answer(corpus: list[FaqEntry], fact: str) -> None:
    assert any(_squash(fact) in _squash(entry.answer) for entry in corpus)


def test_each_entry_has_enough_distinct_paraphrases(corpus: list[FaqEntry]) -> None:
    for entry in corpus:
        distinct = {normalise(p) for p in entry.paraphrases} - {normalise(entry.question)}
        assert len(distinct) >= MIN_PARAPHRASES, entry.id


def test_paraphrases_include_unaccented_and_short_forms(corpus: list[FaqEntry]) -> None:
    for entry in corpus:
        plain = [p for p in entry.paraphrases if p == normalise(p) and p.isascii()]
        short = [p for p in entry.paraphrases if len(p.split()) <= 4]
        assert len(plain) >= 3 and len(short) >= 2, entry.id


def test_answers_have_no_page_navigation_noise(corpus: list[FaqEntry]) -> None:
    for entry in corpus:
        for noise in ("En savoir plus", "cliquez ici", "Primary tab", "ce document"):
            assert noise.casefold() not in entry.answer.casefold(), (entry.id, noise)


def test_answer_buttons_point_to_known_intents(corpus: list[FaqEntry]) -> None:
    import yaml

    from bot.settings import PROJECT_ROOT

    intents = set(yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["intents"])
    for entry in corpus:
        for button in entry.buttons:
            assert button.payload.lstrip("/").split("{")[0] in intents, (entry.id, button)


def test_a_paraphrase_shared_by_two_entries_is_refused(tmp_path, corpus) -> None:
    import yaml

    for entry, other in ((corpus[0], corpus[1]), (corpus[1], corpus[0])):
        data = {"id": entry.id, "category": entry.category, "source": entry.source,
                "question": entry.question, "answer": entry.answer,
                "paraphrases": [*entry.paraphrases, other.paraphrases[0]]}
        (tmp_path / f"{entry.id}.yml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(CorpusError, match="also a paraphrase"):
        load_corpus(tmp_path)


def test_a_missing_answer_is_refused_with_the_file_name(tmp_path) -> None:
    (tmp_path / "bad_entry.yml").write_text("id: bad_entry\ncategory: X\nquestion: Q ?\n")
    with pytest.raises(CorpusError, match=r"bad_entry.yml: missing .*source.*answer"):
        load_corpus(tmp_path)


def test_entity_markup_in_a_paraphrase_is_refused(tmp_path, corpus) -> None:
    import yaml

    entry = corpus[0]
    data = {"id": entry.id, "category": entry.category, "source": entry.source,
            "question": entry.question, "answer": entry.answer,
            "paraphrases": [*entry.paraphrases, "mon [contrat](produit) svp"]}
    (tmp_path / f"{entry.id}.yml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(CorpusError, match="entity markup"):
        load_corpus(tmp_path)


def test_the_seed_copy_is_verbatim(seed_text: str) -> None:
    from bot.settings import PROJECT_ROOT

    shared = PROJECT_ROOT.parent / "shared" / "seed" / "000_d11a1f5491a3ba37.txt"
    if not shared.exists():
        pytest.skip("../shared/seed is not next to this checkout")
    assert seed_text == shared.read_text(encoding="utf-8")
