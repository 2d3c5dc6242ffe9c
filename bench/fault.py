"""``kill -9`` under load: what simulated customers see when a Rasa process, then the action
server, dies while they talk through the gateway (part of ``make bench``).

``python -m bench.fault``: the project's stack with two Rasa processes under the supervisor
(as ``python -m bot run`` starts it), ``--users`` customers holding the benchmark's
conversations back to back; a Rasa process is killed, then the action server once the Rasa
process is back. Every turn is classified (answered, the apology, an error frame, a
timeout) and counted per phase; writes ``fault.json`` next to the benchmark's report.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp

from bench.load import TIMEOUT, SocketCustomer, TurnError, conversation
from bench.models import project_model
from bench.stack import bench_settings
from bot.corpus.build import read_heldout
from bot.facts import UNAVAILABLE_APOLOGY
from bot.services import Service, api_token, start_action_server, start_gateway, start_rasa
from bot.settings import PROJECT_ROOT, Settings, load_settings
from bot.supervisor import Supervisor


@dataclass
class Timeline:
    """Every turn's time (when the customer sent it, seconds from the start) and outcome."""

    started: float = field(default_factory=time.monotonic)
    turns: list[tuple[float, str]] = field(default_factory=list)
    events: dict[str, float] = field(default_factory=dict)   # "rasa-2 killed": seconds

    def now(self) -> float:
        return time.monotonic() - self.started

    def turn(self, sent: float, outcome: str) -> None:
        self.turns.append((sent, outcome))

    def mark(self, event: str) -> None:
        self.events[event] = round(self.now(), 2)

    def phases(self, bounds: Sequence[tuple[str, str, str]]) -> dict[str, dict[str, Any]]:
        """Per phase (name, from event, to event): its seconds, the turns sent in it by
        outcome, and the answered ones per second."""
        phases: dict[str, dict[str, Any]] = {}
        for name, start, end in bounds:
            since, until = self.events[start], self.events[end]
            outcomes = Counter(outcome for at, outcome in self.turns if since <= at < until)
            phases[name] = {"seconds": round(until - since, 1), **outcomes,
                            "answered/s": round(outcomes["answered"] / (until - since), 1)}
        return phases


async def customer(gateway_url: str, questions: Sequence[str], first: int, timeline: Timeline,
                   until: Callable[[], bool]) -> None:
    """One simulated customer: conversations back to back until ``until()``; a turn that
    fails ends its conversation (the customer starts a new one, as after a reload)."""
    number = first
    async with aiohttp.ClientSession() as http:
        while not until():
            talker = SocketCustomer(http, gateway_url)
            sent = timeline.now()
            try:
                await asyncio.wait_for(talker.open(), TIMEOUT)
                for text in conversation(questions, number):
                    if until():
                        break
                    sent = timeline.now()
                    replies = await asyncio.wait_for(talker.say(text), TIMEOUT)
                    timeline.turn(sent, "apology" if UNAVAILABLE_APOLOGY in replies else "answered")
            except asyncio.TimeoutError:
                timeline.turn(sent, "timeout")
            except TurnError as error:
                timeline.turn(sent, f"error: {error}")
                await asyncio.sleep(1)   # a person reads the message before writing again
            except (aiohttp.ClientError, ConnectionError) as error:
                timeline.turn(sent, f"error: {type(error).__name__}")
                await asyncio.sleep(1)
            finally:
                await talker.close()
            number += 1000


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("fault benchmark: the process did not come back")
        time.sleep(0.1)


def faults(settings: Settings, supervisor: Supervisor[Service], timeline: Timeline,
           settle: float) -> None:
    """Kill rasa-2, wait until it is back and ``settle`` s more; the same for the action
    server; then ``settle`` s of calm."""
    time.sleep(settle)
    for name, health in (("rasa-2", f"{settings.rasa_urls[1]}/"),
                         ("action-server", f"http://127.0.0.1:{settings.action_port}/health")):
        (process,) = [s for s in supervisor.children if s.name == name]
        timeline.mark(f"{name} killed")
        os.kill(process.process.pid, signal.SIGKILL)
        time.sleep(0.5)
        wait_until(partial(answers, health), 120)
        timeline.mark(f"{name} back")
        time.sleep(settle)
        timeline.mark(f"{name} settled")


@contextmanager
def supervised_stack(settings: Settings, model: Path) -> Iterator[Supervisor[Service]]:
    """The stack of ``python -m bot run``, checked every half second by a thread."""
    token = api_token(settings)
    supervisor = Supervisor([
        partial(start_action_server, settings),
        *(partial(start_rasa, settings, model, token, w) for w in range(settings.rasa_workers)),
        partial(start_gateway, settings, token)])
    stop = threading.Event()

    def check() -> None:
        while not stop.wait(0.5):
            supervisor.check()

    checker = threading.Thread(target=check, daemon=True)
    try:
        for service in supervisor.start():
            service.wait_ready(300)
        checker.start()
        yield supervisor
    finally:
        stop.set()
        if checker.is_alive():
            checker.join()
        supervisor.stop()


def run(users: int, settle: float, out: Path) -> dict[str, Any]:
    base = load_settings()
    settings = bench_settings(replace(base, rasa_workers=2), base.data_dir / "bench" / "run-fault")
    questions = [text for text, _ in read_heldout(base.root / "tests" / "data" / "faq_heldout.yml")]
    model = project_model(base, False)
    with supervised_stack(settings, model) as supervisor:
        timeline = Timeline()
        timeline.mark("start")
        done = threading.Event()

        def kill() -> None:
            try:
                faults(settings, supervisor, timeline, settle)
            finally:
                done.set()

        killer = threading.Thread(target=kill)
        killer.start()

        async def load() -> None:
            await asyncio.gather(*(customer(settings.gateway_url, questions, i, timeline,
                                            done.is_set) for i in range(users)))
        asyncio.run(load())
        killer.join()
        timeline.mark("end")
    report = {"users": users, "events": timeline.events, "phases": timeline.phases([
        ("before", "start", "rasa-2 killed"),
        ("rasa-2 down", "rasa-2 killed", "rasa-2 back"),
        ("rasa-2 back", "rasa-2 back", "rasa-2 settled"),
        ("action server down", "action-server killed", "action-server back"),
        ("action server back", "action-server back", "end")])}
    report["seconds down"] = {
        name: round(timeline.events[f"{name} back"] - timeline.events[f"{name} killed"], 2)
        for name in ("rasa-2", "action-server")}
    out.mkdir(parents=True, exist_ok=True)
    (out / "fault.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10, help="simulated customers")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds of load before each fault and after each return")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports" / "bench")
    args = parser.parse_args()
    report = run(args.users, args.settle, args.out)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
