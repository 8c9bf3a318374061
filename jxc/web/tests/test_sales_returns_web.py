"""销售退货单 from a delivery, in the browser: 生成退货单 on a posted 销售出库单 opens a linked
draft in the grid (the 出库单 column shows the delivery per line), lowered and saved it keeps
the link, refused above what is left; 提交 / 审核 / 过账 put the goods back at the delivery's
cost and take the delivery's price off the receivable. A delivery with nothing left says so
and makes nothing; without ``sales_return.create`` there is no button."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.finance.models import PartyBalance
from jxc.inventory.models import StockBalance
from jxc.sales import deliveries, returns
from jxc.sales.models import SalesReturn
from jxc.sales.tests.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db

GRID_FIELDS = ("sku", "sku_label", "source", "source_label", "qty", "unit", "price", "tax_rate",
               "bin", "batch", "serials", "memo")  # fmt: skip


def _delivered(w, *lines):
    d = deliveries.create_sales_delivery(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today, lines=list(lines)
    )
    return deliveries.post_sales_delivery(approve(submit(d, user=w.user), user=w.user), user=w.user)


def _owed(w):
    return PartyBalance.objects.get(side="receivable", customer=w.customer).balance


def _form_of(response, **qty):
    """What the browser posts back from the draft's form: its header and the grid's rows (the
    quantities changed by SKU id; "" leaves a line of the delivery out)."""
    form = response.context["form"]
    data = {
        name: ("on" if value else "") if isinstance(value, bool) else str(value or "")
        for name, value in form.initial.items()
    }
    data = {k: v for k, v in data.items() if v != ""}
    for row in response.context["grid_state"]["rows"]:
        row = {**row, "qty": qty.get(row["sku"], row["qty"])}
        for key in GRID_FIELDS:
            data.setdefault(f"line_{key}", []).append(str(row.get(key, "")))
    return data


def test_return_from_a_delivery_in_the_browser_at_its_price_and_cost(client_for, world):  # noqa: F811
    w = world
    w.receive(w.cola, 20, "1.00")
    w.receive(w.tea, 10, "2.00")
    d = _delivered(
        w,
        LineInput(sku=w.cola.pk, qty=D(10), price=D("3")),
        LineInput(sku=w.tea.pk, qty=D(4), price=D("5")),
    )
    cola = d.lines.get(sku=w.cola)
    w.receive(w.cola, 10, "4.00", date=w.today)  # the average moves to 2: back at 1 all the same
    owed = _owed(w)
    client = client_for(w.user)
    page = client.get(f"/sales/deliveries/{d.pk}/").content.decode()
    assert 'data-testid="return-form"' in page and "生成退货单" in page

    response = client.post(f"/sales/deliveries/{d.pk}/return/", {"reason": "包装破损"})
    ret = SalesReturn.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sales/returns/{ret.pk}/edit/"
    assert (ret.customer, ret.warehouse, ret.reason) == (w.customer, w.warehouse, "包装破损")
    edit = client.get(f"/sales/returns/{ret.pk}/edit/")
    rows = edit.context["grid_state"]["rows"]
    assert [(r["source"], r["source_label"], r["qty"]) for r in rows] == [
        (str(cola.pk), f"{d.number} #1", "10"),
        (str(d.lines.get(sku=w.tea).pk), f"{d.number} #2", "4"),
    ]
    assert edit.context["grid_state"]["labels"]["source"] == "出库单"
    assert d.number in edit.content.decode()

    # more than delivered is refused in the grid; 4 of the cola and none of the tea is saved
    form = _form_of(edit, **{str(w.cola.pk): "11"})
    response = client.post(f"/sales/returns/{ret.pk}/edit/", form)
    assert response.status_code == 400
    assert "最多还能退" in response.context["grid_state"]["errors"]["0.qty"][0]
    form = _form_of(edit, **{str(w.cola.pk): "4", str(w.tea.pk): ""})
    response = client.post(f"/sales/returns/{ret.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    line = ret.lines.get()
    assert (line.source_line_id, line.qty, line.price) == (cola.pk, 4, D("3"))

    for action in ("submit", "approve", "post"):
        assert client.post(f"/sales/returns/{ret.pk}/do/{action}/").status_code == 302
    ret.refresh_from_db()
    assert ret.status == "posted" and ret.total_amount == D("12.00")
    assert ret.cost_amount == D("4.00")  # the delivery's cost (1.00), not the average (2.00)
    assert StockBalance.objects.get(sku=w.cola, warehouse=w.warehouse).on_hand == 20 - 10 + 10 + 4
    assert _owed(w) == owed - D("12.00")
    cola.refresh_from_db()
    assert cola.returned_qty == 4
    assert d.number in client.get(f"/sales/returns/{ret.pk}/").content.decode()


def test_a_delivery_with_nothing_left_to_return_says_so(client_for, user_factory, world):  # noqa: F811
    w = world
    w.receive(w.cola, 10, "1.00")
    d = _delivered(w, LineInput(sku=w.cola.pk, qty=D(2), price=D("3")))
    back = returns.return_delivery(d, user=w.user)
    returns.post_sales_return(approve(submit(back, user=w.user), user=w.user), user=w.user)
    client = client_for(w.user)
    page = client.get(f"/sales/deliveries/{d.pk}/").content.decode()
    assert 'data-testid="nothing-to-return"' in page and 'data-testid="return-form"' not in page
    response = client.post(f"/sales/deliveries/{d.pk}/return/", follow=True)
    assert response.redirect_chain[-1][0] == f"/sales/deliveries/{d.pk}/"
    said = " ".join(str(m) for m in response.context["messages"])
    assert d.number in said and "没有可退" in said
    assert SalesReturn.objects.count() == 1

    # a draft delivery: nothing to return (no section, the derive refused)
    draft = deliveries.create_sales_delivery(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(1), price=D("3"))],
    )  # fmt: skip
    assert 'id="return"' not in client.get(f"/sales/deliveries/{draft.pk}/").content.decode()
    response = client.post(f"/sales/deliveries/{draft.pk}/return/", follow=True)
    assert "未过账" in " ".join(str(m) for m in response.context["messages"])
    assert SalesReturn.objects.count() == 1

    # finance sees the delivery but may not make a return
    finance = client_for(user_factory(roles=["finance"]))
    d2 = _delivered(w, LineInput(sku=w.cola.pk, qty=D(1), price=D("3")))
    page = finance.get(f"/sales/deliveries/{d2.pk}/").content.decode()
    assert 'data-testid="return-form"' not in page
    assert finance.post(f"/sales/deliveries/{d2.pk}/return/").status_code == 403
