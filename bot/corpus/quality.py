"""Measured quality of a model before shipping: held-out report, cross-validation, baseline.

``python -m bot corpus evaluate`` writes ``reports/evaluation.{json,md}`` (held-out answers,
per-entry precision/recall/F1, confusion matrix, most confused pairs) and adds k-fold
cross-validation of the shipped pipeline; ``--baseline`` compares with an accepted report;
``python -m bot corpus accept`` makes the current report the baseline.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.corpus.model import CorpusError
from bot.settings import Settings
from bot.training import TrainingError, rasa_environment

MAX_MACRO_F1_DROP = 0.01   # one point
MAX_ENTRY_F1_DROP = 0.05   # five points


def heldout_report(settings: Settings, model: Path, out: Path) -> dict[str, Any]:
    """Run the held-out evaluation (rasa environment); return its JSON report."""
    command = [str(settings.rasa_python), "-m", "bot.nlu.evaluate", "--model", str(model),
               "--corpus", str(settings.corpus_dir),
               "--heldout", str(settings.root / "tests" / "data" / "faq_heldout.yml"),
               "--out-of-domain", str(settings.root / "tests" / "data" / "out_of_domain.yml"),
               "--out", str(out)]
    result = subprocess.run(command, cwd=settings.root, env=rasa_environment(settings))
    if result.returncode != 0:
        raise TrainingError("the held-out evaluation failed (see above)")
    report: dict[str, Any] = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    return report


def cross_validation(settings: Settings, folds: int, out: Path) -> dict[str, Any]:
    """Per-entry scores of k-fold cross-validation (``rasa test nlu``) of the shipped
    pipeline on all data."""
    target = out / "cv" / "config"
    command = [str(settings.rasa_executable), "test", "nlu", "--nlu", "data",
               "--config", str(settings.root / "config.yml"), "--cross-validation",
               "--folds", str(folds), "--out", str(target), "--no-plot"]
    started = time.monotonic()
    result = subprocess.run(command, cwd=settings.root, env=rasa_environment(settings),
                            capture_output=True, text=True)
    seconds = round(time.monotonic() - started)
    if result.returncode != 0:
        raise TrainingError(f"cross-validation of config.yml failed:\n{result.stderr[-2000:]}")
    intents_path = target / "intent_report.json"
    intent_accuracy = (round(float(json.loads(intents_path.read_text()).get("accuracy", 0.0)), 4)
                       if intents_path.exists() else None)
    report = json.loads((target / "response_selection_report.json").read_text())
    per_entry = {
        key.split("/", 1)[1]: {"precision": round(m["precision"], 3), "recall": round(m["recall"], 3),
                               "f1": round(m["f1-score"], 3), "support": int(m["support"])}
        for key, m in report.items() if key.startswith("faq/")
    }
    return {"folds": folds, "seconds": seconds, "intent_accuracy": intent_accuracy,
            "macro_f1": round(sum(m["f1"] for m in per_entry.values()) / max(len(per_entry), 1), 4),
            "per_entry": per_entry}


def regressions(report: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """Why ``report`` is worse than ``baseline`` (empty: not worse), on held-out F1."""
    failures = []
    drop = baseline["macro_f1"] - report["macro_f1"]
    if drop > MAX_MACRO_F1_DROP:
        failures.append(f"macro F1 {report['macro_f1']:.3f} is {drop * 100:.1f} points below the "
                        f"baseline's {baseline['macro_f1']:.3f} (at most {MAX_MACRO_F1_DROP * 100:.0f})")
    for entry, old in baseline["per_entry"].items():
        new = report["per_entry"].get(entry, {}).get("f1", 0.0)
        if old["f1"] - new > MAX_ENTRY_F1_DROP:
            where = "" if entry in report["per_entry"] else " (entry gone)"
            failures.append(f"{entry}: F1 {new:.3f}{where}, baseline {old['f1']:.3f} "
                            f"(at most {MAX_ENTRY_F1_DROP * 100:.0f} points lower)")
    return failures


def markdown_sections(report: dict[str, Any]) -> str:
    """Cross-validation and baseline sections appended to ``evaluation.md``."""
    lines = []
    cv = report.get("cross_validation")
    if cv:
        lines += ["", f"## Cross-validation ({cv['folds']} folds, all data, {cv['seconds']} s)", "",
                  f"- Intent accuracy: {cv['intent_accuracy']:.3f}",
                  f"- Answer macro F1: {cv['macro_f1']:.3f}", "",
                  "| entry | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {e} | {m['precision']:.2f} | {m['recall']:.2f} | {m['f1']:.2f} | {m['support']} |"
                  for e, m in cv["per_entry"].items()]
    comparison = report.get("baseline_comparison")
    if comparison:
        lines += ["", f"## Against the baseline ({comparison['baseline_model']})", ""]
        lines += [f"- {f}" for f in comparison["regressions"]] or ["- no regression"]
    return "\n".join(lines) + ("\n" if lines else "")


def write(report: dict[str, Any], out: Path) -> None:
    (out / "evaluation.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    markdown = (out / "evaluation.md").read_text(encoding="utf-8").split("\n## Cross-validation")[0]
    markdown = markdown.split("\n## Against the baseline")[0].rstrip("\n") + "\n"
    (out / "evaluation.md").write_text(markdown + markdown_sections(report), encoding="utf-8")


def accept(report_dir: Path, baseline_dir: Path, now: datetime) -> dict[str, Any]:
    """Make the current report the baseline (kept with the model it measured), at ``now``."""
    source = report_dir / "evaluation.json"
    if not source.exists():
        raise CorpusError(f"no report in {report_dir}: run `python -m bot corpus evaluate` first")
    report: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    report["accepted_at"] = now.isoformat(timespec="seconds")
    baseline_dir.mkdir(parents=True, exist_ok=True)
    (baseline_dir / "evaluation.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    shutil.copy2(report_dir / "evaluation.md", baseline_dir / "evaluation.md")
    if (report_dir / "confusion_matrix.png").exists():
        shutil.copy2(report_dir / "confusion_matrix.png", baseline_dir / "confusion_matrix.png")
    return report
