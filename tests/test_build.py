"""Generated files (training data from the corpus, the intake form's domain from the flows):
deterministic, fresh, and a clean split."""
from __future__ import annotations

import yaml

from bot.corpus import FaqEntry
from bot.corpus.build import BuildPaths, build, render, split_entry, stale_files
from bot.corpus.model import normalise
from bot.settings import PROJECT_ROOT


def test_generated_files_are_up_to_date() -> None:
    stale = stale_files(BuildPaths.for_project(PROJECT_ROOT))
    assert stale == [], "run `python -m bot corpus build` and commit the result"


def test_rendering_is_deterministic(corpus: list[FaqEntry]) -> None:
    assert render(corpus) == render(list(reversed(corpus))[::-1])
    assert render(corpus) == render(corpus)


def test_build_detects_and_fixes_staleness(tmp_path) -> None:
    paths = BuildPaths(PROJECT_ROOT / "faq_corpus", tmp_path / "nlu.yml",
                       tmp_path / "responses.yml", tmp_path / "heldout.yml",
                       tmp_path / "domain.d" / "intake.yml")
    assert len(stale_files(paths)) == 4
    assert len(build(paths)) == 4
    assert stale_files(paths) == [] and build(paths) == []
    paths.nlu.write_text(paths.nlu.read_text() + "# edited by hand\n")
    paths.intake_domain.write_text(paths.intake_domain.read_text().replace("phone", "gsm"))
    assert stale_files(paths) == [paths.nlu, paths.intake_domain]


def test_the_intake_domain_declares_every_question_of_the_flows(tmp_path) -> None:
    from actions.domain import HEADER, render_intake_domain
    from actions.intake import ASKED_SLOTS, INTAKE_SLOTS

    rendered = render_intake_domain()
    assert rendered.startswith(HEADER) and "Do not edit" in HEADER
    document = yaml.safe_load(rendered)
    assert list(document["slots"]) == list(INTAKE_SLOTS)
    assert document["forms"]["intake_form"]["required_slots"] == list(ASKED_SLOTS)
    assert document["actions"] == [f"action_ask_{slot}" for slot in ASKED_SLOTS]


def test_heldout_sentences_never_reach_training(corpus: list[FaqEntry]) -> None:
    rendered = render(corpus)
    training = {normalise(line[2:]) for line in rendered["nlu"].splitlines() if line.strip().startswith("- ")}
    for entry in corpus:
        train, heldout = split_entry(entry)
        assert entry.question in train
        assert heldout, f"{entry.id} has no held-out paraphrase"
        assert not {normalise(s) for s in heldout} & training


def test_generated_files_are_valid_rasa_yaml(corpus: list[FaqEntry]) -> None:
    rendered = render(corpus)
    nlu = yaml.safe_load(rendered["nlu"])
    assert {item["intent"] for item in nlu["nlu"]} == {f"faq/{e.id}" for e in corpus}
    responses = yaml.safe_load(rendered["responses"])["responses"]
    assert set(responses) == {f"utter_faq/{e.id}" for e in corpus}
    # Only the keys: the wording is read from the corpus when answering, so that an edit
    # needs no new model.
    assert responses["utter_faq/copie_contrat"] == [{"text": "faq_corpus/copie_contrat.yml"}]


def test_no_faq_sentence_is_also_an_example_of_another_intent(corpus: list[FaqEntry]) -> None:
    document = yaml.safe_load((PROJECT_ROOT / "data" / "nlu.yml").read_text(encoding="utf-8"))
    other = {normalise(line[2:]): item["intent"] for item in document["nlu"]
             for line in item["examples"].splitlines() if line.startswith("- ")}
    clashes = [(entry.id, sentence, other[normalise(sentence)]) for entry in corpus
               for sentence in (entry.question, *entry.paraphrases) if normalise(sentence) in other]
    assert clashes == []
