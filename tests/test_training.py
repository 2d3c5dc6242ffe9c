"""The training cache key: the hash of exactly what `rasa train` consumes.

A model is reused while the hash of its inputs is unchanged, so an input the hash misses
means a stale model is served after an edit, and a file it needlessly covers means a
retraining (minutes) for nothing. The tests edit temporary copies, never the project's files.
"""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
import yaml

from bot.settings import PROJECT_ROOT
from bot.training import input_files, inputs_hash

# What the model is built from, besides the training data files (every data/**/*.yml):
# the pipeline and policies, the domain, the Rasa version, and the project's code that
# `rasa train` loads (custom components, the importer and the answering rules they use).
MODEL_INPUTS = (
    "config.yml", "domain.yml", "domain.d/intake.yml", "requirements/rasa.txt",
    "bot/nlu/components.py", "bot/nlu/linear_ensemble.py", "bot/nlu/importer.py",
    "bot/domain.py", "bot/answering.py", "bot/text.py",
)
# Project files that do not change the model: editing them must not cost a retraining.
NOT_INPUTS = (
    "README.md", "bot/endpoints.py", "credentials.yml", "Makefile",
    "faq_corpus/copie_contrat.yml",   # reaches the model only through data/faq/*.yml
    "actions/answer_faq.py",          # the action server's code, not the model's
    "bot/nlu/server.py", "bot/nlu/evaluate.py", "bot/web/app.py", "bot/training.py",
    "tests/data/faq_heldout.yml", "pyproject.toml",
    "data/README.md",                 # not a .yml file: `rasa train --data` skips it
)


def data_files(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in (root / "data").rglob("*.yml"))


def expected_inputs(root: Path) -> set[str]:
    return {*MODEL_INPUTS, *data_files(root)}


def copy_project(target: Path) -> Path:
    """The model's inputs and the unrelated files above, copied into ``target``."""
    for name in (*MODEL_INPUTS, *data_files(PROJECT_ROOT), *NOT_INPUTS):
        source, destination = PROJECT_ROOT / name, target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.exists():
            shutil.copy2(source, destination)
        else:
            destination.write_text("# placeholder\n", encoding="utf-8")
    return target


def edit(path: Path) -> None:
    """A one-line change (a comment: valid in YAML, Python and requirement files)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")


def bot_imports(path: Path) -> set[str]:
    """The ``bot.*`` modules a source file imports."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return {module for module in modules if module.split(".")[0] == "bot"}


def module_file(module: str) -> str:
    return module.replace(".", "/") + ".py"


def code_loaded_by_training(root: Path) -> set[str]:
    """Files of the project's modules named in config.yml, and those they import, transitively."""
    config = yaml.safe_load((root / "config.yml").read_text(encoding="utf-8"))
    named = [item["name"] for key in ("pipeline", "policies", "importers")
             for item in config.get(key) or []]
    pending = [module_file(name.rsplit(".", 1)[0]) for name in named if name.startswith("bot.")]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        pending += [module_file(module) for module in bot_imports(root / name)
                    if (root / module_file(module)).is_file()]
    return seen


def test_the_hash_covers_exactly_the_model_inputs() -> None:
    hashed = {path.relative_to(PROJECT_ROOT).as_posix() for path in input_files(PROJECT_ROOT)}
    assert {"data/nlu.yml", "data/rules.yml", "data/faq/nlu.yml", "data/faq/responses.yml"} <= hashed
    assert hashed == expected_inputs(PROJECT_ROOT)


def test_the_code_training_loads_is_hashed() -> None:
    loaded = code_loaded_by_training(PROJECT_ROOT)
    # The components, the importer, and what they import (the answering rules).
    assert {"bot/nlu/components.py", "bot/nlu/linear_ensemble.py", "bot/nlu/importer.py",
            "bot/answering.py"} <= loaded
    assert loaded <= set(MODEL_INPUTS)


def test_a_copy_of_the_inputs_hashes_like_the_project(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    assert {p.relative_to(root).as_posix() for p in input_files(root)} == expected_inputs(root)
    assert inputs_hash(root) == inputs_hash(PROJECT_ROOT)


@pytest.mark.parametrize("name", [*MODEL_INPUTS, *data_files(PROJECT_ROOT)])
def test_editing_an_input_changes_the_hash(tmp_path: Path, name: str) -> None:
    root = copy_project(tmp_path)
    before = inputs_hash(root)
    original = (root / name).read_bytes()
    edit(root / name)
    assert inputs_hash(root) != before
    (root / name).write_bytes(original)  # the key is the content, not the time of the edit
    assert inputs_hash(root) == before


def test_adding_removing_or_renaming_a_data_file_changes_the_hash(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    before = inputs_hash(root)
    extra = root / "data" / "faq" / "extra.yml"
    extra.write_text('version: "3.1"\n', encoding="utf-8")
    assert inputs_hash(root) != before
    extra.unlink()
    assert inputs_hash(root) == before
    (root / "data" / "stories.yml").rename(root / "data" / "stories2.yml")
    assert inputs_hash(root) != before
    (root / "data" / "stories2.yml").unlink()
    assert inputs_hash(root) != before


@pytest.mark.parametrize("name", NOT_INPUTS)
def test_editing_another_file_keeps_the_hash(tmp_path: Path, name: str) -> None:
    root = copy_project(tmp_path)
    before = inputs_hash(root)
    edit(root / name)
    assert inputs_hash(root) == before


def test_new_files_outside_the_inputs_keep_the_hash(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    before = inputs_hash(root)
    for name in ("tests/notes.yml", "bot/nlu/notes.py", "faq_corpus/new_entry.yml",
                 "models/faq-0123456789abcdef.tar.gz", "var/tickets.db"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x: 1\n", encoding="utf-8")
    assert inputs_hash(root) == before


def test_another_config_replaces_config_yml_in_the_hash(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    stock = tmp_path / "stock" / "config.yml"
    stock.parent.mkdir()
    stock.write_text("recipe: default.v1\nlanguage: fr\npipeline: []\n", encoding="utf-8")
    with_stock = inputs_hash(root, stock)
    assert with_stock != inputs_hash(root)
    edit(root / "config.yml")  # the project's config is not what that model is built from
    assert inputs_hash(root, stock) == with_stock
    edit(stock)
    edited_stock = inputs_hash(root, stock)
    assert edited_stock != with_stock
    edit(root / "domain.yml")  # the other inputs still count
    assert inputs_hash(root, stock) != edited_stock
