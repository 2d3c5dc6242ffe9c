"""The operator's command line: clear errors, meaningful exit codes."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT


def run_cli(*args: str, root: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, FAQBOT_ROOT=str(root))
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def project_copy(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT_ROOT / "faq_corpus", tmp_path / "faq_corpus")
    for generated in ("data/faq/nlu.yml", "data/faq/responses.yml", "tests/data/faq_heldout.yml",
                      "domain.d/intake.yml"):
        (tmp_path / generated).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / generated, tmp_path / generated)
    return tmp_path


def test_build_check_passes_on_fresh_files_and_fails_on_stale_ones(tmp_path: Path) -> None:
    root = project_copy(tmp_path)
    assert run_cli("corpus", "build", "--check", root=root).returncode == 0
    entry = root / "faq_corpus" / "copie_contrat.yml"
    entry.write_text(entry.read_text().replace("- copie contrat\n", "- copie contrat\n- un double du contrat svp\n"))
    result = run_cli("corpus", "build", "--check", root=root)
    assert result.returncode == 1 and "stale:" in result.stderr
    assert run_cli("corpus", "build", root=root).returncode == 0
    assert run_cli("corpus", "build", "--check", root=root).returncode == 0


def test_a_broken_entry_is_reported_in_one_clear_line(tmp_path: Path) -> None:
    root = project_copy(tmp_path)
    (root / "faq_corpus" / "copie_contrat.yml").write_text("id: copie_contrat\nanswer: [oops\n")
    result = run_cli("corpus", "build", root=root)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "copie_contrat.yml: not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_operators_list_show_and_change_ticket_status(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from bot.facts import TicketKind
    from bot.settings import load_settings
    from bot.tickets import open_store
    from bot.tickets.store import NewTicket

    env = dict(os.environ, FAQBOT_DATA_DIR=str(tmp_path))
    store = open_store(load_settings(env))
    reference = store.file(NewTicket(
        kind=TicketKind.CONTRACT_COPY, category="Contrats", customer_name="Jan Peeters",
        email="jan@example.be", consent_at=datetime.now(timezone.utc), conversation_id="c",
        idempotency_key="k", details={"contract_number": "CT-42"})).reference

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", "tickets", *args], cwd=PROJECT_ROOT,
                              env=env, capture_output=True, text=True, timeout=60)

    assert reference in cli("list").stdout
    changed = cli("set-status", reference, "in_progress", "--actor", "agent.lea", "--note", "Copie envoyée")
    assert changed.returncode == 0 and changed.stdout.strip() == f"{reference}: in_progress"
    shown = cli("show", reference).stdout
    assert "in_progress" in shown and "agent.lea - Copie envoyée" in shown
    # every column that is set, in the table's order; never the technical keys
    assert [line.split(":", 1)[0].strip() for line in shown.split("history:")[0].splitlines()
            if line.strip()] == ["reference", "kind", "category", "status", "contract_number",
                                 "customer_name", "email", "consent_at", "conversation_id",
                                 "created_at", "updated_at"]
    assert store.get(reference).status.value == "in_progress"
    assert cli("list", "--status", "resolved").stdout.strip() == "no ticket"
    missing = cli("show", "COP-2026-999999")
    assert missing.returncode == 2 and missing.stderr.strip() == "error: no ticket with reference COP-2026-999999"
