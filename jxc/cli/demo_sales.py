"""Demo sales over the last three months, all through the sales services: 报价单 (one turned
into an order), 销售订单 in every state, 出库通知单 (拣货), 出库单, a 销售退货单, 销项发票, 收款单
that leave some receivables overdue and one customer near its credit limit, and a few
门店 counter sales today. It sells only what the demo's purchasing brought into 总仓."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jxc.cli.demo_data import D
from jxc.cli.demo_purchasing import Shop, _days
from jxc.core.documents.lines import LineInput

# Who buys on account each month (codes of demo_partners.py; 文具店 KH002 ends near its
# 10,000 credit limit, 餐饮店 KH005 and 科技 KH004 do not pay their first month: overdue).
REGULARS = ["KH001", "KH002", "KH003", "KH004", "KH005", "KH007", "KH009", "KH010"]
NEAR_LIMIT = "KH002"
LATE_PAYERS = {"KH004", "KH005"}


def _customer(code: str):
    from jxc.partners.models import Customer

    return Customer.objects.get(code=code)


def seller(shop: Shop, customer):
    """The customer's salesperson makes its documents (the owner for the owner's customers)."""
    return customer.salesperson or shop.boss


def lines_for(shop: Shop, n_lines: int, low: int, high: int) -> list[LineInput]:
    """Lines of SKUs 总仓 holds from the demo's purchases, never more than a quarter of it."""
    rng = shop.rng
    stocked = sorted(k for k, v in shop.held.items() if v >= 20)
    out = []
    for sku in rng.sample(stocked, min(n_lines, len(stocked))):
        qty = min(D(rng.randint(low, high)), (shop.held[sku] / 4).quantize(D(1)))
        out.append(LineInput(sku=sku, qty=qty))
    return out


def sales_order(shop: Shop, code: str, month: int, day: int, *, lines=None, n_lines=3):
    from jxc.sales import orders

    customer = _customer(code)
    return orders.create_sales_order(
        user=seller(shop, customer),
        customer=customer,
        warehouse=shop.zc,
        date=shop.day(month, day),
        lines=lines or lines_for(shop, n_lines, 5, 24),
    )


def _quotation(shop: Shop, code: str, day, lines: list[LineInput], *, user):
    """A 报价单 to the customer from 总仓, dated ``day`` and valid for 15 days."""
    from jxc.sales import orders

    return orders.create_quotation(
        user=user,
        customer=_customer(code),
        warehouse=shop.zc,
        date=day,
        valid_until=day + _days(15),
        lines=lines,
    )


def approved(shop: Shop, doc):
    from jxc.sales import orders

    doc = orders.submit_sales_order(doc, user=seller(shop, doc.customer))
    return orders.approve_sales_order(doc, user=shop.boss)


def deliver(shop: Shop, so, month: int, day: int, *, share: str = "1"):
    """A posted 出库单 of ``share`` of each open line of the order."""
    from jxc.inventory.selectors import suggest_batches
    from jxc.sales import deliveries

    lines = []
    for x in so.lines.select_related("sku__product").order_by("line_no"):
        qty = (x.open_qty * D(share)).quantize(D(1))
        if qty <= 0:
            continue
        if x.sku.product.tracking != "batch":
            lines.append(LineInput(sku=x.sku_id, qty=qty, source_line=x.pk))
            continue
        for lot in suggest_batches(sku=x.sku_id, warehouse=so.warehouse, qty=qty):  # 先到期先出
            lines.append(
                LineInput(
                    sku=x.sku_id,
                    qty=lot.qty,
                    source_line=x.pk,
                    bin=lot.bin_id,
                    batch_number=lot.batch_number,
                )
            )
    doc = deliveries.create_sales_delivery(
        user=shop.users["keeper"],
        customer=so.customer,
        warehouse=so.warehouse,
        date=shop.day(month, day),
        prices_include_tax=so.prices_include_tax,
        lines=lines,
    )
    return _posted(shop, doc, lines)


def _posted(shop: Shop, doc, lines):
    from jxc.sales import deliveries

    doc = deliveries.submit_and_post_sales_delivery(doc, user=shop.boss)
    for x in lines:
        shop.held[x.sku] -= x.qty
    return doc


def picked(shop: Shop, so, month: int, day: int):
    """出库通知单 → 扫码拣货 → 确认 → 出库单, posted."""
    from jxc.catalog.models import Sku
    from jxc.core.documents.actions import approve
    from jxc.sales import picking

    keeper = shop.users["keeper"]
    pick = approve(
        picking.create_pick_list([so], user=keeper, date=shop.day(month, day)), user=keeper
    )
    code = dict(
        Sku.objects.filter(pk__in=[x.sku_id for x in pick.lines.all()]).values_list("pk", "code")
    )
    for x in pick.lines.order_by("line_no"):
        picking.scan_pick(pick, user=keeper, code=code[x.sku_id], qty=x.base_qty)
    pick = picking.confirm_pick_list(pick, user=keeper)
    (doc,) = picking.deliver_pick_list(pick, user=keeper, date=shop.day(month, day))
    return _posted(shop, doc, [LineInput(sku=x.sku_id, qty=x.base_qty) for x in doc.lines.all()])


def sell_month(shop: Shop, month: int, made: dict[str, Any]) -> None:
    """A month's selling on account: an order from each regular customer, approved and
    delivered the next day (two of this month's through a pick list)."""
    for k, code in enumerate(REGULARS):
        if code == NEAR_LIMIT and month == shop.last:
            continue  # its big order comes last (near its limit)
        day = 10 + 2 * k if month < shop.last else 9 + k
        so = approved(shop, sales_order(shop, code, month, day))
        by_pick = month == shop.last and k < 2
        d = picked(shop, so, month, day + 1) if by_pick else deliver(shop, so, month, day + 1)
        made["deliveries"].append(d)


def load_sales(shop: Shop, month: int, made: dict[str, Any]) -> None:
    """The month's selling and the documents of other kinds and states dated in it: a return
    in the first month, an order closed after a part delivery in the second; in the third a
    big order near a credit limit, an order half delivered, 报价单 (one now an order waiting
    to be picked), a draft and a submitted order."""
    from jxc.core.documents.actions import approve, submit
    from jxc.sales import orders, picking, returns

    sales, keeper = shop.users["sales"], shop.users["keeper"]
    made.setdefault("deliveries", [])
    sell_month(shop, month, made)
    if month == 0:
        # 销售退货: a school sends back part of a delivery (damaged in transport).
        d = next(x for x in made["deliveries"] if x.customer.code == "KH003")
        line = d.lines.order_by("line_no").first()
        back = returns.create_sales_return(
            user=sales,
            customer=d.customer,
            warehouse=d.warehouse,
            date=shop.day(0, 27),
            reason="运输破损",
            lines=[
                LineInput(
                    sku=line.sku_id,
                    qty=min(line.qty, D(3)),
                    source_line=line.pk,
                    batch_number=line.batch_number,
                )
            ],
        )
        back = approve(submit(back, user=sales), user=shop.boss)
        made["return"] = returns.post_sales_return(back, user=shop.boss)
    if month == 1:
        # Delivered in part, the rest closed (the customer cancelled it).
        so = approved(shop, sales_order(shop, "KH007", 1, 26))
        deliver(shop, so, 1, 27, share="0.5")
        made["closed"] = orders.close_sales_order(so, user=shop.boss, reason="客户取消余量")
    if month < shop.last:
        return
    # 文具店 takes a big order: its receivables end near its credit limit (about 90 %).
    customer = _customer(NEAR_LIMIT)
    want = customer.credit_limit * D("0.98") - _owed(customer)
    lines = []
    for sku in sorted(shop.held, key=lambda s: (-shop.held[s] * shop.price[s], s)):
        unit = shop.price[sku] * D("1.25")  # its wholesale price (demo_data.prices_from_cost)
        qty = min((want / unit).quantize(D(1), "ROUND_DOWN"), (shop.held[sku] / 2).quantize(D(1)))
        if qty > 0:
            lines.append(LineInput(sku=sku, qty=qty))
            want -= qty * unit
        if want < 100 or len(lines) == 6:
            break
    so = sales_order(shop, NEAR_LIMIT, -1, 18, lines=lines)
    made["deliveries"].append(deliver(shop, approved(shop, so), -1, 19))
    # Delivered in part, the rest still to go.
    made["partly_delivered"] = so = approved(shop, sales_order(shop, "KH001", -1, 19))
    deliver(shop, so, -1, 20, share="0.5")
    # 报价单: one accepted and turned into an approved order (reserved, released to pick).
    quote = _quotation(shop, "KH004", shop.day(-1, 2), lines_for(shop, 3, 10, 30), user=sales)
    quote = approve(submit(quote, user=sales), user=shop.boss)
    made["from_quotation"] = so = approved(
        shop, orders.order_from_quotation(quote, user=sales, date=shop.day(-1, 4))
    )
    made["pick_list"] = approve(picking.create_pick_list([so], user=keeper), user=keeper)
    made["quotation"] = submit(
        _quotation(shop, "KH008", shop.day(-1, 7), lines_for(shop, 2, 20, 40), user=sales),
        user=sales,
    )
    made["draft"] = sales_order(shop, "KH010", -1, 9)
    made["submitted"] = orders.submit_sales_order(sales_order(shop, "KH009", -1, 9), user=sales)


def _owed(customer) -> Decimal:
    from jxc.sales.selectors import open_receivables

    return open_receivables(customer.pk)


def invoice_and_collect(shop: Shop, deliveries) -> None:
    """销项发票 for the key customers' first two months; 收款单: the first month paid except by
    the late payers, the second month half, this month nothing yet."""
    from jxc.finance import payments
    from jxc.finance.models import Account
    from jxc.sales import invoices

    bank = Account.objects.get(code="YH01")
    for i, d in enumerate(x for x in deliveries if x.customer.code in ("KH001", "KH003")):
        if d.date >= shop.months[-1]:
            continue
        invoices.record_sales_invoice(
            user=shop.users["finance"],
            customer=d.customer,
            date=d.date + _days(2),
            invoice_number=f"0440{i + 1:04d}",
            net_amount=d.net_amount,
            tax_amount=d.tax_amount,
            deliveries=[d.pk],
        )
    codes = sorted({d.customer.code for d in deliveries} - {NEAR_LIMIT})
    for code in codes:
        customer = _customer(code)
        got = [d for d in deliveries if d.customer_id == customer.pk]
        first = sum((d.total_amount for d in got if d.date < shop.months[-2]), D(0))
        second = sum(
            (d.total_amount for d in got if shop.months[-2] <= d.date < shop.months[-1]), D(0)
        )
        amount = (D(0) if code in LATE_PAYERS else first) + (second / 2).quantize(D("0.01"))
        amount = min(amount, _owed(customer))
        if amount > 0:
            payments.record_customer_payment(
                user=shop.users["finance"],
                customer=customer,
                account=bank,
                amount=amount,
                date=shop.day(-1, 2),
                memo="货款",
            )


def counter_sales(shop: Shop) -> list[Any]:
    """收银 in the store today: a few walk-in sales paid in cash, WeChat or Alipay."""
    from jxc.catalog.models import SkuUnit
    from jxc.finance.models import Account
    from jxc.inventory.models import StockBalance
    from jxc.retail.services import Paid, record_counter_sale

    if shop.store is None:
        return []
    on_hand = dict(
        StockBalance.objects.filter(
            warehouse=shop.store, on_hand__gte=6, sku__product__tracking="none"
        ).values_list("sku_id", "on_hand")
    )
    retail = dict(
        SkuUnit.objects.filter(is_base=True, sku__in=list(on_hand)).values_list(
            "sku_id", "retail_price"
        )
    )
    accounts = {a.kind: a for a in Account.objects.filter(code__in=["XJ01", "WX01", "ZFB01"])}
    sold = []
    for kind in ["cash", "wechat", "alipay", "wechat", "cash"]:
        items = [
            (sku, D(shop.rng.randint(1, 3)))
            for sku in shop.rng.sample(sorted(on_hand), min(2, len(on_hand)))
        ]
        items = [(s, q) for s, q in items if on_hand[s] >= q + 3]
        if not items:
            continue
        for s, q in items:
            on_hand[s] -= q
        total = sum((retail[s] * q for s, q in items), D(0)).quantize(D("0.01"))
        sold.append(
            record_counter_sale(
                user=shop.users["cashier"],
                warehouse=shop.store,
                items=items,
                paid=[Paid(accounts[kind], total)],
                date=shop.today,
            )
        )
    return sold
