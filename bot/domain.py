"""The Rasa domain as the project keeps it: ``domain.yml`` by hand, generated parts beside it.

``domain.d/*.yml`` (``intake.yml``: the intake form's slots, questions and prompt actions,
written by ``python -m actions.domain`` from ``actions/flows.py``) complete ``domain.yml``.
Rasa gets them merged by the project's importer (``bot.nlu.importer``); code that reads the
domain as data uses :func:`load_domain`. Standard library and PyYAML only: both virtual
environments import this module.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

FRAGMENTS = "domain.d"


def fragments(domain_file: Path) -> list[Path]:
    """The generated domain files that complete ``domain_file``, in name order."""
    return sorted((domain_file.parent / FRAGMENTS).glob("*.yml"))


def load_domain(root: Path) -> dict[str, Any]:
    """``domain.yml`` and its fragments as one mapping (sections merged, lists joined)."""
    main = root / "domain.yml"
    merged: dict[str, Any] = {}
    for path in (main, *fragments(main)):
        for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if isinstance(value, dict):
                merged[key] = {**merged.get(key, {}), **value}
            elif isinstance(value, list):
                merged[key] = [*merged.get(key, []), *value]
            else:
                merged.setdefault(key, value)
    return merged


def asked_slots(domain: dict[str, Any]) -> set[str]:
    """Slots that a form asks the customer for (its questions' answers)."""
    return {slot for form in (domain.get("forms") or {}).values()
            for slot in (form or {}).get("required_slots") or []}
