"""Accuracy of the project's NLU next to two baselines, on exactly the same splits.

Runs in the *rasa* environment (``python -m bench.accuracy``); ``python -m bench`` calls it.

Systems:
* ``project``: ``config.yml`` (the shipped pipeline);
* ``stock_rasa``: Rasa's default pipeline (``bench/stock/config.yml``, no spaCy);
* ``tfidf_linear``: TF-IDF of character n-grams + a linear SVM (scikit-learn);
* any candidate pipeline of ``bench/nlu_configs/``, by its file name.

Splits:
* held-out: trained on ``data/``, scored on ``tests/data/faq_heldout.yml`` (paraphrases of
  the FAQ entries no model sees);
* k-fold: stratified folds of all of ``data/``'s examples (a fixed seed), each system
  trained on k-1 folds and scored on the last; predictions are pooled over the folds.

The label of a message is its answer (``faq/<entry>``) or, for the other intents, the
intent. Rasa systems are scored on their top label (the selector's answer when the intent
is ``faq``), before any fallback threshold, so that the three are compared on one footing;
the project's answers as customers get them (thresholds included) are in ``make evaluate``.
Accuracy has a Wilson 95% interval, macro F1 a bootstrap 95% interval.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.corpus.build import read_heldout

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = ROOT / "bench" / "nlu_configs"   # any of them is a system, by its file name
SEED = 1
Example = tuple[str, str]  # (text, label)


def progress(message: str) -> None:
    print(f"[accuracy] {message}", file=sys.stderr, flush=True)


# --- data ------------------------------------------------------------------------------------
def label_of(message: Any) -> str:
    label: str = message.get("intent_response_key") or message.get("intent")
    return label


def load_examples(data: Path) -> tuple[list[Example], dict[str, Any]]:
    """All labelled training examples of ``data`` and the retrieval responses."""
    from rasa.shared.data import get_data_files, is_nlu_file
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    training = TrainingData().merge(*(load_data(f) for f in sorted(get_data_files([str(data)], is_nlu_file))))
    examples = [(m.get("text"), label_of(m)) for m in training.training_examples if m.get("text")]
    return examples, training.responses


def load_heldout(path: Path) -> list[Example]:
    return [(text, f"faq/{entry_id}") for text, entry_id in read_heldout(path)]


def folds(examples: Sequence[Example], k: int) -> list[tuple[list[int], list[int]]]:
    """Stratified k-fold indices (seeded): the same split for every system."""
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=SEED)
    labels = [label for _, label in examples]
    return [(list(train), list(test)) for train, test in splitter.split(labels, labels)]


# --- systems ---------------------------------------------------------------------------------
Predictor = Callable[[list[str]], list[str]]


def train_tfidf(train: Sequence[Example]) -> Predictor:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True,
                        strip_accents="unicode"),
        LinearSVC(C=1.0),
    )
    model.fit([t for t, _ in train], [label for _, label in train])
    return lambda texts: [str(p) for p in model.predict(texts)]


def top_label(parse: dict[str, Any]) -> str:
    """The top intent before fallback thresholds; for ``faq``, the selector's answer."""
    ranking = [i for i in parse.get("intent_ranking") or [] if i["name"] != "nlu_fallback"]
    intent: str = ranking[0]["name"] if ranking else (parse.get("intent") or {}).get("name", "")
    if intent != "faq":
        return intent
    selectors = parse.get("response_selector") or {}
    selector = selectors.get("faq") or selectors.get("default") or {}
    answer: str = (selector.get("response") or {}).get("intent_response_key") or intent
    return answer


def train_rasa(config: Path, train: Sequence[Example], responses: dict[str, Any],
               scratch: Path) -> Predictor:
    """An NLU-only Rasa model of ``config`` trained on ``train``; parses with it."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    messages = []
    for text, label in train:
        intent, _, _ = label.partition("/")
        data = {"text": text, "intent": intent}
        if "/" in label:
            data["intent_response_key"] = label
        messages.append(Message(data=data))
    data_dir = scratch / "data"
    data_dir.mkdir(parents=True)
    (data_dir / "nlu.yml").write_text(
        RasaYAMLWriter().dumps(TrainingData(training_examples=messages, responses=responses)))
    config_copy = scratch / "config.yml"   # Rasa writes its auto-filled defaults into it
    shutil.copy(config, config_copy)
    model = train_nlu(str(config_copy), str(data_dir), str(scratch / "models"), domain=str(ROOT / "domain.yml"))
    if not model:
        raise RuntimeError(f"training {config} failed")
    agent = Agent.load(model)

    def predict(texts: list[str]) -> list[str]:
        async def parse_all() -> list[str]:
            return [top_label(await agent.parse_message(text)) for text in texts]
        return asyncio.run(parse_all())
    return predict


# --- scores ----------------------------------------------------------------------------------
def wilson(correct: int, total: int, z: float = 1.96) -> tuple[float, float]:
    if total == 0:
        return (0.0, 0.0)
    p = correct / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (round(centre - half, 4), round(centre + half, 4))


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    from sklearn.metrics import f1_score

    labels = sorted(set(truth))
    return float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0))


def bootstrap_f1(truth: Sequence[str], predicted: Sequence[str], rounds: int = 1000) -> tuple[float, float]:
    rng = random.Random(SEED)
    n = len(truth)
    scores = []
    for _ in range(rounds):
        sample = [rng.randrange(n) for _ in range(n)]
        scores.append(macro_f1([truth[i] for i in sample], [predicted[i] for i in sample]))
    scores.sort()
    return (round(scores[int(0.025 * rounds)], 4), round(scores[int(0.975 * rounds) - 1], 4))


def score(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    correct = sum(t == p for t, p in zip(truth, predicted, strict=True))
    return {"examples": len(truth), "accuracy": round(correct / len(truth), 4),
            "accuracy_ci95": wilson(correct, len(truth)),
            "macro_f1": round(macro_f1(truth, predicted), 4),
            "macro_f1_ci95": bootstrap_f1(truth, predicted)}


# --- runs, cached by their inputs ------------------------------------------------------------
def config_of(system: str) -> Path | None:
    """The Rasa config of a system (None for the scikit-learn baseline)."""
    if system == "tfidf_linear":
        return None
    path = {"project": ROOT / "config.yml",
            "stock_rasa": ROOT / "bench" / "stock" / "config.yml"}.get(system, CANDIDATES / f"{system}.yml")
    if not path.exists():
        raise SystemExit(f"unknown system {system!r}: no {path}")
    return path


def run_key(system: str, train: Sequence[Example], test: Sequence[Example]) -> str:
    """What a run's predictions depend on: the config, the code it names, the data."""
    digest = hashlib.sha256(system.encode())
    config = config_of(system)
    if config is None:
        digest.update(Path(__file__).read_bytes())
    else:
        text = config.read_text()
        digest.update(text.encode())
        for module in sorted(set(re.findall(r"name: (bot\.[\w.]+)\.\w+", text)) | {"bot.answering"}):
            digest.update((ROOT / (module.replace(".", "/") + ".py")).read_bytes())
    digest.update(json.dumps([list(train), list(test)], ensure_ascii=False).encode())
    return digest.hexdigest()[:20]


def predictions(system: str, train: Sequence[Example], test: Sequence[Example],
                responses: dict[str, Any], cache: Path) -> tuple[list[str], float]:
    """The system's labels for ``test`` after training on ``train`` (and the training time)."""
    cached = cache / f"{system}-{run_key(system, train, test)}.json"
    if cached.exists():
        record = json.loads(cached.read_text())
        return record["predicted"], record["training_seconds"]
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        config = config_of(system)
        if config is None:
            predict = train_tfidf(train)
        else:
            predict = train_rasa(config, train, responses, Path(scratch))
        seconds = round(time.monotonic() - started, 1)
        predicted = predict([text for text, _ in test])
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps({"predicted": predicted, "training_seconds": seconds}))
    return predicted, seconds


def measure(systems: Sequence[str], k: int, data: Path, heldout: Path, cache: Path) -> dict[str, Any]:
    """Scores of every system on the held-out split and by k-fold cross-validation."""
    examples, responses = load_examples(data)
    test = load_heldout(heldout)
    splits = folds(examples, k) if k > 1 else []
    report: dict[str, Any] = {"examples": len(examples), "heldout_examples": len(test),
                              "labels": len({label for _, label in examples}), "folds": k,
                              "systems": {}}
    for system in systems:
        progress(f"{system}: held-out split")
        truth = [label for _, label in test]
        predicted, seconds = predictions(system, examples, test, responses, cache)
        result: dict[str, Any] = {"heldout": score(truth, predicted) | {"training_seconds": seconds}}
        if splits:
            pooled_truth, pooled_predicted, per_fold, fold_seconds = [], [], [], []
            for number, (train_idx, test_idx) in enumerate(splits, 1):
                progress(f"{system}: fold {number}/{k}")
                fold_test = [examples[i] for i in test_idx]
                got, seconds = predictions(system, [examples[i] for i in train_idx], fold_test,
                                           responses, cache)
                fold_truth = [label for _, label in fold_test]
                pooled_truth += fold_truth
                pooled_predicted += got
                per_fold.append(round(sum(t == p for t, p in zip(fold_truth, got, strict=True)) / len(got), 4))
                fold_seconds.append(seconds)
            result["kfold"] = score(pooled_truth, pooled_predicted) | {
                "fold_accuracy": per_fold, "training_seconds_per_fold": fold_seconds}
        report["systems"][system] = result
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", default="project,stock_rasa,tfidf_linear")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--cache", type=Path, required=True, help="folder of cached predictions")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"   # train every model afresh (Rasa caches components)
    warnings.filterwarnings("ignore")  # Rasa's and its dependencies' deprecation notices
    logging.basicConfig(level=logging.ERROR)
    for noisy in ("rasa", "tensorflow", "absl"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    report = measure(args.systems.split(","), args.folds, ROOT / "data",
                     ROOT / "tests" / "data" / "faq_heldout.yml", args.cache)
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
