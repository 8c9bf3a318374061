"""演示数据: the approval and alert rules that make the demo meaningful (docs/approvals.md).

Made after the stock history, so the history's documents went through as before."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

D = Decimal


def load_approval_rules(boss) -> list[Any]:
    from jxc.approvals import configuration
    from jxc.core.models import Role

    role = {r.code: r for r in Role.objects.all()}
    made = []

    def rule(name: str, doc_type: str, steps: list[str], priority: int = 100, **conditions):
        made.append(
            configuration.save_rule(
                user=boss,
                fields={"name": name, "doc_type": doc_type, "priority": priority, **conditions},
                steps=[{"role": role[code], "users": [], "mode": "any"} for code in steps],
            )
        )

    # Purchases under ¥5,000 go straight through; over ¥5,000 the purchasing lead, over
    # ¥50,000 also the owner (for when purchase orders exist).
    rule("采购 5 万以上", "purchase_order", ["purchaser", "owner"], 10, amount_over=D("50000"))
    rule("采购 5 千以上", "purchase_order", ["purchaser"], 20, amount_over=D("5000"))
    rule("销售折让超过 10%", "sales_order", ["sales"], 10, discount_over_pct=D("10"))
    # The stock documents, today.
    rule("大额其他出库", "other_issue", ["owner"], 10, amount_over=D("2000"))
    rule("盘点差异超过 1000 元", "stock_count", ["owner"], 10, variance_over=D("1000"))
    rule("成本调整", "cost_adjustment", ["owner"], 10)
    rule("大额借出", "loan_out", ["owner"], 10, amount_over=D("5000"))
    configuration.save_alert_rule(
        user=boss, name="低于安全库存", kind="below_min", notify_role=role["keeper"]
    )
    configuration.save_alert_rule(
        user=boss,
        name="临期商品",
        kind="near_expiry",
        threshold=D("30"),
        notify_role=role["keeper"],
    )
    configuration.save_alert_rule(
        user=boss,
        name="大额盘点差异",
        kind="abnormal_move",
        threshold=D("1000"),
        notify_role=role["owner"],
    )
    return made


def load_waiting(shop) -> dict[str, Any]:
    """Made after the rules: a large 采购订单 the purchasing lead has passed, now waiting for
    the owner (采购 5 万以上), and a 销售订单 at 15 % off waiting for a sales manager (销售折让
    超过 10%) — the 待办 of both."""
    from jxc.cli.demo_purchasing import order
    from jxc.cli.demo_sales import lines_for, sales_order, seller
    from jxc.core.documents.actions import approve, submit
    from jxc.core.documents.lines import LineInput
    from jxc.sales import orders

    buyer = shop.users["purchaser"]
    big = order(shop, "FZ", -1, 8, n_lines=5, low=400, high=600)
    big = approve(submit(big, user=buyer), user=buyer)  # step 1 (采购), the owner's next
    lines = [
        LineInput(sku=x.sku, qty=x.qty, discount_rate=D("15")) for x in lines_for(shop, 2, 10, 20)
    ]
    so = sales_order(shop, "KH010", -1, 9, lines=lines)
    so = orders.submit_sales_order(so, user=seller(shop, so.customer))
    return {"purchase_waiting": big, "sales_waiting": so}
