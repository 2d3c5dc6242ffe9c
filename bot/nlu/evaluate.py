"""Measure answer quality of a trained model on the held-out paraphrases.

Runs in the *rasa* environment (``python -m bot.nlu.evaluate``); ``python -m bot evaluate``
calls it. The decision rule is ``bot.answering``, the same one the action server applies,
so the numbers describe what customers get: an answer counts as right only when the
assistant would actually give that entry's answer (not ask "did you mean ...?").
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bot.answering import predicted_answer
from bot.corpus import load_corpus
from bot.corpus.build import read_heldout
from bot.nlu.similarity import closest_pairs

NO_ANSWER = "(no answer)"


def read_messages(path: Path) -> list[str]:
    """The out-of-domain test messages."""
    return [str(m) for m in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]]


async def parse_all(model: Path, texts: list[str]) -> list[dict[str, Any]]:
    """Parse every text with the model's NLU (no dialogue, no side effects)."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def _confusion_png(labels: list[str], truth: list[str], predicted: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix

    matrix = confusion_matrix(truth, predicted, labels=labels)
    figure, axes = plt.subplots(figsize=(14, 12))
    ConfusionMatrixDisplay(matrix, display_labels=labels).plot(
        ax=axes, cmap="Blues", xticks_rotation=90, colorbar=False
    )
    axes.set_title("Answers: expected (rows) / given (columns)")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def evaluate(model: Path, corpus: Path, heldout: Path, out_of_domain: Path, out: Path) -> dict[str, Any]:
    """Compute the report, write JSON, Markdown and PNG into ``out``, return the JSON."""
    from sklearn.metrics import precision_recall_fscore_support

    entries = load_corpus(corpus)
    ids = [entry.id for entry in entries]
    pairs = read_heldout(heldout)
    ood = read_messages(out_of_domain)
    parses = asyncio.run(parse_all(model, [text for text, _ in pairs] + ood))
    in_domain, off_domain = parses[: len(pairs)], parses[len(pairs):]

    truth = [entry_id for _, entry_id in pairs]
    predicted = [predicted_answer(parse) or NO_ANSWER for parse in in_domain]
    labels = ids + [NO_ANSWER]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=ids, zero_division=0
    )
    errors = [
        {"text": text, "expected": expected, "answered": got,
         "intent": parse["intent"]["name"], "intent_confidence": round(parse["intent"]["confidence"], 3)}
        for (text, expected), got, parse in zip(pairs, predicted, in_domain, strict=True) if got != expected
    ]
    confused = Counter((e["expected"], e["answered"]) for e in errors)
    ood_answered = [
        {"text": text, "answered": answer}
        for text, parse in zip(ood, off_domain, strict=True)
        if (answer := predicted_answer(parse))
    ]
    report = {
        "model": model.name,
        "heldout_examples": len(pairs),
        "answer_accuracy": round(sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(pairs), 4),
        "not_answered": sum(p == NO_ANSWER for p in predicted),
        "wrong_answer": sum(p not in (t, NO_ANSWER) for t, p in zip(truth, predicted, strict=True)),
        "macro_f1": round(float(sum(f1) / len(f1)), 4),
        "per_entry": {
            entry_id: {"precision": round(float(p), 3), "recall": round(float(r), 3),
                       "f1": round(float(f), 3), "support": int(s)}
            for entry_id, p, r, f, s in zip(ids, precision, recall, f1, support, strict=True)
        },
        "most_confused": [
            {"expected": e, "answered": a, "count": n,
             "examples": [x["text"] for x in errors if (x["expected"], x["answered"]) == (e, a)][:3]}
            for (e, a), n in confused.most_common(10)
        ],
        "errors": errors,
        "closest_entries": closest_pairs(entries),
        "out_of_domain_examples": len(ood),
        "out_of_domain_answered": ood_answered,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "evaluation.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    (out / "evaluation.md").write_text(markdown(report))
    _confusion_png(labels, truth, predicted, out / "confusion_matrix.png")
    return report


def markdown(report: dict[str, Any]) -> str:
    """The report as a page a maintainer reads."""
    lines = [
        f"# Answer quality of `{report['model']}`", "",
        f"- Held-out paraphrases: {report['heldout_examples']}",
        f"- **Answer accuracy: {report['answer_accuracy']:.1%}**"
        f" (wrong answer: {report['wrong_answer']}, no answer: {report['not_answered']})",
        f"- Macro F1 over entries: {report['macro_f1']:.3f}",
        f"- Out-of-domain messages answered with an FAQ entry: "
        f"{len(report['out_of_domain_answered'])} / {report['out_of_domain_examples']}",
        "", "![confusion matrix](confusion_matrix.png)", "",
        "| entry | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|",
    ]
    for entry_id, m in report["per_entry"].items():
        lines.append(f"| {entry_id} | {m['precision']:.2f} | {m['recall']:.2f} | {m['f1']:.2f} | {m['support']} |")
    lines += ["", "## Most confused", ""]
    for item in report["most_confused"] or [{"expected": "-", "answered": "-", "count": 0, "examples": []}]:
        examples = "; ".join(f"« {x} »" for x in item["examples"])
        lines.append(f"- {item['expected']} → {item['answered']} ({item['count']}): {examples}")
    lines += ["", "## Entries closest in meaning (spaCy vectors, cosine)", ""]
    lines += [f"- {' / '.join(p['entries'])}: {p['similarity']:.3f}" for p in report["closest_entries"]]
    if report["out_of_domain_answered"]:
        lines += ["", "## Out-of-domain messages that got an FAQ answer", ""]
        lines += [f"- « {x['text']} » → {x['answered']}" for x in report["out_of_domain_answered"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=Path("faq_corpus"))
    parser.add_argument("--heldout", type=Path, default=Path("tests/data/faq_heldout.yml"))
    parser.add_argument("--out-of-domain", type=Path, default=Path("tests/data/out_of_domain.yml"))
    parser.add_argument("--out", type=Path, default=Path("reports"))
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.basicConfig(level=logging.WARNING)
    report = evaluate(args.model, args.corpus, args.heldout, args.out_of_domain, args.out)
    print(json.dumps({k: report[k] for k in ("model", "heldout_examples", "answer_accuracy",
                      "macro_f1", "wrong_answer", "not_answered")} | {
        "out_of_domain_answered": len(report["out_of_domain_answered"])}, ensure_ascii=False))


if __name__ == "__main__":
    main()
