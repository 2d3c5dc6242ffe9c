"""Start the Rasa server and the action server as local processes and wait until ready."""
from __future__ import annotations

import ctypes
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bot.endpoints import endpoint_secrets, write_endpoints
from bot.settings import Settings


class ServiceError(RuntimeError):
    """A service did not start; the message says which and where its log is."""


@dataclass
class Service:
    """A running child process with its health URL and log file."""

    name: str
    process: subprocess.Popen[bytes]
    health_url: str
    log_path: Path
    _log: IO[bytes] = field(repr=False)

    def wait_ready(self, timeout: float) -> None:
        """Poll the health URL until it answers 200; fail early if the process dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServiceError(f"{self.name} exited ({self.process.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(self.health_url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise ServiceError(f"{self.name} not ready after {timeout:.0f}s; see {self.log_path}")

    def exit_code(self) -> int | None:
        """The process's exit code (negative: the signal that killed it); ``None`` while it runs."""
        return self.process.poll()

    def stop(self) -> None:
        """Terminate the process (then kill it if it lingers) and close its log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


_handed_out: set[int] = set()


def free_ports(count: int = 1) -> int:
    """The first of ``count`` consecutive free local ports, below the kernel's ephemeral
    range (so that no outgoing connection takes one while a server is still starting, as
    Rasa is for ten seconds before it binds) and not handed out before by this process."""
    ephemeral = Path("/proc/sys/net/ipv4/ip_local_port_range")
    lowest = int(ephemeral.read_text().split()[0]) if ephemeral.exists() else 32768
    rng = random.Random()
    while True:
        first = rng.randrange(10000, lowest - count)
        ports = set(range(first, first + count))
        if ports & _handed_out:
            continue
        probes = [socket.socket() for _ in ports]
        try:
            for port, probe in zip(sorted(ports), probes, strict=True):
                probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
        _handed_out.update(ports)
        return first


def service_environment(settings: Settings) -> dict[str, str]:
    """Environment for the services: ports, stores, gateway settings and import path."""
    env = dict(os.environ)
    env.update(
        FAQBOT_ROOT=str(settings.root),
        FAQBOT_ACTION_PORT=str(settings.action_port),
        FAQBOT_RASA_PORT=str(settings.rasa_port),
        FAQBOT_RASA_WORKERS=str(settings.rasa_workers),
        FAQBOT_GATEWAY_HOST=settings.gateway_host,
        FAQBOT_GATEWAY_PORT=str(settings.gateway_port),
        FAQBOT_ALLOWED_ORIGINS=",".join(settings.allowed_origins),
        FAQBOT_RATE_PER_SESSION=settings.rate_per_session,
        FAQBOT_RATE_PER_IP=settings.rate_per_ip,
        FAQBOT_CORPUS_DIR=str(settings.corpus_dir),
        FAQBOT_CLOCK=settings.clock.setting,
        FAQBOT_TRACKER_URL=settings.tracker_url or "",
        FAQBOT_REDIS_URL=settings.redis_url or "",
        FAQBOT_REDIS_PREFIX=settings.redis_prefix,
        FAQBOT_DATA_DIR=str(settings.data_dir),
        FAQBOT_TICKETS_URL=settings.tickets_url,
        SANIC_HOST="127.0.0.1",  # rasa-sdk has no --interface option
        PYTHONPATH=os.pathsep.join(filter(None, [str(settings.root), env.get("PYTHONPATH")])),
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    return env


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGTERM it when its parent exits, so no server is orphaned."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:  # not Linux: the parent's own clean-up still stops the children
        pass


def spawn(name: str, command: list[str], settings: Settings, health_url: str,
          extra_env: dict[str, str] | None = None) -> Service:
    """Start ``command`` in the project folder with the services' environment, logging to
    ``<data>/logs/<name>.log``."""
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log = open(log_path, "ab")  # noqa: SIM115  (the Service owns it; stop() closes it)
    process = subprocess.Popen(
        command, cwd=settings.root, env={**service_environment(settings), **(extra_env or {})},
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    return Service(name, process, health_url, log_path, log)


def start_action_server(settings: Settings) -> Service:
    """The rasa-sdk action server of the *app* environment, on localhost."""
    command = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)]
    return spawn("action-server", command, settings, f"http://127.0.0.1:{settings.action_port}/health")


def start_rasa(settings: Settings, model: Path, auth_token: str, worker: int = 0) -> Service:
    """One Rasa server (REST channel + token-protected HTTP API) on localhost.

    ``bot.nlu.server`` is ``rasa run`` with the measured speed fix it describes. Worker
    ``i`` listens on ``rasa_port + i``. Its endpoints file is written from the settings
    (``bot.endpoints``: embedded or clustered stores).
    """
    port = settings.rasa_port + worker
    endpoints = write_endpoints(settings)
    command = [
        str(settings.rasa_python), "-m", "bot.nlu.server", "run",
        "--model", str(model),
        "--interface", "127.0.0.1", "--port", str(port),
        "--endpoints", str(endpoints), "--credentials", "credentials.yml",
        "--enable-api", "--auth-token", auth_token,
    ]
    # Each process gets its share of the cores: TensorFlow's own thread pools would
    # otherwise compete with the other Rasa processes (measured: +10% messages/s with two).
    threads = str(max(1, (os.cpu_count() or 1) // settings.rasa_workers))
    return spawn("rasa" if worker == 0 else f"rasa-{worker + 1}", command, settings,
                 f"http://127.0.0.1:{port}/",
                 extra_env={"TF_INTER_OP_PARALLELISM_THREADS": threads,
                            "TF_INTRA_OP_PARALLELISM_THREADS": threads,
                            **endpoint_secrets(settings)})


def start_rasa_workers(settings: Settings, model: Path, auth_token: str) -> list[Service]:
    """``settings.rasa_workers`` Rasa servers, started together."""
    return [start_rasa(settings, model, auth_token, worker) for worker in range(settings.rasa_workers)]


def start_gateway(settings: Settings, auth_token: str) -> Service:
    """The public gateway (widget, demo page, customer socket), in the app environment."""
    command = [sys.executable, "-m", "bot.web"]
    return spawn("gateway", command, settings, f"{settings.gateway_url}/health",
                  extra_env={"FAQBOT_RASA_TOKEN": auth_token})


def api_token(settings: Settings) -> str:
    """The Rasa HTTP API token: ``FAQBOT_RASA_TOKEN``, else one kept in the data folder."""
    if token := os.environ.get("FAQBOT_RASA_TOKEN"):
        return token
    path = settings.data_dir / "rasa-api-token"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:  # created readable by its owner only: never a moment readable by others
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it meanwhile: read theirs
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(32))
    return path.read_text().strip()
