"""The supervisor's restart policy, with a fake clock and fake processes (no process started)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.services import ServiceError
from bot.supervisor import CrashLoop, RestartPolicy, Supervisor, describe_exit

STOPPED: list[str] = []   # names, in the order their processes were stopped


@dataclass
class FakeProcess:
    name: str
    log_path: Path
    code: int | None = None
    stopped: bool = False

    def exit_code(self) -> int | None:
        return self.code

    def stop(self) -> None:
        self.stopped = True
        STOPPED.append(self.name)


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Starter:
    """Starts a new FakeProcess of one name each time it is called."""

    name: str
    started: list[FakeProcess] = field(default_factory=list)

    def __call__(self) -> FakeProcess:
        self.started.append(FakeProcess(self.name, Path(f"var/logs/{self.name}.log")))
        return self.started[-1]


def supervised(*names: str) -> tuple[Supervisor[FakeProcess], list[Starter], Clock]:
    clock = Clock()
    starters = [Starter(name) for name in names]
    supervisor = Supervisor(starters, RestartPolicy(), clock)
    supervisor.start()
    return supervisor, starters, clock


def crash_and_restart(supervisor: Supervisor[FakeProcess], starter: Starter, clock: Clock,
                      up_for: float = 0.0) -> float:
    """Let the running instance live ``up_for`` s, kill it; the pause before its restart."""
    clock.now += up_for
    starter.started[-1].code = -9
    supervisor.check()
    crashed_at, count = clock.now, len(starter.started)
    while len(starter.started) == count:
        clock.now += 0.5
        supervisor.check()
    return clock.now - crashed_at


def test_the_policy_doubles_the_pause_from_one_second_up_to_thirty() -> None:
    assert [RestartPolicy().delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_crashed_process_is_restarted_after_a_second_and_the_others_are_left_alone() -> None:
    supervisor, (rasa, rasa_2), clock = supervised("rasa", "rasa-2")
    rasa_2.started[0].code = -9
    supervisor.check()
    assert rasa_2.started[0].stopped and len(rasa_2.started) == 1  # its log closed, not yet back
    clock.now += 0.5
    supervisor.check()
    assert len(rasa_2.started) == 1
    clock.now += 0.5
    supervisor.check()
    assert len(rasa_2.started) == 2 and supervisor.children[1] is rasa_2.started[1]
    assert len(rasa.started) == 1 and not rasa.started[0].stopped


def test_repeated_crashes_wait_longer_and_a_stable_run_resets_the_pause() -> None:
    supervisor, (rasa,), clock = supervised("rasa")
    assert crash_and_restart(supervisor, rasa, clock, up_for=80) == 1
    assert crash_and_restart(supervisor, rasa, clock, up_for=10) == 2
    assert crash_and_restart(supervisor, rasa, clock, up_for=10) == 4
    assert crash_and_restart(supervisor, rasa, clock, up_for=61) == 1   # stayed up a minute


def test_five_crashes_within_five_minutes_stop_the_assistant_naming_the_process_and_its_log(
        caplog: pytest.LogCaptureFixture) -> None:
    supervisor, (action_server,), clock = supervised("action-server")
    with caplog.at_level(logging.WARNING, logger="bot.supervisor"):
        for _ in range(4):
            crash_and_restart(supervisor, action_server, clock, up_for=20)
    assert "action-server stopped (killed by SIGKILL); restarting it in 1 s " \
           "(log: var/logs/action-server.log)" in caplog.messages
    assert "action-server restarted" in caplog.messages
    clock.now += 20
    action_server.started[-1].code = 1
    with pytest.raises(CrashLoop) as error:
        supervisor.check()
    assert isinstance(error.value, ServiceError)  # `python -m bot run` prints it and exits 2
    assert str(error.value) == ("action-server stopped 5 times in 5 minutes (last: exit code 1); "
                                "the assistant stops. See var/logs/action-server.log")


def test_crashes_spread_over_more_than_five_minutes_are_restarted_forever() -> None:
    supervisor, (gateway,), clock = supervised("gateway")
    for _ in range(12):
        crash_and_restart(supervisor, gateway, clock, up_for=80)
    assert len(gateway.started) == 13


def test_stop_stops_every_current_instance_last_started_first() -> None:
    supervisor, (first, _), clock = supervised("first", "second")
    crash_and_restart(supervisor, first, clock)
    STOPPED.clear()
    supervisor.stop()
    assert STOPPED == ["second", "first"]
    assert all(process.stopped for process in supervisor.children)


def test_exits_are_described_for_the_operator() -> None:
    assert describe_exit(-9) == "killed by SIGKILL"
    assert describe_exit(-15) == "killed by SIGTERM"
    assert describe_exit(2) == "exit code 2"
