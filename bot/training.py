"""Train the Rasa model only when its inputs changed (cache keyed by their hash)."""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

# Everything that changes what `rasa train` produces.
INPUT_GLOBS = (
    "config.yml", "domain.yml", "domain.d/*.yml", "data/**/*.yml", "requirements/rasa.txt",
    # code the model loads: the custom NLU components, the importer and their rules
    "bot/nlu/components.py", "bot/nlu/linear_ensemble.py", "bot/nlu/importer.py", "bot/domain.py",
    "bot/answering.py", "bot/text.py",
)


def input_files(root: Path) -> list[Path]:
    """The training inputs, in a stable order."""
    files = {path for pattern in INPUT_GLOBS for path in root.glob(pattern) if path.is_file()}
    return sorted(files, key=lambda path: path.relative_to(root).as_posix())


def inputs_hash(root: Path, config: Path | None = None) -> str:
    """A short hash of the training inputs' names and contents (``config``: instead of
    ``config.yml``)."""
    digest = hashlib.sha256()
    for path in input_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\x00")
        digest.update((config if config and path == root / "config.yml" else path).read_bytes())
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


def rasa_environment(settings: Settings) -> dict[str, str]:
    """Environment for Rasa commands: this code base (custom components) on the import path.

    The code is this checkout's even when ``settings.root`` is another project folder
    (a maintainer's scratch corpus, the tests' temporary projects).
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(filter(None, [
        str(PROJECT_ROOT), str(settings.root), env.get("PYTHONPATH")])))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def model_path(settings: Settings, config: Path | None = None, name: str = "faq") -> Path:
    """Where the model for the current inputs is (or will be) stored."""
    return settings.models_dir / f"{name}-{inputs_hash(settings.root, config)}.tar.gz"


class TrainingError(RuntimeError):
    """`rasa train` failed; the message carries the end of its output."""


def ensure_model(settings: Settings, *, data: Path | None = None, quiet: bool = False,
                 config: Path | None = None, name: str = "faq") -> Path:
    """Return the model for the current inputs, training it first if it does not exist.

    Previous models are kept in ``models/`` so that a maintainer can roll back. ``config``
    replaces ``config.yml`` (the benchmark's stock Rasa), and names the model ``name``.
    """
    target = model_path(settings, config, name)
    if target.exists():
        log.info("model up to date: %s", target)
        return target
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    log.info("training %s (inputs changed)", target.name)
    with tempfile.TemporaryDirectory() as scratch:
        if config:  # a copy: Rasa writes the defaults it fills in into its config file
            config = Path(shutil.copy(config, Path(scratch) / "config.yml"))
        command = [
            str(settings.rasa_executable), "train",
            "--config", str(config or "config.yml"), "--domain", "domain.yml",
            "--data", str(data or "data"),
            "--out", str(settings.models_dir),
            "--fixed-model-name", target.name.removesuffix(".tar.gz"),
        ]
        result = subprocess.run(
            command, cwd=settings.root, text=True, env=rasa_environment(settings),
            stdout=subprocess.PIPE if quiet else None, stderr=subprocess.STDOUT if quiet else None,
        )
    if result.returncode != 0 or not target.exists():
        tail = "\n".join((result.stdout or "").splitlines()[-30:])
        raise TrainingError(f"rasa train failed (exit {result.returncode})\n{tail}")
    return target
