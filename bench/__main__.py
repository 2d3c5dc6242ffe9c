"""``make bench``: accuracy, serving latency and throughput, memory and start-up, in one run.

``python -m bench`` (the *app* environment); ``--smoke`` is the short run of the test suite
(the TF-IDF baseline only, two small loads, no stock Rasa). Reports go to ``reports/bench/``.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import models
from bench.load import LoadResult, conversation, run_load
from bench.report import markdown
from bench.stack import Stack, bench_settings, project_stack, stock_stack
from bot.corpus.build import read_heldout
from bot.settings import PROJECT_ROOT, Settings, load_settings
from bot.training import rasa_environment

PATHS = {  # path -> (which stack, which client)
    "gateway": ("project", "socket"),
    "rest": ("project", "rest"),
    "stock": ("stock", "rest"),
}


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def accuracy(settings: Settings, folds: int, systems: str, out: Path) -> dict[str, Any]:
    """Run ``bench.accuracy`` in the *rasa* environment; its progress goes to our output."""
    command = [str(settings.rasa_python), "-m", "bench.accuracy", "--folds", str(folds),
               "--systems", systems, "--out", str(out),
               "--cache", str(settings.data_dir / "bench" / "accuracy-cache")]
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=rasa_environment(settings),
                            stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"accuracy benchmark failed (exit {result.returncode})")
    report: dict[str, Any] = json.loads(out.read_text())
    return report


async def _sampled(load: Any, stack: Stack, peak: dict[str, float], result: LoadResult,
                   expected: int) -> None:
    """Run ``load`` while sampling the stack's memory (peak kept) and showing progress."""
    task = asyncio.ensure_future(load)
    last_shown = time.monotonic()
    while not task.done():
        for name, mb in stack.rss().items():
            peak[name] = max(peak.get(name, 0.0), mb)
        await asyncio.wait([task], timeout=0.5)
        if time.monotonic() - last_shown >= 5:
            say(f"  ... {len(result.latencies)}/{expected} messages")
            last_shown = time.monotonic()
    task.result()


def serve(stack: Stack, path: str, url: str, levels: list[int], messages: int,
          questions: list[str]) -> dict[str, Any]:
    """One path's load levels, with the stack's memory after warm-up and at its peak."""
    _, client = PATHS[path]
    turns = len(conversation(questions, 0))
    asyncio.run(run_load(client, url, 1, questions, LoadResult(users=2)))  # warm-up
    after_warmup, shared_after_warmup = stack.rss(), stack.pss()
    peak: dict[str, float] = {}
    rows = []
    for users in levels:
        conversations = max(1, round(messages / (turns * users)))
        say(f"{path}: {users} customer(s), {conversations} conversation(s) each...")
        result = LoadResult(users)
        asyncio.run(_sampled(run_load(client, url, conversations, questions, result), stack, peak,
                             result, users * conversations * turns))
        stack.check_alive()
        rows.append(result.summary())
        row = rows[-1]
        say(f"{path}: {users} customer(s): {row['throughput']} msg/s, p50 {row['p50_ms']} ms, "
            f"p95 {row['p95_ms']} ms, p99 {row['p99_ms']} ms, errors {row['errors']}")
    return {"levels": rows, "rss_after_warmup_mb": after_warmup,
            "pss_after_warmup_mb": shared_after_warmup, "rss_peak_mb": peak,
            "ready_seconds": stack.ready_seconds, "stack_ready_seconds": stack.stack_ready_seconds}


def serving(base: Settings, paths: list[str], levels: list[int], messages: int,
            questions: list[str], retrain: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    stacks: dict[str, Callable[[Settings, Path], Any]] = {"project": project_stack, "stock": stock_stack}
    for which in ("project", "stock"):
        wanted = [p for p in paths if PATHS[p][0] == which]
        if not wanted:
            continue
        if retrain:
            say(f"training the {which} model (timed)...")
        model = (models.project_model if which == "project" else models.stock_model)(base, retrain)
        settings = bench_settings(base, base.data_dir / "bench" / f"run-{which}")
        say(f"starting the {which} stack ({model.name})...")
        with stacks[which](settings, model) as stack:
            say(f"{which} stack ready in {stack.stack_ready_seconds:.1f} s")
            for path in wanted:
                url = settings.gateway_url if path == "gateway" else f"http://127.0.0.1:{settings.rasa_port}"
                results[path] = serve(stack, path, url, levels, messages, questions)
                results[path]["model"] = model.name
                results[path]["training_seconds"] = models.training_seconds(model)
    return results


def environment() -> dict[str, Any]:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True).stdout.strip()
    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "commit": commit,
            "cpus": os.cpu_count(), "machine": platform.machine(), "python": platform.python_version()}


def plot(settings: Settings, report: Path, png: Path) -> None:
    subprocess.run([str(settings.rasa_python), "-m", "bench.plot", str(report), str(png)],
                   cwd=PROJECT_ROOT, env=rasa_environment(settings), check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a short run (the test suite's)")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--users", default="1,10,50", help="concurrency levels")
    parser.add_argument("--messages", type=int, default=600,
                        help="messages per load level (whole conversations, split among customers)")
    parser.add_argument("--paths", default="gateway,rest,stock")
    parser.add_argument("--systems", default="project,stock_rasa,tfidf_linear",
                        help="NLU systems to score; 'all' adds every pipeline of bench/nlu_configs/")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--accuracy-only", action="store_true")
    parser.add_argument("--retrain", action="store_true",
                        help="train the served models again, to time training on a quiet machine")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports" / "bench")
    args = parser.parse_args()
    if args.smoke:
        args.folds, args.systems, args.paths, args.users, args.messages = 2, "tfidf_linear", "gateway,rest", "1,3", 36
    if args.retrain:
        os.environ["RASA_MAX_CACHE_SIZE"] = "0"   # time a real training, not Rasa's cache
    base = load_settings()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    report: dict[str, Any] = {"environment": environment(), "smoke": args.smoke,
                              "settings": {"messages_per_level": args.messages, "folds": args.folds}}
    if args.systems == "all":
        args.systems = ",".join(["project", "stock_rasa", "tfidf_linear"] + sorted(
            p.stem for p in (PROJECT_ROOT / "bench" / "nlu_configs").glob("*.yml")))
    if not args.skip_accuracy:
        say(f"accuracy: {args.systems}, held-out split and {args.folds}-fold cross-validation")
        report["accuracy"] = accuracy(base, args.folds, args.systems, args.out / "accuracy.json")
    if not args.accuracy_only:
        questions = [text for text, _ in read_heldout(base.root / "tests" / "data" / "faq_heldout.yml")]
        report["serving"] = serving(base, args.paths.split(","), [int(u) for u in args.users.split(",")],
                                    args.messages, questions, args.retrain)
    report["seconds"] = round(time.monotonic() - started)
    (args.out / "bench.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (args.out / "bench.md").write_text(markdown(report))
    if report.get("serving"):
        plot(base, args.out / "bench.json", args.out / "latency.png")
    say(f"done in {report['seconds']} s: {args.out / 'bench.md'}")
    print((args.out / "bench.md").read_text())


if __name__ == "__main__":
    main()
