"""The maintainer's command line on small temporary corpora (and the seed page for import)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.settings import PROJECT_ROOT

SEED = PROJECT_ROOT / "bot" / "web" / "seed_faq.txt"
SMALL = ("activation_servicepac", "contact_service_clientele", "copie_contrat", "service_factures")


def corpus_cli(*args: str, root: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    env = dict(os.environ, FAQBOT_ROOT=str(root), FAQBOT_MODELS_DIR=str(root / "models"),
               FAQBOT_RASA_VENV=str(PROJECT_ROOT / ".venv" / "rasa"))
    env.pop("FAQBOT_CORPUS_DIR", None)
    return subprocess.run([sys.executable, "-m", "bot", "corpus", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)


def small_project(root: Path, entries: tuple[str, ...] = SMALL) -> Path:
    """A project with a few real entries, one other intent and the shipped pipeline."""
    (root / "faq_corpus").mkdir(parents=True)
    for entry in entries:
        shutil.copy2(PROJECT_ROOT / "faq_corpus" / f"{entry}.yml", root / "faq_corpus")
    shutil.copy2(PROJECT_ROOT / "config.yml", root / "config.yml")
    (root / "data").mkdir()
    (root / "tests" / "data").mkdir(parents=True)
    shutil.copy2(PROJECT_ROOT / "tests" / "data" / "out_of_domain.yml", root / "tests" / "data")
    greetings = ["bonjour", "salut", "bonsoir", "hello", "coucou", "bonjour à vous", "hey",
                 "bonjour madame", "bonjour monsieur", "salut à tous"]
    (root / "data" / "nlu.yml").write_text(yaml.safe_dump(
        {"version": "3.1", "nlu": [{"intent": "greet", "examples": "".join(
            f"- {g}\n" for g in greetings)}]}, allow_unicode=True))
    (root / "data" / "rules.yml").write_text(yaml.safe_dump({"version": "3.1", "rules": [
        {"rule": "greet", "steps": [{"intent": "greet"}, {"action": "utter_greet"}]},
        {"rule": "faq", "steps": [{"intent": "faq"}, {"action": "action_answer_faq"}]},
        {"rule": "unsure", "steps": [{"intent": "nlu_fallback"}, {"action": "action_clarify"}]},
    ]}))
    (root / "domain.yml").write_text(yaml.safe_dump({
        "version": "3.1", "intents": ["greet", "faq"],
        "actions": ["action_answer_faq", "action_clarify"],
        "responses": {"utter_greet": [{"text": "Bonjour !"}]},
    }, allow_unicode=True))
    return root


# --- validate -------------------------------------------------------------------------

def test_validate_passes_on_a_clean_corpus(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    result = corpus_cli("validate", root=root)
    assert result.returncode == 0, result.stderr
    assert "0 error(s), 0 warning(s)" in result.stdout


def test_validate_lists_every_error_and_warning(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    corpus = root / "faq_corpus"
    copy = yaml.safe_load((corpus / "copie_contrat.yml").read_text())
    copy["key_facts"].append("0 800 00 000")                   # a fact not in the answer
    copy["paraphrases"].append("Comment activer un contrat ServicePac ?")  # another entry's
    (corpus / "copie_contrat.yml").write_text(yaml.safe_dump(copy, allow_unicode=True))
    bills = yaml.safe_load((corpus / "service_factures.yml").read_text())
    bills["paraphrases"] = bills["paraphrases"][:5]             # too few
    (corpus / "service_factures.yml").write_text(yaml.safe_dump(bills, allow_unicode=True))
    (corpus / "broken.yml").write_text("id: broken\nanswer: [oops\n")
    result = corpus_cli("validate", root=root)
    assert result.returncode == 1
    assert "error: broken.yml: not valid YAML" in result.stderr
    assert "error: copie_contrat: key fact '0 800 00 000' is not in the answer" in result.stderr
    assert ("error: activation_servicepac + copie_contrat: the same sentence in several "
            "entries: 'comment activer un contrat servicepac ?'") in result.stderr
    assert "warning: service_factures: 5 distinct paraphrases (at least 20 recommended)" in (
        result.stdout)
    assert "3 error(s), 1 warning(s)" in result.stdout


def test_validate_flags_entries_too_similar_to_tell_apart(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    corpus = root / "faq_corpus"
    twin = yaml.safe_load((corpus / "copie_contrat.yml").read_text())
    twin["id"] = "copie_contrat_bis"
    twin["question"] = f"{twin['question']} Merci."
    twin["paraphrases"] = [f"{p} svp" for p in twin["paraphrases"]]
    (corpus / "copie_contrat_bis.yml").write_text(yaml.safe_dump(twin, allow_unicode=True))
    result = corpus_cli("validate", root=root)
    assert result.returncode == 0  # a warning, not an error
    assert re.search(r"warning: copie_contrat \+ copie_contrat_bis: too similar to tell apart "
                     r"reliably \(cosine 0\.9\d\d >= 0\.97\)", result.stdout), result.stdout


# --- import ---------------------------------------------------------------------------

SEED_QUESTIONS = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()[:90]
                  if line.strip().endswith("?")]


def test_import_finds_the_ten_questions_of_the_seed_with_their_full_answers(tmp_path: Path) -> None:
    result = corpus_cli("import", str(SEED), "--out", str(tmp_path / "drafts"), root=tmp_path)
    assert result.returncode == 0, result.stderr
    drafts = [yaml.safe_load(p.read_text()) for p in sorted((tmp_path / "drafts").glob("*.yml"))]
    assert len(SEED_QUESTIONS) == 10
    assert sorted(d["source"] for d in drafts) == sorted(SEED_QUESTIONS)
    seed = SEED.read_text(encoding="utf-8")
    for draft in drafts:
        start = seed.index(draft["source"]) + len(draft["source"])
        # Every paragraph of the answer is the seed's, in order, right after the question.
        for paragraph in draft["answer"].split("\n\n"):
            assert paragraph in seed[start:], (draft["id"], paragraph)
    by_source = {d["source"]: d for d in drafts}
    licence = by_source["Que dois je faire pour résilier mon contrat de licence de logiciel?"]
    assert "Passport Advantage" in licence["answer"] and "30 jours" in licence["answer"]
    maintenance = by_source["Comment dois-je résilier mon contrat de maintenance?"]
    assert "Avenue du Bourget 42\n1130 Bruxelles" in maintenance["answer"]
    assert maintenance["key_facts"] == ["+32(0)2 339 23 45"]
    assert maintenance["id"] == "comment_dois_je_resilier_mon_contrat_de_maintenance"


def test_import_reads_html_pages_too(tmp_path: Path) -> None:
    page = tmp_path / "faq.html"
    page.write_text(
        "<html><body><nav>Menu</nav><h1>FAQ</h1>"
        "<h2>Comment activer un contrat ServicePac?</h2><p>Dès réception de votre e-mail,"
        " enregistrez votre contrat.</p><p>Écrivez à <a href='mailto:x@be.ibm.com'>x@be.ibm.com"
        "</a>.</p><h2>Horaires</h2><p>De 8h30 à 17h00.</p></body></html>", encoding="utf-8")
    result = corpus_cli("import", str(page), "--out", str(tmp_path / "drafts"), root=tmp_path)
    assert result.returncode == 0, result.stderr
    [draft] = [yaml.safe_load(p.read_text()) for p in (tmp_path / "drafts").glob("*.yml")]
    assert draft["question"] == "Comment activer un contrat ServicePac ?"
    assert draft["answer"] == ("Dès réception de votre e-mail, enregistrez votre contrat.\n\n"
                               "Écrivez à x@be.ibm.com.")
    assert draft["key_facts"] == ["x@be.ibm.com"]


def test_an_answer_line_ending_with_a_phone_number_is_no_heading(tmp_path: Path) -> None:
    page = tmp_path / "faq.txt"
    page.write_text("Comment vous joindre ?\n\nService Clientèle : +32 (0)2 339 23 45\n",
                    encoding="utf-8")
    result = corpus_cli("import", str(page), "--out", str(tmp_path / "drafts"), root=tmp_path)
    [draft] = [yaml.safe_load(p.read_text()) for p in (tmp_path / "drafts").glob("*.yml")]
    assert draft["answer"] == "Service Clientèle : +32 (0)2 339 23 45", result.stdout


def test_import_fails_clearly_on_a_page_without_questions(tmp_path: Path) -> None:
    page = tmp_path / "empty.txt"
    page.write_text("Bienvenue sur notre site.\n", encoding="utf-8")
    result = corpus_cli("import", str(page), "--out", str(tmp_path / "drafts"), root=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: no question with an answer found")


# --- merge-review ---------------------------------------------------------------------

def test_review_corrections_become_redacted_unique_paraphrases(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    export = tmp_path / "review.jsonl"
    export.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in [
        {"text": "Bonjour, ici Anne Dupont, il me faut un double du contrat CT-2024-0815",
         "entry": "copie_contrat"},
        {"text": "il me faut un double du contrat CT-2099-0001", "entry": "copie_contrat"},
        {"text": "copie contrat", "entry": "copie_contrat"},                 # already known
        {"text": "mes factures svp, anne@example.be 0475 12 34 56", "entry": "service_factures"},
        {"text": "n'importe quoi", "entry": "no_such_entry"},
    ]) + "\n", encoding="utf-8")
    result = corpus_cli("merge-review", str(export), root=root)
    assert result.returncode == 0, result.stderr
    copies = yaml.safe_load((root / "faq_corpus" / "copie_contrat.yml").read_text())["paraphrases"]
    assert copies[-2:] == ["Bonjour, ici <nom>, il me faut un double du contrat <numéro>",
                           "il me faut un double du contrat <numéro>"]
    bills = yaml.safe_load((root / "faq_corpus" / "service_factures.yml").read_text())["paraphrases"]
    assert bills[-1] == "mes factures svp, <email> <téléphone>"
    assert "3 paraphrase(s) added, 1 already known, unknown entries skipped: no_such_entry" in (
        result.stdout)
    assert corpus_cli("validate", root=root).returncode == 0


def test_a_malformed_review_export_is_a_clear_error(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    export = tmp_path / "review.jsonl"
    export.write_text('{"text": "ok", "entry": "copie_contrat"}\n{"oops": 1}\n')
    result = corpus_cli("merge-review", str(export), root=root)
    assert result.returncode == 2 and "review.jsonl:2: expected" in result.stderr


# --- build, train, evaluate, accept: a regression is caught --------------------------

@pytest.mark.model
def test_train_evaluate_accept_then_a_damaged_corpus_fails_the_baseline(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    assert corpus_cli("build", root=root).returncode == 0
    trained = corpus_cli("train", root=root)
    assert trained.returncode == 0, trained.stdout[-2000:] + trained.stderr[-2000:]
    assert "inputs changed: training" in trained.stdout
    assert "inputs unchanged" in corpus_cli("train", root=root).stdout

    evaluated = corpus_cli("evaluate", "--folds", "2", root=root)
    assert evaluated.returncode == 0, evaluated.stderr[-3000:]
    report = json.loads((root / "reports" / "evaluation.json").read_text())
    assert set(report["per_entry"]) == set(SMALL)
    assert set(report["cross_validation"]["per_entry"]) == set(SMALL)
    assert (root / "reports" / "confusion_matrix.png").stat().st_size > 1000
    markdown = (root / "reports" / "evaluation.md").read_text()
    assert "## Cross-validation (2 folds" in markdown and "Most confused" in markdown
    assert corpus_cli("accept", root=root).returncode == 0
    baseline = json.loads((root / "reports" / "baseline" / "evaluation.json").read_text())
    assert baseline["model"] == report["model"] and baseline["accepted_at"]

    # Damage: two entries merged into one.
    corpus = root / "faq_corpus"
    bills = yaml.safe_load((corpus / "service_factures.yml").read_text())
    copy = yaml.safe_load((corpus / "copie_contrat.yml").read_text())
    copy["paraphrases"] += [bills["question"], *bills["paraphrases"]]
    (corpus / "copie_contrat.yml").write_text(yaml.safe_dump(copy, allow_unicode=True))
    (corpus / "service_factures.yml").unlink()
    assert corpus_cli("build", root=root).returncode == 0
    assert corpus_cli("train", root=root).returncode == 0
    models = sorted((root / "models").glob("faq-*.tar.gz"))
    assert len(models) == 2  # the previous model is kept
    failed = corpus_cli("evaluate", "--folds", "0", "--baseline", "reports/baseline", root=root)
    assert failed.returncode == 1
    assert "regression: service_factures: F1 0.000 (entry gone)" in failed.stderr


def test_accept_without_a_report_and_train_on_a_broken_project_fail_clearly(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    accepted = corpus_cli("accept", root=root)
    assert accepted.returncode == 2
    assert accepted.stderr.startswith("error: no report in reports")
    (root / "domain.yml").write_text("intents: [greet\n")
    trained = corpus_cli("train", root=root)
    assert trained.returncode == 2 and "error: rasa train failed" in trained.stderr
    assert "Traceback" not in trained.stderr
