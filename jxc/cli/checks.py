"""Data self-checks run by ``jxc check``: each returns a list of problems found."""

import sys
from collections.abc import Callable

CHECKS: list[tuple[str, Callable[[], list[str]]]] = []


def register(name: str):
    def wrap(fn):
        CHECKS.append((name, fn))
        return fn

    return wrap


def run_all() -> int:
    failures = 0
    for name, fn in CHECKS:
        problems = fn()
        status = "ok" if not problems else f"{len(problems)} problem(s)"
        print(f"{name}: {status}")
        for line in problems[:200]:
            print(f"  {line}", file=sys.stderr)
        failures += len(problems)
    return 1 if failures else 0


@register("audit log is append-only and its hash chain is whole")
def audit_append_only() -> list[str]:
    """操作记录: every entry has an object, and the hash chain follows from the first entry to
    the last (jxc.core.audit); the first broken entry is named."""
    from jxc.core.audit import chain_problems
    from jxc.core.models import AuditLog

    bad = AuditLog.objects.filter(object_type="").count()
    return ([f"{bad} audit rows without an object"] if bad else []) + chain_problems()


@register("stock ledger: balances, pools, lots and FIFO layers = the moves")
def stock_ledger() -> list[str]:
    """库存自检: on hand and value = Σ moves, lots = their moves, FIFO layers = their pool, no
    value at zero quantity, reserved ≤ on hand where required (jxc.inventory.ledger.checks)."""
    from jxc.inventory.ledger.checks import ledger_problems

    return ledger_problems()


@register("party ledger: balances = Σ entries = open items, settlements within both sides")
def party_ledger() -> list[str]:
    """往来账自检: each partner's payable / receivable = Σ of its entries = Σ open on its items;
    settled amounts = Σ settlements and never above either side (jxc.finance.checks)."""
    from jxc.finance.checks import party_ledger_problems

    return party_ledger_problems()


@register("sales: reserved on approved orders = reserved in stock balances")
def sales_reservations() -> list[str]:
    """已占用自检: what approved orders hold reserved equals the balances' reserved
    (jxc.sales.selectors.reservation_problems)."""
    from jxc.sales.selectors import reservation_problems

    return reservation_problems()
