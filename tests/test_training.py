"""The training cache key: the hash of exactly what `rasa train` consumes."""
from __future__ import annotations

import shutil
from pathlib import Path

from bot.settings import PROJECT_ROOT
from bot.training import INPUT_GLOBS, input_files, inputs_hash


def copy_inputs(target: Path) -> Path:
    for path in input_files(PROJECT_ROOT):
        destination = target / path.relative_to(PROJECT_ROOT)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return target


def test_hash_is_stable_and_covers_config_data_and_components(tmp_path: Path) -> None:
    root = copy_inputs(tmp_path)
    names = {p.relative_to(root).as_posix() for p in input_files(root)}
    assert {"config.yml", "domain.yml", "domain.d/intake.yml", "data/nlu.yml",
            "data/faq/nlu.yml", "bot/nlu/components.py", "bot/domain.py"} <= names
    assert inputs_hash(root) == inputs_hash(PROJECT_ROOT)


def test_hash_changes_with_any_input_and_ignores_other_files(tmp_path: Path) -> None:
    root = copy_inputs(tmp_path)
    before = inputs_hash(root)
    (root / "README.md").write_text("not an input")
    (root / "tests").mkdir()
    (root / "tests" / "notes.yml").write_text("x: 1")
    assert inputs_hash(root) == before
    with (root / "data" / "nlu.yml").open("a") as handle:
        handle.write("\n")
    assert inputs_hash(root) != before
    assert len(INPUT_GLOBS) >= 4
