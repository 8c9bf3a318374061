"""The benchmark harness's arithmetic (tests/bench/_rounds.py): what ``ledger_posting`` and
``document_flow`` report — the median of the rounds, the slowest and fastest round, CPU per
document, nearest-rank percentiles — and how a size is cut into warm-up and rounds."""

from __future__ import annotations

import itertools

import pytest

from tests.bench import __main__ as runner
from tests.bench import _rounds, document_flow, ledger_posting


def test_full_size_is_a_warm_up_of_a_tenth_and_five_rounds_of_a_fifth():
    assert _rounds.plan(1000, 5) == (100, 5, 200)
    assert _rounds.plan(40, 5) == (4, 5, 8)
    assert _rounds.plan(3, 5) == (2, 3, 1)  # never more rounds than documents


def test_percentile_is_nearest_rank():
    ordered = [float(i) for i in range(1, 101)]
    assert _rounds.percentile(ordered, 0.50) == 50.0
    assert _rounds.percentile(ordered, 0.95) == 95.0
    assert _rounds.percentile(ordered, 0.99) == 99.0
    assert _rounds.percentile([7.0], 0.99) == 7.0


def test_figures_are_the_median_round_its_range_and_cpu_per_document(monkeypatch):
    series = _rounds.Series()
    # three rounds of 4 documents: 10 ms, 20 ms and 40 ms a document (100, 50, 25 docs/s)
    for ms in (20, 10, 40):
        ticks = itertools.count(step=ms / 1000)
        monkeypatch.setattr(_rounds.time, "perf_counter", lambda t=ticks: next(t))
        cpu = iter([0.0, 4 * ms / 2000])  # half the wall time on the CPU
        monkeypatch.setattr(_rounds.time, "process_time", lambda c=cpu: next(c))
        series.time(lambda doc: None, range(4))
    figures = series.figures("receipts")
    assert figures["receipts_docs_per_s"] == 50.0
    assert figures["receipts_docs_per_s_range"] == [25.0, 100.0]
    assert figures["receipts_cpu_ms_per_doc"] == 10.0
    assert figures["receipts_wall_ms"] == {"p50": 20.0, "p95": 40.0, "p99": 40.0}
    assert series.documents == 12
    assert series.seconds == pytest.approx(0.28)


@pytest.mark.parametrize("module", [ledger_posting, document_flow])
def test_runner_rounds_option_sets_the_rounds_of_the_benchmark(module, monkeypatch):
    monkeypatch.setattr(module, "ROUNDS", _rounds.ROUNDS)
    seen = {}
    monkeypatch.setattr(module, "run", lambda size: seen.update(rounds=module.ROUNDS) or {})
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    name = module.__name__.rsplit(".", 1)[1]
    runner.run_here([name], tiny=True, rounds=3)
    assert seen == {"rounds": 3}
