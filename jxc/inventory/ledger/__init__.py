"""库存流水 — the stock ledger. Documents hand it ``types.StockLine`` objects through
``jxc.inventory.services``; nothing in here imports a document.

Posting (``writer``: record_moves / reverse_moves / replay_pools) uses
``posting_lines`` (a line on its way in), ``guards`` (the refusals), ``locks`` (row locks in
one order), ``pools`` (which cost pool, how each move is valued, the pools written back),
``engine`` (the costing run: values new moves, re-values later ones) with ``run_moves`` (its
moves and cursors), ``cost_specs`` (what each cost basis asks of ``costing``, the pure rules, a package)
and ``run_writes`` (re-valued moves, FIFO layers and uses), then ``stock_rows`` (moves, lots,
serial numbers) and ``balances``. Beside it: ``buckets`` (reserved / on order / in transit),
``periodic`` (月末一次加权平均), ``checks`` (self-check, rebuild), ``tasks`` (background
re-costing), ``sql`` (plain SQL for the hot path)."""
