"""Which lots (bin × batch) an issue line takes (pure: no database): the ones it names, else
先到期先出 from what the warehouse holds, in the order the caller read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Lot:
    """Where a line's quantity sits: a bin and a batch (ids), how much, which serials."""

    qty: Decimal
    bin: int | None = None
    batch: int | None = None
    serials: tuple[str, ...] = ()


_new = object.__new__


def make_lot(
    qty: Decimal, bin: int | None = None, batch: int | None = None, serials: tuple[str, ...] = ()
) -> Lot:
    """``Lot(qty, bin, batch, serials)`` without the frozen dataclass's ``__init__`` (an
    ``object.__setattr__`` per field): the same instance — equal, hashed alike, still
    frozen — at a third of the cost (a posting makes one per line and lot)."""
    made = _new(Lot)
    made.__dict__.update(qty=qty, bin=bin, batch=batch, serials=serials)
    return made


def allocate(qty: Decimal, lots: Sequence[Lot]) -> tuple[list[Lot], Decimal]:
    """Take ``qty`` from ``lots`` in the order given (FEFO order from the selector); returns
    the lots taken and what could not be covered."""
    taken: list[Lot] = []
    want = qty
    for one in lots:
        if want <= 0:
            break
        take = min(want, one.qty)
        if take > 0:
            taken.append(make_lot(take, one.bin, one.batch))
            want -= take
    return taken, want


def issue_lots(
    *,
    qty: Decimal,
    sku_id: int,
    bin_id: int | None,
    batch_id: int | None,
    serials: tuple[str, ...],
    pool: dict[int, list[Lot]],
) -> tuple[Lot, ...]:
    """The lots one issue line takes: the bin / batch it names, else 先到期先出 from what the
    warehouse holds (what cannot be covered stays unallocated: the ledger refuses it, or lets
    it go negative where the warehouse allows)."""
    if bin_id is not None or batch_id is not None or serials:
        return (make_lot(qty, bin_id, batch_id, serials),)
    candidates = pool.get(sku_id, [])
    taken, rest = allocate(qty, candidates)
    # What this line took is no longer there for the next line of the same SKU.
    left: list[Lot] = []
    used = {(t.bin, t.batch): t.qty for t in taken}
    for held in candidates:
        q = held.qty - used.pop((held.bin, held.batch), Decimal(0))
        if q > 0:
            left.append(make_lot(q, held.bin, held.batch))
    pool[sku_id] = left
    if rest > 0:
        plain = next((t for t in taken if t.bin is None and t.batch is None), None)
        taken = [t for t in taken if t is not plain]
        taken.insert(0, make_lot(rest + (plain.qty if plain else Decimal(0))))
    return tuple(taken) or (make_lot(qty),)
