"""Demo purchasing over the last three months, all through the purchasing services: 采购申请,
采购订单 in every state, 采购入库单 (one with goods rejected at inspection), a 采购退货单, a
费用分摊单 for freight, 进项发票 (one that does not match) and 付款单 that leave the last
month's payables open.

It buys only SKUs the stock history never holds in 总仓 (``loop_skus``), so its documents,
dated among the history's, never change a balance the history reads."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jxc.cli.demo_data import D
from jxc.core.documents.lines import LineInput

# Which supplier sells which top category (the suppliers' codes, demo_partners.py).
SUPPLIERS_OF = {"WJ": ["GYS001", "GYS002"], "LS": ["GYS005", "GYS009"], "FZ": ["GYS007", "GYS008"]}


@dataclass
class Shop:
    """What the loop's modules share: the users, places, SKUs bought and what 总仓 holds."""

    rng: random.Random
    users: dict[str, Any]
    zc: Any
    store: Any
    months: list[Any]
    today: Any
    groups: dict[str, list[Any]]
    price: dict[int, Decimal]
    held: dict[int, Decimal] = field(default_factory=dict)
    receipts: list[Any] = field(default_factory=list)

    def day(self, month: int, day: int):
        return min(self.months[month].replace(day=day), self.today)

    @property
    def last(self) -> int:
        """The index of this month (the loop's months end with it)."""
        return len(self.months) - 1

    @property
    def boss(self):
        return self.users["owner"]


def loop_skus(skus, whs_history_skus) -> dict[str, list[Any]]:
    """SKUs for the purchase → sales loop, by top category: no serial numbers, counted in
    whole units, not pens (the history counts those) and never in 总仓's history."""
    taken = {s.pk for s in whs_history_skus}
    groups: dict[str, list[Any]] = {"WJ": [], "LS": [], "FZ": []}
    for s in skus:
        p = s.product
        if s.pk in taken or p.tracking == "serial" or p.base_unit.allow_fraction:
            continue
        if p.category.code == "WJ01":
            continue
        groups[p.category.code[:2]].append(s)
    return groups


def _post(doc, user, post) -> Any:
    from jxc.core.documents.actions import approve, submit

    return post(approve(submit(doc, user=user), user=user), user=user)


def order(shop: Shop, top: str, month: int, day: int, *, n_lines=4, low=40, high=120, **kw):
    """A draft 采购订单 of ``n_lines`` SKUs of one category at the reference purchase price."""
    from jxc.partners.models import Supplier
    from jxc.purchasing import services as purchasing

    rng = shop.rng
    supplier = Supplier.objects.get(code=rng.choice(SUPPLIERS_OF[top]))
    date = shop.day(month, day)
    picks = rng.sample(shop.groups[top], min(n_lines, len(shop.groups[top])))
    return purchasing.create_purchase_order(
        user=kw.pop("user", shop.users["purchaser"]),
        supplier=supplier,
        warehouse=shop.zc,
        date=date,
        lines=[
            LineInput(
                sku=s.pk,
                qty=D(rng.randint(low, high) // 10 * 10),
                price=shop.price[s.pk],
                promised_date=date + _days(supplier.lead_time_days),
            )
            for s in picks
        ],
        **kw,
    )


def _days(n: int):
    import datetime as dt

    return dt.timedelta(days=n)


def approved(shop: Shop, doc):
    from jxc.core.documents.actions import submit
    from jxc.purchasing import services as purchasing

    return purchasing.approve_purchase_order(submit(doc, user=shop.boss), user=shop.boss)


def receive(shop: Shop, po, month: int, day: int, *, share: str = "1", rejected: int = 0):
    """A posted 采购入库单 of ``share`` of each open order line; the first line has
    ``rejected`` pieces refused at inspection (not taken into stock)."""
    from jxc.purchasing import receipts

    date = shop.day(month, day)
    lines = []
    for i, x in enumerate(po.lines.select_related("sku__product").order_by("line_no")):
        qty = (x.open_qty * D(share)).quantize(D(1))
        if qty <= 0:
            continue
        bad = D(rejected) if i == 0 and rejected else None
        batch, expiry = "", None
        if x.sku.product.tracking == "batch":
            batch = f"{date:%Y%m%d}{x.sku_id % 100:02d}"
            expiry = date + _days(x.sku.product.shelf_life_days or 365)
        lines.append(
            LineInput(
                sku=x.sku_id,
                qty=qty - (bad or 0),
                source_line=x.pk,
                rejected_qty=bad,
                reject_reason="外包装破损" if bad else "",
                batch_number=batch,
                expiry_date=expiry,
            )
        )
    doc = receipts.create_purchase_receipt(
        user=shop.users["keeper"],
        supplier=po.supplier,
        warehouse=po.warehouse,
        date=date,
        lines=lines,
    )
    doc = _post(doc, shop.boss, receipts.post_purchase_receipt)
    for x in lines:
        shop.held[x.sku] = shop.held.get(x.sku, D(0)) + x.qty
    shop.receipts.append(doc)
    return doc


def buy_month(shop: Shop, month: int) -> None:
    """A month's buying: stationery, snacks and clothes ordered on the 2nd–4th and received
    four days later (the first month's snacks with three boxes refused at inspection); this
    month's clothes are still on order (``load_purchasing``)."""
    for top, day in (("WJ", 2), ("LS", 3), ("FZ", 4)):
        if month == shop.last and top == "FZ":
            continue
        po = approved(shop, order(shop, top, month, day))
        receive(shop, po, month, day + 4, rejected=3 if (month, top) == (0, "LS") else 0)


def load_purchasing(shop: Shop, month: int, made: dict[str, Any]) -> None:
    """The month's buying, and the documents of other kinds and states dated in it: a closed
    order, a return and a freight charge in the second month; invoices for the first two
    months, an order half received, 采购申请 and orders not yet sent in the third."""
    from jxc.core.documents.actions import approve, submit
    from jxc.purchasing import landed_costs, requisitions, returns
    from jxc.purchasing import services as purchasing

    boss, buyer = shop.boss, shop.users["purchaser"]
    if month == 0:
        price_list(shop)
    buy_month(shop, month)
    if month == 1:
        # Received in part, the rest cancelled by the supplier: 强制结单.
        po = approved(shop, order(shop, "WJ", 1, 5))
        receive(shop, po, 1, 9, share="0.6")
        made["closed"] = purchasing.close_purchase_order(
            po, user=buyer, reason="供应商断货, 余量取消"
        )
        # 采购退货: part of the first clothes delivery back (wrong colour).
        clothes = next(r for r in shop.receipts if r.supplier.code in SUPPLIERS_OF["FZ"])
        line = clothes.lines.order_by("line_no").first()
        qty = min(D(10), shop.held[line.sku_id])
        back = returns.create_purchase_return(
            user=buyer,
            supplier=clothes.supplier,
            warehouse=clothes.warehouse,
            date=shop.day(1, 9),
            reason="颜色与样品不符",
            lines=[LineInput(sku=line.sku_id, qty=qty, source_line=line.pk)],
        )
        made["return"] = _post(back, boss, returns.post_purchase_return)
        shop.held[line.sku_id] -= qty
        # 费用分摊: the freight of that clothes delivery, spread by value.
        charge = landed_costs.allocate_to_receipts(
            [clothes], user=boss, date=shop.day(1, 9), amount=D("380.00"), tax_amount=D("34.20")
        )
        made["landed_cost"] = _post(charge, boss, landed_costs.post_landed_cost)
    if month < shop.last:
        return
    # Approved, half received: the rest still on order.
    made["partly_received"] = po = approved(shop, order(shop, "FZ", -1, 1, low=60, high=100))
    receive(shop, po, -1, 5, share="0.5")
    bill(shop, made)
    # 采购申请: one approved and turned into an order (a draft to send), one still a draft.
    wanted = shop.groups["WJ"][-6:]
    req = requisitions.create_requisition(
        user=buyer,
        warehouse=shop.zc,
        date=shop.day(-1, 6),
        memo="开学季备货",
        lines=[LineInput(sku=s.pk, qty=D(50)) for s in wanted[:3]],
    )
    approve(submit(req, user=buyer), user=boss)
    (made["from_requisition"],) = requisitions.make_orders(
        req, user=buyer, suppliers={x.pk: _supplier("GYS002").pk for x in req.lines.all()}
    )
    made["requisition"] = requisitions.create_requisition(
        user=buyer,
        warehouse=shop.zc,
        date=shop.day(-1, 7),
        memo="门店补货",
        lines=[LineInput(sku=s.pk, qty=D(30)) for s in wanted[3:]],
    )
    made["draft"] = order(shop, "LS", -1, 7)
    made["submitted"] = submit(order(shop, "WJ", -1, 7, n_lines=2), user=buyer)


def price_list(shop: Shop) -> None:
    """价目表: 得力 quotes every stationery item the shop buys, 温州纺织 every garment."""
    from jxc.catalog.models import SkuUnit
    from jxc.purchasing import services as purchasing

    base = dict(
        SkuUnit.objects.filter(
            is_base=True, sku__in=shop.groups["WJ"] + shop.groups["FZ"]
        ).values_list("sku_id", "unit_id")
    )
    for code, top in (("GYS002", "WJ"), ("GYS007", "FZ")):
        supplier = _supplier(code)
        for s in shop.groups[top]:
            purchasing.create_supplier_price(
                user=shop.users["purchaser"],
                supplier=supplier,
                sku=s,
                unit_id=base[s.pk],
                price=shop.price[s.pk],
                lead_time_days=supplier.lead_time_days,
                valid_from=shop.months[0],
            )


def bill(shop: Shop, made: dict[str, Any]) -> None:
    """进项发票 for the first two months' receipts; one bill's first line 0.30 a piece dearer
    than the order (三单匹配: price differs)."""
    from jxc.core.documents.actions import approve
    from jxc.purchasing import invoices

    buyer = shop.users["purchaser"]
    billed = [r for r in shop.receipts if r.date < shop.months[-1]]
    for i, r in enumerate(billed):
        doc = invoices.invoice_from(
            user=buyer,
            receipts=[r],
            invoice_number=f"3300{224 + i:04d}{shop.rng.randint(1000, 9999)}",
            date=r.date + _days(3),
        )
        if i == 1:
            lines, credits = invoices.lines_of([r])
            first = lines[0]
            lines[0] = LineInput(
                sku=first.sku,
                qty=first.qty,
                source_line=first.source_line,
                value_change=(first.value_change or D(0)) + first.qty * D("0.30"),
            )
            doc = invoices.update_purchase_invoice(
                doc,
                user=buyer,
                lines=lines,
                credits=credits,
                amount=sum((x.value_change or D(0) for x in lines), D(0)),
            )
            made["mismatch"] = doc
        invoices.post_purchase_invoice(
            approve(invoices.submit_purchase_invoice(doc, user=buyer), user=shop.boss), user=buyer
        )


def _supplier(code: str):
    from jxc.partners.models import Supplier

    return Supplier.objects.get(code=code)


def pay_suppliers(shop: Shop) -> None:
    """付款单: the first month's goods paid in full, the second's in part, this month's not
    yet: payables stay open for the aging report."""
    from jxc.finance import payments
    from jxc.finance.models import Account, PartyBalance

    bank = Account.objects.get(code="YH01")
    for supplier in sorted({r.supplier for r in shop.receipts}, key=lambda s: s.code):
        got = [r for r in shop.receipts if r.supplier_id == supplier.pk]
        first = sum((r.total_amount for r in got if r.date < shop.months[-2]), D(0))
        second = sum(
            (r.total_amount for r in got if shop.months[-2] <= r.date < shop.months[-1]), D(0)
        )
        owed = (
            PartyBalance.objects.filter(side="payable", supplier=supplier)
            .values_list("balance", flat=True)
            .first()
        ) or D(0)
        amount = min(first + (second * D("0.5")).quantize(D("0.01")), owed)
        if amount > 0:
            payments.record_supplier_payment(
                user=shop.users["finance"],
                supplier=supplier,
                account=bank,
                amount=amount,
                date=shop.day(-1, 3) if second else shop.day(-2, 20),
                memo="货款",
            )
