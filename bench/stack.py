"""The processes a serving path needs, started fresh, timed to ready, and their memory."""
from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench.models import BENCH_DIR
from bot.services import (
    Service,
    api_token,
    free_ports,
    spawn,
    start_action_server,
    start_gateway,
    start_rasa_workers,
)
from bot.settings import Settings

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def bench_settings(base: Settings, scratch: Path) -> Settings:
    """Fresh stores and free ports; rate limits far above what simulated customers send."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    first = free_ports(base.rasa_workers + 2)   # Rasa's, then the action server's and the gateway's
    return replace(base, data_dir=scratch, tickets_url=f"sqlite:///{scratch / 'tickets.db'}",
                   rasa_port=first, action_port=first + base.rasa_workers,
                   gateway_port=first + base.rasa_workers + 1,
                   rate_per_session="100000/1", rate_per_ip="100000/1", allowed_origins=())


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _tree(pid: int, tree: dict[int, list[int]]) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += tree.get(current, [])
    return found


def rss_mb(pid: int, tree: dict[int, list[int]]) -> float:
    """Resident memory of a process and its descendants, in MB (shared pages counted in full)."""
    total = 0
    for current in _tree(pid, tree):
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE_KB
        except (OSError, IndexError, ValueError):
            continue
    return round(total / 1024, 1)


def pss_mb(pid: int, tree: dict[int, list[int]]) -> float:
    """Proportional resident memory (pages shared with other processes split among them), MB."""
    total = 0
    for current in _tree(pid, tree):
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return round(total / 1024, 1)


@dataclass
class Stack:
    """Running services of one path, with each one's start-to-ready time."""

    services: list[Service]
    ready_seconds: dict[str, float] = field(default_factory=dict)
    stack_ready_seconds: float = 0.0

    def rss(self) -> dict[str, float]:
        tree = _children()   # one scan of /proc per sample: the sampler shares the cores
        return {s.name: rss_mb(s.process.pid, tree) for s in self.services}

    def pss(self) -> dict[str, float]:
        tree = _children()
        return {s.name: pss_mb(s.process.pid, tree) for s in self.services}

    def check_alive(self) -> None:
        for service in self.services:
            if service.process.poll() is not None:
                raise RuntimeError(f"{service.name} died; see {service.log_path}")


def _wait_all(services: list[Service], started: float, timeout: float) -> Stack:
    """Wait for every service at once; each one's ready time counts from ``started``."""
    stack = Stack(services)

    def wait(service: Service) -> None:
        service.wait_ready(timeout)
        stack.ready_seconds[service.name] = round(time.monotonic() - started, 2)

    with ThreadPoolExecutor(len(services)) as pool:
        for future in [pool.submit(wait, service) for service in services]:
            future.result()
    stack.stack_ready_seconds = max(stack.ready_seconds.values())
    return stack


@contextmanager
def project_stack(settings: Settings, model: Path) -> Iterator[Stack]:
    """Action server, the Rasa processes (project endpoints) and the gateway, started together."""
    token = api_token(settings)
    started = time.monotonic()
    services = [start_action_server(settings), *start_rasa_workers(settings, model, token),
                start_gateway(settings, token)]
    try:
        yield _wait_all(services, started, timeout=300)
    finally:
        for service in reversed(services):
            service.stop()


@contextmanager
def stock_stack(settings: Settings, model: Path) -> Iterator[Stack]:
    """Stock ``rasa run`` (its defaults: REST channel, in-memory stores) + the action server."""
    started = time.monotonic()
    rasa = spawn("stock-rasa", [
        str(settings.rasa_executable), "run", "--model", str(model),
        "--interface", "127.0.0.1", "--port", str(settings.rasa_port),
        "--endpoints", str(BENCH_DIR / "stock" / "endpoints.yml"),
        "--credentials", "credentials.yml",
    ], settings, f"http://127.0.0.1:{settings.rasa_port}/")
    services = [start_action_server(settings), rasa]
    try:
        yield _wait_all(services, started, timeout=300)
    finally:
        for service in reversed(services):
            service.stop()
