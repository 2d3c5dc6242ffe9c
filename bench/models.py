"""The two models the serving benchmark compares, trained once per set of inputs.

* the project's model: ``bot.training.ensure_model`` (the one ``make run`` serves);
* stock Rasa's: the same domain and data, trained with ``bench/stock/config.yml``.

Training time is measured when a model is trained and kept beside it
(``<model>.json``), so a rerun of the benchmark reports it without retraining.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bot.settings import Settings
from bot.training import ensure_model, model_path

BENCH_DIR = Path(__file__).resolve().parent
STOCK_CONFIG = BENCH_DIR / "stock" / "config.yml"


def _record(model: Path) -> Path:
    return model.with_name(model.name.removesuffix(".tar.gz") + ".json")


def training_seconds(model: Path) -> float | None:
    """Wall-clock training time recorded when ``model`` was trained (None if unknown)."""
    record = _record(model)
    return json.loads(record.read_text())["training_seconds"] if record.exists() else None


def _forget(model: Path) -> None:
    model.unlink(missing_ok=True)
    _record(model).unlink(missing_ok=True)


def _timed(settings: Settings, retrain: bool, **which: Any) -> Path:
    """``ensure_model`` for ``which`` (config, name); the training time kept beside it."""
    target = model_path(settings, **which)
    if retrain:
        _forget(target)
    if target.exists():
        return target
    started = time.monotonic()
    model = ensure_model(settings, quiet=True, **which)
    _record(model).write_text(json.dumps({"training_seconds": round(time.monotonic() - started, 1)}))
    return model


def project_model(settings: Settings, retrain: bool = False) -> Path:
    """The project's model for the current inputs (trained and timed if missing)."""
    return _timed(settings, retrain)


def stock_model(settings: Settings, retrain: bool = False) -> Path:
    """Stock Rasa's model of the same domain and data (trained and timed if missing)."""
    return _timed(settings, retrain, config=STOCK_CONFIG, name="bench-stock")
