"""Compare candidate NLU pipelines by k-fold cross-validation on the training data.

Runs ``rasa test nlu --cross-validation`` for each config of ``benchmarks/nlu_configs/``
and summarises intent and answer (response selection) scores with the time each took.
"""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from bot.settings import Settings
from bot.training import TrainingError, rasa_environment


def _scores(report_path: Path) -> dict[str, float]:
    if not report_path.exists():
        return {}
    report = json.loads(report_path.read_text())
    weighted = report.get("weighted avg", {})
    return {"accuracy": round(float(report.get("accuracy", 0.0)), 4),
            "weighted_f1": round(float(weighted.get("f1-score", 0.0)), 4)}


def cross_validate(settings: Settings, config: Path, folds: int, out: Path) -> dict:
    """One config's cross-validation scores and wall-clock time."""
    target = out / config.stem
    command = [str(settings.rasa_executable), "test", "nlu", "--nlu", "data",
               "--config", str(config), "--cross-validation", "--folds", str(folds),
               "--out", str(target), "--no-plot"]
    started = time.monotonic()
    result = subprocess.run(command, cwd=settings.root, env=rasa_environment(settings),
                            capture_output=True, text=True)
    seconds = round(time.monotonic() - started)
    if result.returncode != 0:
        raise TrainingError(f"cross-validation of {config.name} failed:\n{result.stderr[-2000:]}")
    return {"config": config.stem, "folds": folds, "seconds": seconds,
            "intent": _scores(target / "intent_report.json"),
            "answer": _scores(target / "response_selection_report.json")}


def compare(settings: Settings, configs: list[Path], folds: int, out: Path) -> list[dict]:
    """Cross-validate every config; write ``summary.json`` and ``summary.md`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for config in configs:
        print(f"cross-validating {config.stem} ({folds} folds)...", flush=True)
        rows.append(cross_validate(settings, config, folds, out))
        print(json.dumps(rows[-1]), flush=True)
    (out / "summary.json").write_text(json.dumps(rows, indent=2) + "\n")
    lines = ["| config | intent acc. | intent F1 | answer acc. | answer F1 | time (s) |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['config']} | {row['intent'].get('accuracy', 0):.3f} | "
                     f"{row['intent'].get('weighted_f1', 0):.3f} | "
                     f"{row['answer'].get('accuracy', 0):.3f} | "
                     f"{row['answer'].get('weighted_f1', 0):.3f} | {row['seconds']} |")
    (out / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return rows
