"""``jxc serve``'s supervisor: keeps gunicorn and the background worker running.

A child that exits is started again after a back-off (1 s, 2 s, 4 s … at most
``MAX_BACKOFF``; a child that ran ``STABLE_AFTER`` seconds starts again from 1 s), instead of
taking the whole server down with it. SIGTERM / SIGINT stop every child and then the
supervisor."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_BACKOFF = 30.0
STABLE_AFTER = 60.0


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    proc: subprocess.Popen | None = None
    started: float = 0.0
    backoff: float = 1.0
    restart_at: float | None = None
    restarts: int = field(default=0)

    def start(self) -> None:
        self.proc = subprocess.Popen(list(self.argv))
        self.started = time.monotonic()
        self.restart_at = None
        _log(f"{self.name} started (pid {self.proc.pid})")


def _log(message: str) -> None:
    print(f"[jxc serve] {message}", file=sys.stderr, flush=True)


class Supervisor:
    def __init__(self, children: Sequence[Child], *, tick: float = 0.5):
        self.children = list(children)
        self.tick = tick
        self.stopping = False

    def stop(self, *_args) -> None:
        self.stopping = True

    def _check(self, child: Child, now: float) -> None:
        if child.proc is None:
            if child.restart_at is not None and now >= child.restart_at:
                child.restarts += 1
                child.start()
            return
        code = child.proc.poll()
        if code is None:
            return
        ran = now - child.started
        if ran >= STABLE_AFTER:
            child.backoff = 1.0
        _log(
            f"{child.name} exited with {code} after {ran:.0f} s; restarting in {child.backoff:.0f} s"
        )
        child.proc = None
        child.restart_at = now + child.backoff
        child.backoff = min(child.backoff * 2, MAX_BACKOFF)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        for child in self.children:
            child.start()
        try:
            while not self.stopping:
                now = time.monotonic()
                for child in self.children:
                    self._check(child, now)
                time.sleep(self.tick)
        finally:
            self.shutdown()
        return 0

    def shutdown(self) -> None:
        running = [c.proc for c in self.children if c.proc is not None and c.proc.poll() is None]
        for proc in running:
            proc.terminate()
        deadline = time.monotonic() + 30
        for proc in running:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
