"""The two models the serving benchmark compares, trained once per set of inputs.

* the project's model: ``bot.training.ensure_model`` (the one ``make run`` serves);
* stock Rasa's: the same domain and data, trained with ``bench/stock/config.yml``.

Training time is measured when a model is trained and kept beside it
(``<model>.json``), so a rerun of the benchmark reports it without retraining.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bot.settings import Settings
from bot.training import TrainingError, ensure_model, input_files, model_path, rasa_environment

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


def project_model(settings: Settings, retrain: bool = False) -> Path:
    """The project's model for the current inputs (trained and timed if missing)."""
    target = model_path(settings)
    if retrain:
        _forget(target)
    if target.exists():
        return target
    started = time.monotonic()
    model = ensure_model(settings, quiet=True)
    _record(model).write_text(json.dumps({"training_seconds": round(time.monotonic() - started, 1)}))
    return model


def stock_model(settings: Settings, retrain: bool = False) -> Path:
    """Stock Rasa's model of the same domain and data (trained and timed if missing)."""
    digest = hashlib.sha256(STOCK_CONFIG.read_bytes())
    for path in input_files(settings.root):
        if path.name != "config.yml":
            digest.update(path.relative_to(settings.root).as_posix().encode() + path.read_bytes())
    target = settings.models_dir / f"bench-stock-{digest.hexdigest()[:16]}.tar.gz"
    if retrain:
        _forget(target)
    if target.exists():
        return target
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "config.yml"  # Rasa writes its chosen defaults into it
        shutil.copy(STOCK_CONFIG, config)
        command = [str(settings.rasa_executable), "train", "--config", str(config),
                   "--domain", "domain.yml", "--data", "data", "--out", str(settings.models_dir),
                   "--fixed-model-name", target.name.removesuffix(".tar.gz")]
        started = time.monotonic()
        result = subprocess.run(command, cwd=settings.root, env=rasa_environment(settings),
                                capture_output=True, text=True)
        seconds = round(time.monotonic() - started, 1)
    if result.returncode != 0 or not target.exists():
        raise TrainingError(f"training stock Rasa failed:\n{(result.stdout + result.stderr)[-3000:]}")
    _record(target).write_text(json.dumps({"training_seconds": seconds}))
    return target
