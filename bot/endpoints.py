"""The endpoints file ``rasa run`` gets, written from the settings (``start_rasa`` writes it).

Embedded (no ``FAQBOT_TRACKER_URL``, no ``FAQBOT_REDIS_URL``): the action server on
localhost, Rasa's SQL tracker store on the SQLite file of the data folder (with its
per-process cache, ``bot/nlu/tracker_store.py``), and Rasa's default in-memory lock store.

Clustered: the same tracker store class on the database of ``FAQBOT_TRACKER_URL`` (there it
is Rasa's store unchanged, plus the ``sender_id`` index it creates when missing), and
Rasa's ``RedisLockStore`` on ``FAQBOT_REDIS_URL`` with the key prefix
``FAQBOT_REDIS_PREFIX``. Secrets stay out of the file: the tracker URL and the Redis
password are ``${…}`` references, which Rasa expands from the environment that
``endpoint_secrets`` adds to the services' own.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from sqlalchemy.engine import URL, make_url

from bot.settings import Settings

TRACKER_STORE = "bot.nlu.tracker_store.LocalSQLTrackerStore"
TRACKER_URL_VARIABLE = "FAQBOT_RASA_TRACKER_URL"
REDIS_PASSWORD_VARIABLE = "FAQBOT_RASA_REDIS_PASSWORD"
_POSTGRES_NAMES = {"postgres", "postgresql"}


def _postgres(url: URL) -> bool:
    return url.drivername.split("+")[0] in _POSTGRES_NAMES


def rasa_tracker_url(url: str) -> str:
    """``url`` for Rasa's environment (SQLAlchemy 1.4 and psycopg2, Rasa's own dependency):
    any PostgreSQL driver becomes the default one."""
    return _with_postgres_driver(url, "postgresql")


def app_tracker_url(url: str) -> str:
    """``url`` for the application's environment (SQLAlchemy 2 and psycopg 3)."""
    return _with_postgres_driver(url, "postgresql+psycopg")


def _with_postgres_driver(url: str, drivername: str) -> str:
    """``url`` with ``drivername`` if it names a PostgreSQL database; others unchanged."""
    parsed = make_url(url)
    if _postgres(parsed):
        parsed = parsed.set(drivername=drivername)
    return parsed.render_as_string(hide_password=False)


def _redis_lock_store(settings: Settings, url: str) -> dict[str, Any]:
    if not settings.redis_prefix.isalnum():
        raise ValueError(f"FAQBOT_REDIS_PREFIX must be alphanumeric (Rasa ignores it otherwise): "
                         f"{settings.redis_prefix!r}")
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"FAQBOT_REDIS_URL must be a redis:// or rediss:// URL: {url!r}")
    store: dict[str, Any] = {
        "type": "redis",
        "url": parts.hostname or "localhost",
        "port": parts.port or 6379,
        "db": int(parts.path.strip("/") or 0),
        "key_prefix": settings.redis_prefix,
    }
    if parts.username:
        store["username"] = unquote(parts.username)
    if parts.password is not None:
        store["password"] = f"${{{REDIS_PASSWORD_VARIABLE}}}"
    if parts.scheme == "rediss":
        store["use_ssl"] = True
    return store


def endpoints(settings: Settings) -> dict[str, Any]:
    """The endpoints configuration, as data."""
    config: dict[str, Any] = {
        "action_endpoint": {"url": f"http://127.0.0.1:{settings.action_port}/webhook"},
    }
    if settings.tracker_url:
        config["tracker_store"] = {"type": TRACKER_STORE, "url": f"${{{TRACKER_URL_VARIABLE}}}"}
    else:
        config["tracker_store"] = {"type": TRACKER_STORE, "dialect": "sqlite",
                                   "db": str(settings.tracker_db)}
    if settings.redis_url:
        config["lock_store"] = _redis_lock_store(settings, settings.redis_url)
    return config


def endpoint_secrets(settings: Settings) -> dict[str, str]:
    """The secrets the endpoints file refers to, for the Rasa processes' environment."""
    env: dict[str, str] = {}
    if settings.tracker_url:
        env[TRACKER_URL_VARIABLE] = rasa_tracker_url(settings.tracker_url)
    if settings.redis_url and (password := urlsplit(settings.redis_url).password) is not None:
        env[REDIS_PASSWORD_VARIABLE] = unquote(password)
    return env


def write_endpoints(settings: Settings) -> Path:
    """Write ``settings.endpoints_path`` (atomically: Rasa processes start together)."""
    path = settings.endpoints_path
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ("# Written by bot.endpoints from the FAQBOT_* settings at each start; do not edit.\n"
            + yaml.safe_dump(endpoints(settings), sort_keys=False, default_flow_style=False))
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=".endpoints-", suffix=".yml",
                                     delete=False, encoding="utf-8") as handle:
        handle.write(text)
    os.replace(handle.name, path)
    return path
