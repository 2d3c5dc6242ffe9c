"""``python -m bot corpus …``: the maintainer's workflow, from an FAQ edit to a measured model.

edit → ``validate`` → ``build`` → ``train`` → ``evaluate [--baseline]`` → ``accept`` → deploy.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.corpus.build import BuildPaths, build, stale_files
from bot.settings import load_settings
from bot.training import ensure_model, model_path

DEFAULT_REPORTS = "reports"
DEFAULT_BASELINE = "reports/baseline"


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every entry: schema, key facts, shared sentences, paraphrase counts, similarity."""
    from bot.corpus.validate import validate

    settings = load_settings()
    folder = Path(args.corpus) if args.corpus else settings.corpus_dir
    problems = validate(settings, folder, args.similarity)
    for problem in problems:
        print(problem, file=sys.stderr if problem.level == "error" else sys.stdout)
    errors = sum(p.level == "error" for p in problems)
    print(f"{errors} error(s), {len(problems) - errors} warning(s) in {folder}")
    return 1 if errors else 0


def cmd_import(args: argparse.Namespace) -> int:
    """Draft corpus entries (question, full answer, source, key facts) from an FAQ page."""
    from bot.corpus.page_import import import_page, write_drafts

    found = import_page(Path(args.page))
    if not found:
        print(f"error: no question with an answer found in {args.page}", file=sys.stderr)
        return 1
    for path in write_drafts(found, Path(args.out)):
        print(path)
    print(f"{len(found)} draft(s) in {args.out}: review them, add paraphrases, then move them "
          "into the corpus folder")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Regenerate the Rasa data from the corpus (or, with --check, only report staleness)."""
    settings = load_settings()
    paths = BuildPaths.for_project(settings.root)
    if args.check:
        stale = stale_files(paths)
        for path in stale:
            print(f"stale: {path} (run `python -m bot corpus build`)", file=sys.stderr)
        return 1 if stale else 0
    changed = build(paths)
    print(f"generated {len(changed)} file(s)" + "".join(f"\n  {p}" for p in changed))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    """Train if the inputs changed (Rasa's progress is shown); earlier models are kept."""
    settings = load_settings()
    target = model_path(settings)
    if target.exists():
        print(f"inputs unchanged: {target} is up to date")
        return 0
    print(f"inputs changed: training {target.name} (a few minutes)...", flush=True)
    print(ensure_model(settings))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Held-out report and k-fold cross-validation; --baseline fails on a regression."""
    from bot.corpus import quality

    settings = load_settings()
    out = Path(args.out)
    model = ensure_model(settings)
    if args.baseline and not Path(args.baseline).exists():
        print(f"error: no baseline at {args.baseline} (see `corpus accept`)", file=sys.stderr)
        return 2
    report = quality.heldout_report(settings, model, out)
    if args.folds > 1:
        print(f"cross-validating the shipped pipeline ({args.folds} folds)...", flush=True)
        report["cross_validation"] = quality.cross_validation(settings, args.folds, out)
    failures: list[str] = []
    if args.baseline:
        baseline = json.loads((Path(args.baseline) / "evaluation.json").read_text(encoding="utf-8")
                              if Path(args.baseline).is_dir()
                              else Path(args.baseline).read_text(encoding="utf-8"))
        failures = quality.regressions(report, baseline)
        report["baseline_comparison"] = {"baseline_model": baseline["model"],
                                         "regressions": failures}
    quality.write(report, out)
    print(f"held-out answer accuracy {report['answer_accuracy']:.1%}, macro F1 "
          f"{report['macro_f1']:.3f}" + (f"; cross-validation macro F1 "
          f"{report['cross_validation']['macro_f1']:.3f}" if "cross_validation" in report else "")
          + f"; report in {out}/evaluation.md")
    for failure in failures:
        print(f"regression: {failure}", file=sys.stderr)
    return 1 if failures else 0


def cmd_accept(args: argparse.Namespace) -> int:
    """Make the current report the baseline that later evaluations must not fall below."""
    from bot.corpus.quality import accept

    report = accept(Path(args.report), Path(args.baseline), load_settings().clock.now())
    print(f"baseline: {report['model']} (macro F1 {report['macro_f1']:.3f}) in {args.baseline}")
    return 0


def cmd_merge_review(args: argparse.Namespace) -> int:
    """Add agents' corrections (review export) as paraphrases, de-duplicated, data redacted."""
    from bot.corpus.review_merge import merge

    settings = load_settings()
    result = merge(settings, Path(args.file), settings.corpus_dir)
    for entry_id, sentences in result.added.items():
        for sentence in sentences:
            print(f"+ {entry_id}: {sentence}")
    print(f"{sum(map(len, result.added.values()))} paraphrase(s) added, {result.duplicates} "
          f"already known" + (f", unknown entries skipped: {', '.join(result.unknown_entries)}"
                              if result.unknown_entries else ""))
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``corpus …`` on the main parser."""
    corpus = commands.add_parser("corpus", help="the maintainer's workflow (see README)")
    sub = corpus.add_subparsers(dest="corpus_command", required=True)

    validate = sub.add_parser("validate", help=cmd_validate.__doc__)
    validate.add_argument("--corpus", help="corpus folder (default: the project's)")
    validate.add_argument("--similarity", type=float, default=0.97,
                          help="flag entry pairs at or above this cosine (default 0.97)")
    validate.set_defaults(handler=cmd_validate)

    page = sub.add_parser("import", help=cmd_import.__doc__)
    page.add_argument("page", help="an FAQ page saved as text or HTML")
    page.add_argument("--out", default="faq_corpus/drafts", help="where drafts go")
    page.set_defaults(handler=cmd_import)

    build_cmd = sub.add_parser("build", help=cmd_build.__doc__)
    build_cmd.add_argument("--check", action="store_true", help="fail if generated files are stale")
    build_cmd.set_defaults(handler=cmd_build)

    sub.add_parser("train", help=cmd_train.__doc__).set_defaults(handler=cmd_train)

    evaluate = sub.add_parser("evaluate", help=cmd_evaluate.__doc__)
    evaluate.add_argument("--folds", type=int, default=3, help="cross-validation folds (0: none)")
    evaluate.add_argument("--baseline", help="accepted report (folder or evaluation.json)")
    evaluate.add_argument("--out", default=DEFAULT_REPORTS)
    evaluate.set_defaults(handler=cmd_evaluate)

    accept = sub.add_parser("accept", help=cmd_accept.__doc__)
    accept.add_argument("--report", default=DEFAULT_REPORTS)
    accept.add_argument("--baseline", default=DEFAULT_BASELINE)
    accept.set_defaults(handler=cmd_accept)

    merge = sub.add_parser("merge-review", help=cmd_merge_review.__doc__)
    merge.add_argument("file", help="JSON lines from `python -m bot review export`")
    merge.set_defaults(handler=cmd_merge_review)
