"""Document numbering: how many numbers per second one writer can take, each in its own
transaction (as when documents are saved one by one)."""

import datetime as dt
import time

SIZES = {"tiny": 50, "full": 5000}


def run(size: int) -> dict:
    from django.db import transaction

    from jxc.core import selectors
    from jxc.core.services import allocate_number

    selectors.company()
    day = dt.date(2026, 11, 21)
    started = time.perf_counter()
    numbers = []
    for _ in range(size):
        with transaction.atomic():
            numbers.append(allocate_number("bench_order", day=day))
    seconds = time.perf_counter() - started
    if len(set(numbers)) != size:
        raise AssertionError("numbering handed out a number twice")
    return {
        "numbers": size,
        "seconds": round(seconds, 4),
        "numbers_per_s": round(size / seconds, 1) if seconds else None,
        "last": numbers[-1] if numbers else None,
    }
