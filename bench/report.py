"""The benchmark's Markdown page and its verdict on the targets of issue 7."""
from __future__ import annotations

from typing import Any

PATH_NAMES = {"gateway": "gateway socket (project)", "rest": "Rasa REST direct (project)",
              "stock": "stock Rasa REST"}
SYSTEM_NAMES = {"project": "**project NLU (config.yml)**",
                "stock_rasa": "baseline: Rasa default pipeline (no spaCy)",
                "tfidf_linear": "baseline: TF-IDF char n-grams + linear SVM"}
BASELINES = ("stock_rasa", "tfidf_linear")


def _level(report: dict[str, Any], path: str, users: int) -> dict[str, Any] | None:
    rows: list[dict[str, Any]] = report.get("serving", {}).get(path, {}).get("levels", [])
    for row in rows:
        if row["users"] == users:
            return row
    return None


def _ci(value: float, interval: list[float]) -> str:
    return f"{value:.3f} [{interval[0]:.3f}–{interval[1]:.3f}]"


def targets(report: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target that this run's figures can decide."""
    rows: list[tuple[str, str, bool | None]] = []
    gateway50, stock50 = _level(report, "gateway", 50), _level(report, "stock", 50)
    if gateway50 and stock50 and stock50["throughput"]:
        ratio = gateway50["throughput"] / stock50["throughput"]
        rows.append(("throughput, 50 customers, gateway ≥ 3× stock",
                     f"{gateway50['throughput']} vs {stock50['throughput']} msg/s = {ratio:.1f}×", ratio >= 3))
    gateway10, stock10 = _level(report, "gateway", 10), _level(report, "stock", 10)
    if gateway10 and stock10 and gateway10["p95_ms"] and stock10["p95_ms"]:
        ratio = stock10["p95_ms"] / gateway10["p95_ms"]
        rows.append(("p95, 10 customers, gateway ≤ ⅓ of stock",
                     f"{gateway10['p95_ms']} vs {stock10['p95_ms']} ms = 1/{ratio:.1f}", ratio >= 3))
    gateway1, rest1 = _level(report, "gateway", 1), _level(report, "rest", 1)
    if gateway1 and rest1 and gateway1["p50_ms"] is not None and rest1["p50_ms"] is not None:
        overhead = gateway1["p50_ms"] - rest1["p50_ms"]
        rows.append(("gateway overhead at p50, 1 customer < 5 ms", f"{overhead:+.1f} ms", overhead < 5))
    systems = report.get("accuracy", {}).get("systems", {})
    if "project" in systems and any(n in systems for n in BASELINES):
        project = systems["project"]["heldout"]["accuracy"]
        best_baseline = max(s["heldout"]["accuracy"] for n, s in systems.items() if n in BASELINES)
        rows.append(("held-out accuracy ≥ best baseline", f"{project:.3f} vs {best_baseline:.3f}",
                     project >= best_baseline))
        f1 = systems["project"]["heldout"]["macro_f1"]
        best = max(s["heldout"]["macro_f1"] for s in systems.values())
        rows.append(("held-out macro F1 within 1 point of the best measured", f"{f1:.3f} vs best {best:.3f}",
                     f1 >= best - 0.01))
        if all("kfold" in s for s in systems.values()):
            f1 = systems["project"]["kfold"]["macro_f1"]
            best = max(s["kfold"]["macro_f1"] for s in systems.values())
            rows.append(("also on k-fold cross-validation", f"{f1:.3f} vs best {best:.3f}",
                         f1 >= best - 0.01))
    project_stack = report.get("serving", {}).get("gateway")
    if project_stack:
        rss = sum(project_stack["rss_after_warmup_mb"].values())
        pss = sum(project_stack["pss_after_warmup_mb"].values())
        rows.append(("whole stack resident after warm-up < 2.5 GB (PSS; RSS sum)",
                     f"{pss:.0f} MB PSS; {rss:.0f} MB RSS", pss < 2500))
        ready = project_stack["stack_ready_seconds"]
        rows.append(("ready from start < 30 s", f"{ready:.1f} s", ready < 30))
    return rows


def markdown(report: dict[str, Any]) -> str:
    env = report["environment"]
    lines = [f"# Benchmark{' (smoke run)' if report.get('smoke') else ''}", "",
             f"{env['date']}, commit `{env['commit']}`, {env['cpus']} CPUs ({env['machine']}), "
             f"Python {env['python']}; {report['settings']['messages_per_level']} messages per load level; "
             f"whole run {report.get('seconds', 0)} s.", ""]
    if "accuracy" in report:
        acc = report["accuracy"]
        lines += ["## Accuracy", "",
                  f"{acc['examples']} training examples, {acc['labels']} labels (answers and intents); "
                  f"held-out split: {acc['heldout_examples']} unseen FAQ paraphrases; "
                  f"{acc['folds']}-fold stratified cross-validation, predictions pooled. "
                  "Top label before fallback thresholds; 95% intervals (Wilson, bootstrap).", "",
                  "| system | held-out accuracy | held-out macro F1 | k-fold accuracy | k-fold macro F1 |",
                  "|---|---|---|---|---|"]
        for name, s in acc["systems"].items():
            held, fold = s["heldout"], s.get("kfold")
            lines.append(
                f"| {SYSTEM_NAMES.get(name, f'candidate: `bench/nlu_configs/{name}.yml`')} | {_ci(held['accuracy'], held['accuracy_ci95'])} | "
                f"{_ci(held['macro_f1'], held['macro_f1_ci95'])} | "
                + (f"{_ci(fold['accuracy'], fold['accuracy_ci95'])} | {_ci(fold['macro_f1'], fold['macro_f1_ci95'])} |"
                   if fold else "– | – |"))
        lines.append("")
    if report.get("serving"):
        lines += ["## Serving", "",
                  "Closed-loop simulated customers on loopback; every path gets the same "
                  "conversations (12 turns: greeting, two FAQ questions, a copy-of-contract "
                  "request to its reference, goodbye), split among the customers.", "",
                  "| path | customers | messages | msg/s | p50 ms | p95 ms | p99 ms | errors | requests filed |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for path, result in report["serving"].items():
            for row in result["levels"]:
                lines.append(f"| {PATH_NAMES.get(path, path)} | {row['users']} | {row['messages']} | "
                             f"{row['throughput']} | {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} | "
                             f"{row['errors']} | {row['requests_filed']} |")
        lines += ["", "![latency against concurrency](latency.png)", "", "## Resources", "",
                  "RSS counts shared pages (TensorFlow's libraries, shared by the Rasa processes) "
                  "in every process; PSS splits them among the processes that share them.", "",
                  "| path | process | ready (s) | RSS after warm-up (MB) | PSS after warm-up (MB) | peak RSS under load (MB) |",
                  "|---|---|---:|---:|---:|---:|"]
        for path, result in report["serving"].items():
            if path == "rest":
                continue  # the same processes as the gateway path
            for name, mb in result["rss_after_warmup_mb"].items():
                lines.append(f"| {PATH_NAMES.get(path, path)} | {name} | {result['ready_seconds'][name]} | "
                             f"{mb:.0f} | {result['pss_after_warmup_mb'][name]:.0f} | "
                             f"{result['rss_peak_mb'].get(name, 0):.0f} |")
            lines.append(f"| {PATH_NAMES.get(path, path)} | **whole stack** | {result['stack_ready_seconds']} | "
                         f"{sum(result['rss_after_warmup_mb'].values()):.0f} | "
                         f"{sum(result['pss_after_warmup_mb'].values()):.0f} | "
                         f"{sum(result['rss_peak_mb'].values()):.0f} |")
        lines.append("")
        lines += ["Training time (full model): " + ", ".join(
            f"{r['model']} {r['training_seconds']:.0f} s" for p, r in report["serving"].items()
            if p != "rest" and r.get("training_seconds")) + ".", ""]
    verdict = targets(report)
    if verdict:
        lines += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
        lines += [f"| {t} | {m} | {'yes' if ok else 'no'} |" for t, m, ok in verdict]
        lines.append("")
    return "\n".join(lines)
