"""库存流水 — the stock ledger: the one writer of stock moves, balances, cost pools and layers
(``writer``), the costing rules (``costing``, pure), the re-costing run (``engine``), the
quantity buckets (``buckets``), locks, plain SQL, periodic settlement, the self-check and the
background re-costing task. Documents hand it ``types.StockLine`` objects through
``jxc.inventory.services``; nothing in here imports a document."""
