"""The endpoints file written for ``rasa run``: embedded defaults, or the clustered stores."""
from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from bot.endpoints import (
    REDIS_PASSWORD_VARIABLE,
    TRACKER_STORE,
    TRACKER_URL_VARIABLE,
    app_tracker_url,
    endpoint_secrets,
    endpoints,
    rasa_tracker_url,
    write_endpoints,
)
from bot.services import service_environment
from bot.settings import PROJECT_ROOT, Settings, load_settings


@pytest.fixture
def embedded(tmp_path: Path) -> Settings:
    return load_settings({"FAQBOT_DATA_DIR": str(tmp_path), "FAQBOT_ACTION_PORT": "5123"})


@pytest.fixture
def clustered(tmp_path: Path) -> Settings:
    return load_settings({
        "FAQBOT_DATA_DIR": str(tmp_path), "FAQBOT_ACTION_PORT": "5123",
        "FAQBOT_TRACKER_URL": "postgresql+psycopg://rasa:s3cret@db.example:5433/conversations",
        "FAQBOT_REDIS_URL": "redis://:p%40ss@cache.example:6380/2",
        "FAQBOT_REDIS_PREFIX": "faqbotprod",
    })


def test_unset_variables_give_the_embedded_defaults(embedded: Settings, tmp_path: Path) -> None:
    assert (embedded.tracker_url, embedded.redis_url) == (None, None)
    assert embedded.tracker_database_url == f"sqlite:///{tmp_path / 'conversations.db'}"
    assert endpoints(embedded) == {
        "action_endpoint": {"url": "http://127.0.0.1:5123/webhook"},
        "tracker_store": {"type": TRACKER_STORE, "dialect": "sqlite",
                          "db": str(tmp_path / "conversations.db")},
    }   # no lock store: Rasa's in-memory default
    assert endpoint_secrets(embedded) == {}
    assert embedded.tracker_location == str(tmp_path / "conversations.db")
    assert load_settings({"FAQBOT_TRACKER_URL": "", "FAQBOT_REDIS_URL": ""}).tracker_url is None


def test_clustered_variables_give_the_sql_store_and_the_redis_lock_store(
        clustered: Settings) -> None:
    config = endpoints(clustered)
    assert config["tracker_store"] == {"type": TRACKER_STORE, "url": f"${{{TRACKER_URL_VARIABLE}}}"}
    assert config["lock_store"] == {
        "type": "redis", "url": "cache.example", "port": 6380, "db": 2,
        "key_prefix": "faqbotprod", "password": f"${{{REDIS_PASSWORD_VARIABLE}}}"}
    # the secrets go to Rasa's environment, not into the file
    assert endpoint_secrets(clustered) == {
        TRACKER_URL_VARIABLE: "postgresql://rasa:s3cret@db.example:5433/conversations",
        REDIS_PASSWORD_VARIABLE: "p@ss"}
    assert clustered.tracker_location == "postgresql+psycopg://db.example:5433/conversations"
    text = write_endpoints(clustered).read_text()
    assert "s3cret" not in text and "p@ss" not in text
    assert f"url: ${{{TRACKER_URL_VARIABLE}}}\n" in text   # unquoted: Rasa expands it


def test_the_services_pass_the_settings_on(clustered: Settings, embedded: Settings) -> None:
    env = service_environment(clustered)
    assert load_settings(env).tracker_url == clustered.tracker_url
    assert load_settings(env).redis_url == clustered.redis_url
    assert load_settings(env).redis_prefix == "faqbotprod"
    assert load_settings(service_environment(embedded)).tracker_url is None


def test_a_lock_store_without_password_or_with_tls() -> None:
    settings = load_settings({"FAQBOT_REDIS_URL": "rediss://user@cache.example"})
    assert endpoints(settings)["lock_store"] == {
        "type": "redis", "url": "cache.example", "port": 6379, "db": 0, "key_prefix": "faqbot",
        "username": "user", "use_ssl": True}
    assert endpoint_secrets(settings) == {}


@pytest.mark.parametrize("variables", [
    {"FAQBOT_REDIS_URL": "redis://localhost", "FAQBOT_REDIS_PREFIX": "faq-bot"},
    {"FAQBOT_REDIS_URL": "http://localhost:6379"},
])
def test_a_wrong_redis_setting_is_refused(variables: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        endpoints(load_settings(variables))


def test_each_environment_gets_its_driver() -> None:
    for url in ("postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg://u@h/db",
                "postgresql+psycopg2://u@h/db"):
        assert rasa_tracker_url(url) == "postgresql://u@h/db"
        assert app_tracker_url(url) == "postgresql+psycopg://u@h/db"
    assert rasa_tracker_url("sqlite:////tmp/c.db") == app_tracker_url("sqlite:////tmp/c.db")


def test_rasa_reads_the_written_file(clustered: Settings, embedded: Settings) -> None:
    """Rasa's own loader (in its environment) expands the references and gets the stores."""
    script = (
        "import json, sys\n"
        "from rasa.core.utils import read_endpoints_from_path\n"
        "e = read_endpoints_from_path(sys.argv[1])\n"
        "print(json.dumps({n: None if c is None else {'type': c.type, 'url': c.url, **c.kwargs}\n"
        "                  for n, c in [('tracker', e.tracker_store), ('lock', e.lock_store)]}))\n"
    )

    def read(settings: Settings) -> dict[str, dict[str, object] | None]:
        path = write_endpoints(settings)
        env = {**service_environment(settings), **endpoint_secrets(settings)}
        done = subprocess.run([str(settings.rasa_python), "-c", script, str(path)], env=env,
                              cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                              check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    assert read(embedded) == {"tracker": {"type": TRACKER_STORE, "url": None, "dialect": "sqlite",
                                          "db": str(embedded.tracker_db)}, "lock": None}
    stores = read(replace(clustered, redis_url="redis://cache.example:6380/2"))
    assert stores["tracker"] == {"type": TRACKER_STORE,
                                 "url": "postgresql://rasa:s3cret@db.example:5433/conversations"}
    assert stores["lock"] == {"type": "redis", "url": "cache.example", "port": 6380, "db": 2,
                              "key_prefix": "faqbotprod"}
