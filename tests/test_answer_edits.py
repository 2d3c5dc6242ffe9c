"""An answer's wording reaches customers without a new model."""
from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from bot.corpus.build import BuildPaths, stale_files
from bot.settings import PROJECT_ROOT, Settings
from tests.conftest import Assistant


@pytest.mark.model
def test_an_edited_answer_is_given_at_once_and_needs_no_retraining(
        assistant: Assistant, test_settings: Settings) -> None:
    path = test_settings.corpus_dir / "activation_servicepac.yml"
    original = path.read_text(encoding="utf-8")
    old = "Dès réception de votre e-mail de confirmation"
    new = "Dès que vous recevez l'e-mail de confirmation"
    assert old in original
    try:
        path.write_text(original.replace(old, new), encoding="utf-8")
        replies = assistant.send(f"edit-{uuid.uuid4().hex[:8]}", "Comment activer un contrat ServicePac ?")
        assert replies[0]["text"].startswith(new)
        # The generated training data, hence the model, does not depend on the wording.
        paths = replace(BuildPaths.for_project(PROJECT_ROOT), corpus=test_settings.corpus_dir)
        assert stale_files(paths) == []
    finally:
        path.write_text(original, encoding="utf-8")
