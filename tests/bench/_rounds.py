"""Shared by the benchmarks that settle a speed target (ledger_posting, document_flow): an
untimed warm-up, then several timed rounds per case, the cases' rounds interleaved, and per
case the median of the rounds, their spread, CPU time per document and percentiles of the
per-document wall time.

Why: on the 2-core VM one 1,000-document pass of the same code moved 20–40 % between idle
runs (docs/ledger.md, "Idle machine, end of the fifth pass") — a slow spell of the host, the
first documents paying for cold caches, and WAL checkpoints landing in one case and not the
other. The warm-up takes the cold start out, the interleaved rounds let a slow spell hit
every case alike, and the median over rounds drops the one round it hit hardest.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

ROUNDS = 5
WARMUP_SHARE = 10  # warm-up documents = timed documents per case // WARMUP_SHARE (≥ 2)


def plan(size: int, rounds: int) -> tuple[int, int, int]:
    """(warm-up documents, rounds, documents per round) for about ``size`` timed documents per
    case."""
    rounds = max(1, min(rounds, size))
    return max(2, size // WARMUP_SHARE), rounds, size // rounds


@dataclass
class Series:
    """The timed documents of one case: per round its documents, wall and CPU seconds, and
    every document's wall seconds."""

    rounds: list[tuple[int, float, float]] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)

    def time(self, post: Callable[[object], object], items: Iterable[object]) -> None:
        """Post ``items`` one by one as one round, timing each document."""
        walls = []
        clock = time.perf_counter
        cpu0 = time.process_time()
        for item in items:
            t0 = clock()
            post(item)
            walls.append(clock() - t0)
        cpu = time.process_time() - cpu0
        self.rounds.append((len(walls), sum(walls), cpu))
        self.walls.extend(walls)

    @property
    def seconds(self) -> float:
        return sum(wall for _, wall, _ in self.rounds)

    @property
    def documents(self) -> int:
        return sum(n for n, _, _ in self.rounds)

    def rate(self) -> float:
        """Documents per second: the median over the rounds."""
        return statistics.median(n / wall for n, wall, _ in self.rounds)

    def figures(self, prefix: str) -> dict:
        rates = [n / wall for n, wall, _ in self.rounds]
        cpu_ms = [1000 * cpu / n for n, _, cpu in self.rounds]
        ordered = sorted(self.walls)
        return {
            f"{prefix}_docs_per_s": round(statistics.median(rates), 1),
            f"{prefix}_docs_per_s_range": [round(min(rates), 1), round(max(rates), 1)],
            f"{prefix}_cpu_ms_per_doc": round(statistics.median(cpu_ms), 3),
            f"{prefix}_wall_ms": {
                f"p{q}": round(1000 * percentile(ordered, q / 100), 3) for q in (50, 95, 99)
            },
        }


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (q in 0..1)."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def probe() -> float:
    """Milliseconds of a fixed piece of pure-Python work (dicts, ints, strings): how fast the
    host ran at that moment. Timed before every round, so a run whose figures are all low can
    be told from a slower change: compare the probe's median between runs."""
    started = time.perf_counter()
    d: dict[str, int] = {}
    for i in range(20_000):
        d[str(i)] = i * 7 % 13
    sum(v for v in d.values() if v & 1)
    return 1000 * (time.perf_counter() - started)


def probe_figures(probes: list[float]) -> dict:
    return {
        "probe_ms": round(statistics.median(probes), 3),
        "probe_ms_range": [round(min(probes), 3), round(max(probes), 3)],
    }
