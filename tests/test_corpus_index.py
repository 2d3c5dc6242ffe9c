"""The corpus index reads the corpus again only when one of its files changed."""
from __future__ import annotations

import shutil
from pathlib import Path

from bot.corpus import CorpusIndex
from bot.settings import PROJECT_ROOT


def copied_corpus(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PROJECT_ROOT / "faq_corpus", tmp_path / "faq_corpus"))


def test_unchanged_files_are_not_read_again(tmp_path: Path) -> None:
    index = CorpusIndex(copied_corpus(tmp_path))
    first = index.entries()
    assert index.entries() is first
    assert index.ids() == sorted(first) and "activation_servicepac" in first


def test_an_edited_answer_is_read_at_the_next_call(tmp_path: Path) -> None:
    folder = copied_corpus(tmp_path)
    index = CorpusIndex(folder)
    before = index.entries()["activation_servicepac"].answer
    entry = folder / "activation_servicepac.yml"
    entry.write_text(entry.read_text(encoding="utf-8").replace(
        "enregistrez votre contrat", "enregistrez sans tarder votre contrat"), encoding="utf-8")
    after = index.entries()["activation_servicepac"].answer
    assert after == before.replace("enregistrez votre", "enregistrez sans tarder votre")


def test_a_removed_entry_is_gone_at_the_next_call(tmp_path: Path) -> None:
    folder = copied_corpus(tmp_path)
    index = CorpusIndex(folder)
    assert "activation_servicepac" in index.ids()
    (folder / "activation_servicepac.yml").unlink()
    assert "activation_servicepac" not in index.ids()
