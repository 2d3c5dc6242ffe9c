"""Generated files (training data from the corpus, the intake form's domain from the flows):
deterministic, fresh, and a clean split."""
from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.corpus import FaqEntry, load_corpus
from bot.corpus.build import BuildPaths, build, render, split_entry, stale_files
from bot.corpus.model import normalise
from bot.settings import PROJECT_ROOT

CORPUS_DIR = PROJECT_ROOT / "faq_corpus"


def test_generated_files_are_up_to_date() -> None:
    stale = stale_files(BuildPaths.for_project(PROJECT_ROOT))
    assert stale == [], "run `python -m bot corpus build` and commit the result"


def listed_in(monkeypatch: pytest.MonkeyPatch, directory: Path, order: list[str]) -> None:
    """Make ``directory.glob`` list the files named in ``order``, in that order.

    Directory listing order is up to the file system (hash order on ext4, creation order or
    its reverse elsewhere); this pins it so that the tests do not depend on it.
    """
    real_glob = Path.glob

    def glob(self: Path, pattern: str) -> Iterator[Path]:
        if self == directory:
            return iter([self / name for name in order])
        return real_glob(self, pattern)

    monkeypatch.setattr(Path, "glob", glob)


def copy_corpus(target: Path, names: list[str]) -> Path:
    """The project's corpus files copied into ``target``, created in the order of ``names``."""
    target.mkdir()
    for name in names:
        shutil.copy(CORPUS_DIR / name, target / name)
    return target


def permutations(names: list[str]) -> list[list[str]]:
    """Orders that differ from the sorted one: reversed and shuffled (fixed seed)."""
    shuffled = sorted(names)
    random.Random(20240815).shuffle(shuffled)
    orders = [sorted(names, reverse=True), shuffled]
    assert all(order != sorted(names) for order in orders)
    return orders


def test_load_corpus_order_does_not_depend_on_the_listing_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = sorted(path.name for path in CORPUS_DIR.glob("*.yml"))
    expected = [name.removesuffix(".yml") for name in names]  # file name == id, checked on load
    for number, order in enumerate(permutations(names)):
        directory = copy_corpus(tmp_path / f"corpus{number}", order)
        with monkeypatch.context() as patch:
            listed_in(patch, directory, order)
            assert [path.name for path in directory.glob("*.yml")] == order
            assert [entry.id for entry in load_corpus(directory)] == expected


def test_generated_files_do_not_depend_on_the_corpus_listing_order(
        corpus: list[FaqEntry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # render() keeps the order it is given; load_corpus() sorting is what makes builds
    # identical whatever order the file system lists the corpus files in.
    expected = render(corpus)
    names = [f"{entry.id}.yml" for entry in corpus]
    for number, order in enumerate(permutations(names)):
        directory = copy_corpus(tmp_path / f"corpus{number}", order)
        paths = BuildPaths(directory, tmp_path / f"nlu{number}.yml",
                           tmp_path / f"responses{number}.yml", tmp_path / f"heldout{number}.yml")
        with monkeypatch.context() as patch:
            listed_in(patch, directory, order)
            assert render(load_corpus(directory)) == expected
            build(paths)
        assert {role: path.read_text(encoding="utf-8") for role, path in
                (("nlu", paths.nlu), ("responses", paths.responses),
                 ("heldout", paths.heldout))} == expected


def test_build_detects_and_fixes_staleness(tmp_path: Path) -> None:
    paths = BuildPaths(PROJECT_ROOT / "faq_corpus", tmp_path / "nlu.yml",
                       tmp_path / "responses.yml", tmp_path / "heldout.yml")
    assert len(stale_files(paths)) == 3
    assert len(build(paths)) == 3
    assert stale_files(paths) == [] and build(paths) == []
    paths.nlu.write_text(paths.nlu.read_text() + "# edited by hand\n")
    assert stale_files(paths) == [paths.nlu]


def test_the_intake_domain_is_up_to_date() -> None:
    from actions.domain import main

    assert main(["--check"]) == 0, "run `python -m actions.domain` and commit the result"


def test_the_intake_domain_generator_detects_and_fixes_staleness(tmp_path: Path) -> None:
    from actions.domain import main

    out = tmp_path / "domain.d" / "intake.yml"
    assert main(["--check", "--out", str(out)]) == 1
    assert main(["--out", str(out)]) == 0 and main(["--check", "--out", str(out)]) == 0
    out.write_text(out.read_text().replace("phone", "gsm"))
    assert main(["--check", "--out", str(out)]) == 1


def test_the_intake_domain_declares_every_question_of_the_flows(tmp_path) -> None:
    from actions.domain import HEADER, render_intake_domain
    from actions.flows import ASKED_SLOTS
    from actions.intake import INTAKE_SLOTS

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
