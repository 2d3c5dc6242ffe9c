"""Keep the assistant's processes running: restart one that stopped, give up on a crash loop.

``python -m bot run`` starts its processes (action server, Rasa processes, gateway) through
a :class:`Supervisor` and calls :meth:`Supervisor.check` every half second. A process that
exits is started again after a pause: 1 s after its first crash, doubling with each further
crash up to 30 s; a process that stayed up a minute starts again from 1 s. Five crashes of
one process within five minutes stop the whole assistant with a message naming the process
and its log: restarting does not cure a broken model, a port taken or a full disk.

Meanwhile the others carry on: the gateway routes the conversations of a dead Rasa process
to the other one (``bot.web.rasa``), and Rasa apologises for a dead action server
(``bot.nlu.server``). The supervisor knows only processes (``Child``), a clock and a way to
start each one, so the tests drive it with a fake clock and fake processes.
"""
from __future__ import annotations

import logging
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from bot.services import ServiceError

log = logging.getLogger(__name__)


class Child(Protocol):
    """A supervised process (``bot.services.Service`` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def log_path(self) -> Path: ...

    def exit_code(self) -> int | None:
        """``None`` while it runs."""

    def stop(self) -> None:
        """Stop it if it runs; release what it holds (its log file)."""


ChildT = TypeVar("ChildT", bound=Child)


class CrashLoop(ServiceError):
    """A process crashed too often: the assistant stops; the message says which and where
    its log is."""


@dataclass(frozen=True)
class RestartPolicy:
    """How long to wait before a restart, and when to give up."""

    first_delay: float = 1.0      # seconds before the first restart
    max_delay: float = 30.0       # the pause doubles up to this
    stable_after: float = 60.0    # up this long: the next crash starts again from first_delay
    max_crashes: int = 5          # this many crashes ...
    window: float = 300.0         # ... within this many seconds: give up

    def delay(self, crashes_in_a_row: int) -> float:
        """The pause before restarting after the n-th crash in a row (n >= 1)."""
        return min(self.max_delay, self.first_delay * 2.0 ** (crashes_in_a_row - 1))


@dataclass
class _Slot(Generic[ChildT]):
    """One supervised process: how to start it, the running instance, its recent crashes."""

    start: Callable[[], ChildT]
    child: ChildT
    started_at: float
    in_a_row: int = 0                     # crashes without a stable run in between
    crashes: deque[float] = field(default_factory=deque)
    restart_at: float | None = None       # set while it waits to be restarted


class Supervisor(Generic[ChildT]):
    """Starts processes, restarts those that stop, raises :class:`CrashLoop` on a crash loop."""

    def __init__(self, starters: Sequence[Callable[[], ChildT]],
                 policy: RestartPolicy = RestartPolicy(),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.starters = list(starters)
        self.policy = policy
        self.clock = clock
        self._slots: list[_Slot[ChildT]] = []

    @property
    def children(self) -> list[ChildT]:
        """The current instance of every process, in the order of the starters."""
        return [slot.child for slot in self._slots]

    def start(self) -> list[ChildT]:
        """Start every process, in order; the caller waits for them to be ready."""
        for start in self.starters:
            self._slots.append(_Slot(start, start(), self.clock()))
        return self.children

    def check(self) -> None:
        """One round: notice the processes that stopped, restart those whose pause is over."""
        for slot in self._slots:
            now = self.clock()
            if slot.restart_at is None:
                code = slot.child.exit_code()
                if code is not None:
                    self._crashed(slot, code, now)
            elif now >= slot.restart_at:
                slot.child, slot.started_at, slot.restart_at = slot.start(), now, None
                log.warning("%s restarted", slot.child.name)

    def run(self, interval: float = 0.5, sleep: Callable[[float], None] = time.sleep) -> None:
        """Check every ``interval`` seconds until a crash loop (or an interrupt) ends it."""
        while True:
            sleep(interval)
            self.check()

    def stop(self) -> None:
        """Stop every process, the last started first."""
        for slot in reversed(self._slots):
            slot.child.stop()

    def _crashed(self, slot: _Slot[ChildT], code: int, now: float) -> None:
        """Record the crash; schedule the restart, or give up on a crash loop."""
        child, policy = slot.child, self.policy
        child.stop()   # reaped already; closes its log
        slot.crashes.append(now)
        while slot.crashes and slot.crashes[0] <= now - policy.window:
            slot.crashes.popleft()
        if len(slot.crashes) >= policy.max_crashes:
            raise CrashLoop(
                f"{child.name} stopped {len(slot.crashes)} times in {policy.window / 60:g} "
                f"minutes (last: {describe_exit(code)}); the assistant stops. "
                f"See {child.log_path}")
        stable = now - slot.started_at >= policy.stable_after
        slot.in_a_row = 1 if stable else slot.in_a_row + 1
        delay = policy.delay(slot.in_a_row)
        slot.restart_at = now + delay
        log.warning("%s stopped (%s); restarting it in %g s (log: %s)",
                    child.name, describe_exit(code), delay, child.log_path)


def describe_exit(code: int) -> str:
    """``exit code 1``, ``killed by SIGKILL``."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
