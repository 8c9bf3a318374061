"""调拨单: ship out of one warehouse into 调拨在途, receive at the other (partly, in several
receipts), close what never arrives (back to the source, or written off), 红冲; and the
one-step transfer between warehouses of the same site. The draft is the platform's
(``draft_services``), the steps those of goods on their way (``in_transit``). The sending
side (a holder of the source) makes, ships, settles and 红冲s it, to any active warehouse of
ours; the receiving side (a holder of the target) receives it; one step needs both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from jxc.core.documents.lines import LineInput
from jxc.core.errors import OneStepNotAllowed
from jxc.inventory.documents.drafts import draft_services
from jxc.inventory.documents.in_transit import InTransit, in_transit_services
from jxc.inventory.documents.lifecycle import bin_errors
from jxc.inventory.documents.models import Transfer
from jxc.inventory.models import Warehouse


def _check(user, header: Mapping, lines: Sequence[LineInput], facts) -> dict[str, list[str]]:
    """What the platform does not check itself: two different warehouses, the target active,
    the bins of each side (no lent-out location, and the warehouses the user must hold, are
    the platform's checks)."""
    source: Warehouse = header["from_warehouse"]
    target: Warehouse = header["to_warehouse"]
    errors: dict[str, list[str]] = {}
    if source.pk == target.pk:
        errors["to_warehouse"] = [str(_("Choose two different warehouses."))]
    if not target.is_active:
        errors["to_warehouse"] = [str(_("This warehouse is not active."))]
    errors.update(bin_errors(lines, source))
    errors.update(bin_errors(lines, target, attr="to_bin"))
    return errors


def _ensure_one_step(header: Mapping) -> None:
    source, target = header["from_warehouse"], header["to_warehouse"]
    if header.get("one_step") and not (source.site and source.site == target.site):
        raise OneStepNotAllowed()


# 调出 (过账; one step: out and in, complete), 调入 (per line, or everything in transit),
# 结案 (what never arrived: ``difference`` "return" to the source or "write_off"), 红冲.
# The sender holds the source and sends to any warehouse of ours; the receiver holds the
# target and takes 调入; one step needs both (``TRANSIT.must_hold``).
TRANSIT = InTransit(
    source="from_warehouse",
    target="to_warehouse",
    one_step="one_step",
    early=_("A receipt cannot be dated before the transfer."),
)
post_transfer, receive_transfer, close_transfer, reverse_transfer, line_states = (
    in_transit_services(TRANSIT)
)

# 新建调拨单 (a draft: from / to warehouse, date, one step for the same site, memo) and
# 修改草稿, by a holder of the source (of both in one step); one step is refused after every
# input error (rolling the draft back)
create_transfer, update_transfer = draft_services(
    _check, model=Transfer, after=_ensure_one_step, must_hold=TRANSIT.must_hold
)
