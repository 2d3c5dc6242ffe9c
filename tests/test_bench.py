"""The benchmark's smoke run: every part runs end to end; its numbers are reported, not judged."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.model


def test_the_benchmark_smoke_run(trained_model: Path, test_settings: Settings, tmp_path: Path) -> None:
    env = dict(os.environ, FAQBOT_DATA_DIR=str(tmp_path / "var"), FAQBOT_CLOCK=test_settings.clock.setting)
    result = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--out", str(tmp_path / "out")],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900)
    print(result.stdout)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "out" / "bench.json").read_text())
    baseline = report["accuracy"]["systems"]["tfidf_linear"]
    assert baseline["heldout"]["examples"] > 200 and len(baseline["kfold"]["fold_accuracy"]) == 2
    for path in ("gateway", "rest"):
        levels = report["serving"][path]["levels"]
        assert [level["users"] for level in levels] == [1, 3]
        # every simulated message was answered: the load really went through the assistant
        assert all(level["messages"] > 0 and level["errors"] == 0 for level in levels), levels
        # and the simulated request flow reached its ticket reference (the script is realistic)
        assert levels[0]["requests_filed"] == levels[0]["conversations"] > 0, levels
    assert (tmp_path / "out" / "latency.png").stat().st_size > 10_000
    assert "| gateway socket (project) | 3 |" in (tmp_path / "out" / "bench.md").read_text()
