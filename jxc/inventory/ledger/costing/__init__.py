"""成本核算: the costing engine as pure functions (DOMAIN.md §5). No database.

:func:`valuation.cost_move` values one move against the state of its cost pool and moves the
pool on. The ledger feeds it the moves of a pool in (business date, entry sequence) order —
for a new posting, or again for the later moves after a backdated one — so the whole policy
lives here and is tested without a database.

Methods: ``AVERAGE`` serves 移动加权平均, the provisional cost of 全月一次加权平均 and 个别计价
(each batch its own pool, moving average within it); ``FIFO`` keeps cost layers.

Numbers (jxc.core.numbers, the one home of the shared arithmetic): a move's value is rounded
to the 分 once, half up; unit costs to 10 places and at most 15 significant digits (what
SQLite's REAL keeps, so a state read back from either database equals the state computed in
memory). Arithmetic runs at 60 digits.

Modules: ``state`` (a pool's state, its layers, what to value and the result), ``prices``
(the cost a pool prices at, what an incoming move brings), ``average`` and ``fifo`` (the
rules of each method), ``valuation`` (:func:`~valuation.cost_move`, which applies them),
``returns`` (slicing an outgoing move for what comes back from it), ``settlement``
(全月一次加权平均 at month end). Nothing is re-exported here: import from the module.
"""
