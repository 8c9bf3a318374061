"""Loading a costing run's FIFO layers (:class:`~jxc.inventory.ledger.engine.Run`): a pool's
open layers when an issue first needs them — the oldest ones read with the posting's locks
when they cover its issues, else read here, for every pool of the run still waiting for
them in one query — and, for a replay, the layers as they were at the cursor's start."""

from __future__ import annotations

import operator
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q

from jxc.core.numbers import ZERO
from jxc.inventory.choices import CostBasis
from jxc.inventory.layer_models import CostLayer, LayerUse
from jxc.inventory.ledger.costing.state import Layer
from jxc.inventory.ledger.open_layers import LAYER_FIELDS, LAYERS, open_layers_of
from jxc.inventory.ledger.run_moves import PLAIN_BASES, Cursor, RunMove, chunks, layer_key
from jxc.inventory.ledger.sql import placeholders
from jxc.inventory.models import CostPool

_LAYER_ORDER = operator.attrgetter("key")


class RunLayers:
    """The FIFO layer loading of a costing run (a base of ``Run``, which sets these)."""

    pools: dict[int, CostPool]
    cursors: dict[int, Cursor]
    new: list[RunMove]
    new_by_pool: dict[int, list[RunMove]]
    _open_layers: dict[int, list[dict]]
    _seeded: dict[int, list[Layer]]

    def seed_open_layers(self, heads: dict[tuple[int, str], Layer], keys) -> None:
        """The oldest open layer of the FIFO pools (SKU id, key) of ``keys``, read with the
        posting's locks and pools (:func:`pools_with_heads_text`); a pool of ``keys``
        without one has no open layer."""
        wanted = set(keys)
        for pool_id, pool in self.pools.items():
            k = (pool.sku_id, pool.key)
            if k in wanted:
                head = heads.get(k)
                self._seeded[pool_id] = [] if head is None else [head]

    def _load_layers(self, cursor: Cursor, later_ids: list[int]) -> None:
        """FIFO state at the cursor's start: today's open layers, with what the later moves
        consumed given back and the layers they created taken away."""
        pool_id = cursor.pool.pk
        cursor.layers_pending = False
        seeded = self._seeded_layers(pool_id) if not later_ids else self._seeded.pop(pool_id, None)
        if not later_ids and seeded is not None:  # appending, its issues take the oldest only
            for layer in seeded:
                cursor.layer_ids[layer.key] = layer.ref
                cursor.state.layers.append(layer)
            return
        if not later_ids:  # appending: today's open layers as they are
            state, layer_ids = cursor.state, cursor.layer_ids
            for r in self._open_layer_rows(pool_id, appending=True):
                layer_id = r["id"]
                key = (r["date"].toordinal(), r["move_id"], r["idx"])  # layer_key
                layer = Layer(
                    key,
                    r["base_qty"],
                    r["base_value"],
                    r["remaining"] + ZERO,
                    r["unit_cost"],
                    ref=layer_id,
                    receipt=r["receipt_id"],
                )
                layer_ids[key] = layer_id
                if layer.qty > 0:
                    state.layers.append(layer)
                else:
                    state.closed[key] = layer
            state.layers.sort(key=_LAYER_ORDER)
            return
        rows: dict[int, dict[str, Any]] = {
            r["id"]: r for r in self._open_layer_rows(pool_id, appending=not later_ids)
        }
        later = set(later_ids)
        given_back: dict[int, Decimal] = defaultdict(Decimal)
        if later:
            for chunk in chunks(later_ids):
                for use in LayerUse.objects.filter(move_id__in=chunk).values("layer_id", "qty"):
                    given_back[use["layer_id"]] += use["qty"]
            missing = [i for i in given_back if i not in rows]
            for chunk in chunks(missing):
                for found in LAYERS.values(f"id IN ({placeholders(len(chunk))})", chunk):
                    rows[found["id"]] = found
        for layer_id, r in rows.items():
            if r["move_id"] in later:
                continue  # created by a move that is replayed: it is made again
            key = layer_key(r["date"], r["move_id"], r["idx"])
            layer = Layer(
                key,
                r["base_qty"],
                r["base_value"],
                r["remaining"] + given_back.get(layer_id, ZERO),
                r["unit_cost"],
                ref=layer_id,
                touched=layer_id in given_back,
                receipt=r["receipt_id"],
                stored_open=r["remaining"] > 0,
            )
            cursor.layer_ids[key] = layer_id
            if layer.qty > 0:
                cursor.state.layers.append(layer)
            else:
                cursor.state.closed[key] = layer
        cursor.state.layers.sort(key=lambda x: x.key)

    def _open_layer_rows(self, pool_id: int, *, appending: bool) -> list[dict]:
        """Today's open layers of a pool. The first pool that needs them reads them for every
        pool of the run still waiting for its layers with an issue (or a reversal) among its
        new moves, in one query: nothing is written before the run ends, so what is read
        ahead is what each pool would read itself.

        A pool whose new moves are only receipts and issues at the pool's cost (appended: no
        replay, no reversal, return or revaluation) gets its oldest open layers up to what
        its issues take, not all of them: those issues consume the oldest layers first and
        nothing else looks at the others (:meth:`_issue_need`)."""
        rows = self._open_layers.pop(pool_id, None)
        if rows is not None:
            return rows
        wanted = {
            m.pool_id
            for m in self.new
            if m.pool_id != pool_id and (m.qty <= 0 or m.basis == CostBasis.REVERSAL)
        }
        waiting = [
            p
            for p in wanted
            if (c := self.cursors.get(p)) is not None
            and c.layers_pending
            and not self._seed_covers(p)
        ]
        ids = [pool_id, *sorted(waiting)]
        needs = {p: self._issue_need(p) for p in ids if appending or p != pool_id}
        found: dict[int, list[dict]] = {p: [] for p in ids}
        for chunk in chunks(ids):
            for r in open_layers_of(chunk, {p: n for p in chunk if (n := needs.get(p))}):
                found[r.pop("pool_id")].append(r)
        rows = found.pop(pool_id)
        self._open_layers.update(found)
        return rows

    def _issue_need(self, pool_id: int) -> int | None:
        """How much of a pool's open layers (a whole number above it) its new moves can
        take, when they are only receipts and issues valued at the pool's cost; else None."""
        need = self._exact_need(pool_id)
        return None if need is None else int(need) + 2  # no rounding in the running sum

    def _exact_need(self, pool_id: int) -> Decimal | None:
        """What a pool's new issues take, when its new moves are only receipts and issues
        valued at the pool's cost; else None."""
        need = ZERO
        for m in self.new_by_pool.get(pool_id, ()):
            if m.qty == 0 or m.basis not in PLAIN_BASES:
                return None
            if m.qty < 0:
                need -= m.qty
        return need

    def _seed_covers(self, pool_id: int) -> bool:
        """The pool's oldest open layer, read with the locks, is all its new issues take
        (or it has none): they consume the oldest layers first and nothing else of an
        appending pool looks at the others."""
        seeded = self._seeded.get(pool_id)
        if seeded is None:
            return False
        need = self._exact_need(pool_id)
        return need is not None and (not seeded or seeded[0].qty >= need)

    def _seeded_layers(self, pool_id: int) -> list[Layer] | None:
        """The seeded layers of an appending pool when they cover its issues, else None."""
        covers = self._seed_covers(pool_id)
        seeded = self._seeded.pop(pool_id, None)
        return seeded if covers else None

    def ensure_layers(self, cursor: Cursor, keys) -> None:
        """Bring emptied layers a reversal refills into the state (they are not loaded)."""
        if cursor.layers_pending:
            self._load_layers(cursor, [])
        missing = [k for k in keys if k is not None and cursor.state.layer(k) is None]
        if not missing:
            return
        q = Q()
        for k in missing:
            q |= Q(move_id=k[1], idx=k[2])
        for r in CostLayer.objects.filter(q, pool_id=cursor.pool.pk).values(*LAYER_FIELDS):
            key = layer_key(r["date"], r["move_id"], r["idx"])
            layer = Layer(
                key,
                r["base_qty"],
                r["base_value"],
                r["remaining"],
                r["unit_cost"],
                ref=r["id"],
                receipt=r["receipt_id"],
                stored_open=r["remaining"] > 0,
            )
            cursor.layer_ids[key] = r["id"]
            if layer.qty > 0:  # pragma: no cover - open layers are loaded already
                cursor.state.layers.append(layer)
                cursor.state.layers.sort(key=lambda x: x.key)
            else:
                cursor.state.closed[key] = layer
