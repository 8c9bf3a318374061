"""What the rules know about a document (``rules.Facts``), read from the document.

Every declared document gets the generic facts: its warehouse, the requester's roles and, when
its lines carry a price (or a value change), the amount. An app that knows better registers a
provider for its type (an issue's amount at cost, a count's variance value)::

    from jxc.approvals.facts import register_facts
    register_facts("other_issue", lambda doc: {"amount": issue_value(doc)})
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from jxc.approvals.rules import Facts
from jxc.core.numbers import ZERO, round_money, value_of

Provider = Callable[[Any], dict[str, Any]]
_PROVIDERS: dict[str, Provider] = {}


def register_facts(doc_type: str, provider: Provider) -> None:
    _PROVIDERS[doc_type] = provider


def doc_type_of(doc: Any) -> str:
    return doc.ref().kind if hasattr(doc, "ref") else doc.DOC_TYPE


def generic_amount(doc: Any) -> Decimal | None:
    """Σ quantity × price, plus the absolute value changes, over the lines that have them."""
    lines = getattr(doc, "lines", None)
    if lines is None:
        return None
    names = {f.name for f in lines.model._meta.concrete_fields}
    wanted = [n for n in ("qty", "price", "value_change") if n in names]
    if "price" not in wanted and "value_change" not in wanted:
        return None
    total, seen = ZERO, False
    for row in lines.values(*wanted):
        if row.get("price") is not None and row.get("qty") is not None:
            total += value_of(row["qty"], row["price"])
            seen = True
        if row.get("value_change") is not None:
            total += abs(row["value_change"])
            seen = True
    return round_money(total) if seen else None


def facts_of(doc: Any, user: Any) -> Facts:
    doc_type = doc_type_of(doc)
    values: dict[str, Any] = {
        "warehouse_id": getattr(doc, "warehouse_id", None)
        or getattr(doc, "from_warehouse_id", None),
        "requester_roles": frozenset(user.roles.values_list("code", flat=True))
        if user is not None and getattr(user, "pk", None)
        else frozenset(),
    }
    provider = _PROVIDERS.get(doc_type)
    extra = provider(doc) if provider is not None else {}
    if "amount" not in extra:
        values["amount"] = generic_amount(doc)
    values.update(extra)
    return Facts(doc_type=doc_type, **values)
