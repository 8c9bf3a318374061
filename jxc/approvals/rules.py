"""Which approval rule applies to a document and when a step is done: pure, no database.

A document is described by its ``Facts`` (amount, largest discount, margin, credit, customer
tier, warehouse, the requester's roles, a count's variance value). A rule's conditions are all
optional; a rule matches when every condition it sets holds. Rules are tried by priority
(lower first, then the older rule); the first that matches applies; none means no approval.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

ANY, ALL = "any", "all"


@dataclass(frozen=True)
class Facts:
    doc_type: str
    amount: Decimal | None = None  # the document's total (an issue: at cost)
    max_discount_pct: Decimal | None = None  # largest discount below list price, in %
    margin_pct: Decimal | None = None  # gross margin, in %
    credit_exceeded: bool = False  # the customer's credit limit would be exceeded
    customer_tier: str = ""
    warehouse_id: int | None = None
    requester_roles: frozenset[str] = frozenset()  # role codes
    variance_value: Decimal | None = None  # 盘点单: the absolute value of the differences


@dataclass(frozen=True)
class RuleSpec:
    id: int
    doc_type: str
    priority: int = 100
    active: bool = True
    amount_over: Decimal | None = None  # amount > this
    amount_up_to: Decimal | None = None  # amount <= this
    discount_over_pct: Decimal | None = None
    margin_below_pct: Decimal | None = None
    credit_exceeded: bool = False  # True: only when the credit limit is exceeded
    customer_tier: str = ""
    warehouse_id: int | None = None
    requester_role: str = ""  # a role code
    variance_over: Decimal | None = None


def _over(value: Decimal | None, limit: Decimal | None) -> bool:
    return limit is None or (value is not None and value > limit)


def matches(rule: RuleSpec, facts: Facts) -> bool:
    """Every condition the rule sets holds for the document."""
    if not rule.active or rule.doc_type != facts.doc_type:
        return False
    if not _over(facts.amount, rule.amount_over):
        return False
    if rule.amount_up_to is not None and (facts.amount is None or facts.amount > rule.amount_up_to):
        return False
    if not _over(facts.max_discount_pct, rule.discount_over_pct):
        return False
    if rule.margin_below_pct is not None and (
        facts.margin_pct is None or facts.margin_pct >= rule.margin_below_pct
    ):
        return False
    if rule.credit_exceeded and not facts.credit_exceeded:
        return False
    if rule.customer_tier and rule.customer_tier != facts.customer_tier:
        return False
    if rule.warehouse_id is not None and rule.warehouse_id != facts.warehouse_id:
        return False
    if rule.requester_role and rule.requester_role not in facts.requester_roles:
        return False
    return _over(facts.variance_value, rule.variance_over)


def first_match(rules: Iterable[RuleSpec], facts: Facts) -> RuleSpec | None:
    """The rule that applies: the first matching one by (priority, id); None: no approval."""
    for rule in sorted(rules, key=lambda r: (r.priority, r.id)):
        if matches(rule, facts):
            return rule
    return None


@dataclass(frozen=True)
class StepSpec:
    order: int
    mode: str = ANY
    approvers: frozenset[int] = field(default_factory=frozenset)  # user ids (role resolved)


def step_done(step: StepSpec, approved_by: Iterable[int]) -> bool:
    """Any: one approval; all: every approver named (at the time) has approved."""
    approved = set(approved_by)
    if step.mode == ALL:
        return bool(step.approvers) and step.approvers <= approved
    return bool(approved)


def next_step(steps: Sequence[StepSpec], current: int) -> int | None:
    """The order of the step after ``current`` (None after the last one)."""
    later = sorted(s.order for s in steps if s.order > current)
    return later[0] if later else None
