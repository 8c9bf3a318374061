"""Benchmarks: `python -m tests.bench [--tiny] [--only NAME]` (see __main__.py).

Each module here (not starting with ``_``) exposes ``run(size: int) -> dict`` and may set
``SIZES = {"tiny": …, "full": …}``. ``run`` is called with Django set up on a fresh, migrated
database; it returns its measurements (plain JSON values).
"""
