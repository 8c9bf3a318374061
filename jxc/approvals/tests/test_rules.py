"""The pure rule matching: conditions, priority, any/all."""

from decimal import Decimal

from jxc.approvals.rules import (
    ALL,
    ANY,
    Facts,
    RuleSpec,
    StepSpec,
    first_match,
    matches,
    next_step,
    step_done,
)

D = Decimal


def test_every_condition_a_rule_sets_must_hold():
    f = Facts(
        doc_type="sales_order",
        amount=D("6000"),
        max_discount_pct=D("12"),
        margin_pct=D("8"),
        credit_exceeded=True,
        customer_tier="VIP",
        warehouse_id=3,
        requester_roles=frozenset({"sales"}),
    )
    assert matches(RuleSpec(1, "sales_order", amount_over=D("5000")), f)
    assert not matches(RuleSpec(1, "sales_order", amount_over=D("6000")), f)  # above, not at
    assert matches(RuleSpec(1, "sales_order", amount_up_to=D("6000")), f)
    assert not matches(RuleSpec(1, "purchase_order"), f)
    assert matches(RuleSpec(1, "sales_order", discount_over_pct=D("10")), f)
    assert not matches(RuleSpec(1, "sales_order", discount_over_pct=D("12")), f)
    assert matches(RuleSpec(1, "sales_order", margin_below_pct=D("10")), f)
    assert not matches(RuleSpec(1, "sales_order", margin_below_pct=D("8")), f)
    assert matches(RuleSpec(1, "sales_order", credit_exceeded=True), f)
    assert not matches(
        RuleSpec(1, "sales_order", credit_exceeded=True), Facts(doc_type="sales_order")
    )
    assert not matches(RuleSpec(1, "sales_order", customer_tier="A"), f)
    assert not matches(RuleSpec(1, "sales_order", warehouse_id=4), f)
    assert not matches(RuleSpec(1, "sales_order", requester_role="keeper"), f)
    assert not matches(RuleSpec(1, "sales_order", active=False), f)
    # a condition on a fact the document does not have never matches
    assert not matches(RuleSpec(1, "sales_order", variance_over=D("0")), f)


def test_the_first_matching_rule_by_priority_applies_and_none_means_no_approval():
    small = RuleSpec(1, "purchase_order", priority=20, amount_over=D("5000"))
    big = RuleSpec(2, "purchase_order", priority=10, amount_over=D("50000"))
    same_priority_newer = RuleSpec(3, "purchase_order", priority=20, amount_over=D("5000"))
    rules = [small, big, same_priority_newer]
    assert first_match(rules, Facts("purchase_order", amount=D("60000"))) == big
    assert first_match(rules, Facts("purchase_order", amount=D("6000"))) == small
    assert first_match(rules, Facts("purchase_order", amount=D("4999.99"))) is None


def test_count_variance_value_threshold():
    r = RuleSpec(1, "stock_count", variance_over=D("1000"))
    assert matches(r, Facts("stock_count", variance_value=D("1000.01")))
    assert not matches(r, Facts("stock_count", variance_value=D("1000")))


def test_any_needs_one_approval_all_needs_every_approver():
    assert step_done(StepSpec(1, ANY, frozenset({1, 2})), {2})
    assert not step_done(StepSpec(1, ANY, frozenset({1, 2})), set())
    assert not step_done(StepSpec(1, ALL, frozenset({1, 2})), {2})
    assert step_done(StepSpec(1, ALL, frozenset({1, 2})), {1, 2})
    assert not step_done(StepSpec(1, ALL, frozenset()), {1})
    steps = [StepSpec(1), StepSpec(3), StepSpec(2)]
    assert next_step(steps, 1) == 2 and next_step(steps, 3) is None
