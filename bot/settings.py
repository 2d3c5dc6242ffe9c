"""Runtime settings, read from the environment when asked for (never at import time)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Where things live and which local ports the services use."""

    root: Path
    data_dir: Path
    rasa_venv: Path
    models_dir: Path
    rasa_port: int
    action_port: int
    tickets_url: str
    rasa_workers: int = 1     # Rasa processes, on rasa_port, rasa_port + 1, ...
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8080
    allowed_origins: tuple[str, ...] = ()
    rate_per_session: str = "15/10"  # customer messages per seconds, per conversation
    rate_per_ip: str = "60/10"       # and per client address
    corpus_path: Path | None = None
    clock: Clock = Clock()   # FAQBOT_CLOCK: the time at start, for tests and demonstrations
    # Clustered set-up (README, "Clustered configuration"); unset: the embedded defaults.
    tracker_url: str | None = None   # FAQBOT_TRACKER_URL: Rasa's tracker store database
    redis_url: str | None = None     # FAQBOT_REDIS_URL: Rasa's lock store on Redis
    redis_prefix: str = "faqbot"     # FAQBOT_REDIS_PREFIX: the lock keys' prefix (alphanumeric)

    @property
    def gateway_url(self) -> str:
        return f"http://{self.gateway_host}:{self.gateway_port}"

    @property
    def rasa_urls(self) -> tuple[str, ...]:
        """One URL per Rasa process; the gateway keeps each conversation on one of them."""
        return tuple(f"http://127.0.0.1:{self.rasa_port + i}" for i in range(self.rasa_workers))

    @property
    def origins(self) -> tuple[str, ...]:
        """Pages allowed to open the customer socket (the gateway's own, by default)."""
        return self.allowed_origins or (f"http://localhost:{self.gateway_port}",
                                         f"http://127.0.0.1:{self.gateway_port}")

    @property
    def rasa_executable(self) -> Path:
        return self.rasa_venv / "bin" / "rasa"

    @property
    def rasa_python(self) -> Path:
        return self.rasa_venv / "bin" / "python"

    @property
    def corpus_dir(self) -> Path:
        """The FAQ corpus the assistant answers from (``FAQBOT_CORPUS_DIR``)."""
        return self.corpus_path or self.root / "faq_corpus"

    @property
    def tracker_db(self) -> Path:
        """The embedded tracker store's SQLite file (unused when ``tracker_url`` is set)."""
        return self.data_dir / "conversations.db"

    @property
    def tracker_database_url(self) -> str:
        """SQLAlchemy URL of Rasa's tracker store: ``FAQBOT_TRACKER_URL``, else the SQLite file."""
        return self.tracker_url or f"sqlite:///{self.tracker_db}"

    @property
    def tracker_location(self) -> str:
        """Where conversations are kept, for people: the file, or the URL without password."""
        if not self.tracker_url:
            return str(self.tracker_db)
        scheme, _, rest = self.tracker_url.partition("://")
        return f"{scheme}://{rest.rpartition('@')[2]}"

    @property
    def endpoints_path(self) -> Path:
        """The endpoints file the services write for ``rasa run`` (``bot.endpoints``)."""
        return self.data_dir / "endpoints.yml"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Settings from ``FAQBOT_*`` environment variables, with embedded defaults."""
    env = os.environ if environ is None else environ
    root = Path(env.get("FAQBOT_ROOT", PROJECT_ROOT))
    data_dir = Path(env.get("FAQBOT_DATA_DIR", root / "var"))
    return Settings(
        root=root,
        data_dir=data_dir,
        rasa_venv=Path(env.get("FAQBOT_RASA_VENV", root / ".venv" / "rasa")),
        models_dir=Path(env.get("FAQBOT_MODELS_DIR", root / "models")),
        rasa_port=int(env.get("FAQBOT_RASA_PORT", "5005")),
        action_port=int(env.get("FAQBOT_ACTION_PORT", "5055")),
        tickets_url=env.get("FAQBOT_TICKETS_URL", f"sqlite:///{data_dir / 'tickets.db'}"),
        # one Rasa process per core, up to two (each holds its own copy of the model)
        rasa_workers=int(env.get("FAQBOT_RASA_WORKERS", min(2, os.cpu_count() or 1))),
        gateway_host=env.get("FAQBOT_GATEWAY_HOST", "127.0.0.1"),
        gateway_port=int(env.get("FAQBOT_GATEWAY_PORT", "8080")),
        allowed_origins=tuple(o.strip().rstrip("/") for o in
                              env.get("FAQBOT_ALLOWED_ORIGINS", "").split(",") if o.strip()),
        rate_per_session=env.get("FAQBOT_RATE_PER_SESSION", "15/10"),
        rate_per_ip=env.get("FAQBOT_RATE_PER_IP", "60/10"),
        corpus_path=Path(env["FAQBOT_CORPUS_DIR"]) if env.get("FAQBOT_CORPUS_DIR") else None,
        clock=Clock.parse(env.get("FAQBOT_CLOCK", "")),
        tracker_url=env.get("FAQBOT_TRACKER_URL") or None,
        redis_url=env.get("FAQBOT_REDIS_URL") or None,
        redis_prefix=env.get("FAQBOT_REDIS_PREFIX") or "faqbot",
    )
