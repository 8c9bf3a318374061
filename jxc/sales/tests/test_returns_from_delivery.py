"""生成退货单 from a posted 销售出库单 (``returns.return_delivery``): a draft for the delivery's
customer and warehouse with one linked line per delivery line still returnable (delivered less
returned, in the delivery's unit when it comes out whole), at the delivery's price, VAT and
discount; lowered and posted, the goods come back at the delivery's cost and the receivable
goes down by the delivery's price. Nothing left / not posted: refused with its code, nothing
made. A linked line's price is taken as the delivery states it (含税 or not)."""

from decimal import Decimal as D

import pytest

from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.core.errors import ValidationFailed
from jxc.finance.models import PartyBalance
from jxc.inventory.models import StockBalance
from jxc.inventory.testing import assert_ledger_consistent
from jxc.sales import deliveries, returns
from jxc.sales.errors import DeliveryNotPosted, NothingToReturn
from jxc.sales.models import SalesReturn
from jxc.sales.tests.conftest import make_sku

pytestmark = pytest.mark.django_db


def _post(w, doc, post):
    return post(approve(submit(doc, user=w.user), user=w.user), user=w.user)


def _deliver(w, *lines, **header):
    d = deliveries.create_sales_delivery(
        user=w.user,
        customer=w.customer,
        warehouse=w.warehouse,
        date=w.today,
        lines=list(lines),
        **header,
    )
    return _post(w, d, deliveries.post_sales_delivery)


def _owed(w):
    return PartyBalance.objects.get(side="receivable", customer=w.customer).balance


def _as_input(x, **change):
    values = dict(
        sku=x.sku_id, qty=x.qty, unit=x.unit_id, source_line=x.source_line_id, bin=x.bin_id
    )
    return LineInput(**{**values, **change})


def test_return_delivery_drafts_what_is_left_at_the_deliverys_price_and_cost(world):
    w = world
    w.receive(w.cola, 30, "1.00")
    w.receive(w.tea, 10, "2.00")
    d = _deliver(
        w,
        LineInput(sku=w.cola.pk, qty=D(2), unit=w.box.pk, price=D("30"), discount_rate=D(10)),
        LineInput(sku=w.tea.pk, qty=D(5), price=D("4")),
    )
    cola, tea = d.lines.order_by("line_no")
    assert d.total_amount == D("74.00")  # 2 箱 × 30 × 0.9 + 5 × 4
    w.receive(w.cola, 24, "3.00", date=w.today)  # the average moves: returns still come back at 1
    first = returns.create_sales_return(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(5), unit=w.unit.pk, source_line=cola.pk),
               LineInput(sku=w.tea.pk, qty=D(1), source_line=tea.pk)],
    )  # fmt: skip
    _post(w, first, returns.post_sales_return)
    owed = _owed(w)

    draft = returns.return_delivery(d, user=w.user, reason="质量问题")
    assert (draft.status, draft.customer, draft.warehouse) == ("draft", w.customer, w.warehouse)
    assert draft.reason == "质量问题" and draft.prices_include_tax and draft.date == w.today
    got = [
        (x.source_line_id, x.qty, x.unit_id, x.price, x.discount_rate, x.tax_rate)
        for x in draft.lines.order_by("line_no")
    ]
    assert got == [  # 24 − 5 = 19 个 (not whole boxes): in the base unit at 30 / 12
        (cola.pk, D(19), w.unit.pk, D("2.5"), D(10), cola.tax_rate),
        (tea.pk, D(4), w.unit.pk, D("4"), D(0), tea.tax_rate),
    ]
    # lowered in the draft, the link kept; posted: back at the delivery's cost
    lines = list(draft.lines.order_by("line_no"))
    draft = returns.update_sales_return(
        draft, user=w.user, lines=[_as_input(lines[0], qty=D(7)), _as_input(lines[1])]
    )
    assert draft.total_amount == D("31.75")  # 7 × 2.5 × 0.9 + 4 × 4
    posted = _post(w, draft, returns.post_sales_return)
    posted.refresh_from_db()
    assert posted.status == "posted" and posted.cost_amount == D("15.00")  # 7 × 1 + 4 × 2
    assert [x.cost_amount for x in posted.lines.order_by("line_no")] == [D("7.00"), D("8.00")]
    assert _owed(w) == owed - D("31.75")
    assert StockBalance.objects.get(sku=w.cola, warehouse=w.warehouse).on_hand == 30 - 24 + 24 + 12
    cola.refresh_from_db()
    tea.refresh_from_db()
    assert (cola.returned_qty, tea.returned_qty) == (12, 5)

    # what is left comes out whole in the delivery's unit: 1 箱 at the delivery's box price
    last = returns.return_delivery(d, user=w.user)
    x = last.lines.get()
    assert (x.source_line_id, x.qty, x.unit_id, x.price) == (cola.pk, 1, w.box.pk, D("30"))
    _post(w, last, returns.post_sales_return)
    with pytest.raises(NothingToReturn) as e:
        returns.return_delivery(d, user=w.user)
    assert e.value.code == "nothing_to_return" and d.number in str(e.value)
    assert SalesReturn.objects.count() == 3
    assert_ledger_consistent()


def test_a_delivery_not_posted_gives_nothing_to_return(world):
    w = world
    w.receive(w.cola, 10, "1.00")
    draft = deliveries.create_sales_delivery(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=w.cola.pk, qty=D(2), price=D("3"))],
    )  # fmt: skip
    with pytest.raises(DeliveryNotPosted) as e:
        returns.return_delivery(draft, user=w.user)
    assert e.value.code == "delivery_not_posted" and e.value.http_status == 409
    assert not SalesReturn.objects.exists()


def test_a_linked_line_takes_the_deliverys_price_as_it_states_it(world):
    """A delivery priced excl. VAT: its return is too (the credit is what was charged); a
    return linked to it but saying 含税 would credit the price as if VAT were in it."""
    w = world
    w.receive(w.cola, 10, "1.00")
    d = _deliver(
        w,
        LineInput(sku=w.cola.pk, qty=D(10), price=D("2"), tax_rate=D(13)),
        prices_include_tax=False,
    )
    assert d.total_amount == D("22.60")
    draft = returns.return_delivery(d, user=w.user)
    assert not draft.prices_include_tax and draft.total_amount == D("22.60")
    line = draft.lines.get()
    with pytest.raises(ValidationFailed) as e:
        returns.update_sales_return(
            draft, user=w.user, prices_include_tax=True, lines=[_as_input(line)]
        )
    assert d.number in e.value.errors["prices_include_tax"][0]
    with pytest.raises(ValidationFailed) as e:
        returns.create_sales_return(
            user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
            lines=[LineInput(sku=w.cola.pk, qty=D(1), source_line=line.source_line_id)],
        )  # fmt: skip
    assert "prices_include_tax" in e.value.errors
    assert SalesReturn.objects.count() == 1


def test_a_serial_numbered_line_comes_back_with_the_serials_still_out(world):
    from jxc.inventory.choices import MoveReason
    from jxc.inventory.ledger.types import StockLine
    from jxc.inventory.services import record_moves
    from jxc.inventory.testing import LedgerKit

    w = world
    phone = make_sku(
        w.user, "PHONE", w.unit, w.box, retail="900", wholesale="800", tracking="serial"
    )
    record_moves(
        [
            StockLine(
                sku=phone.pk, warehouse=w.warehouse.pk, qty=D(4), reason=MoveReason.PURCHASE_RECEIPT,
                date=w.today, unit_cost=D("500"), serials=("SN1", "SN2", "SN3", "SN4"),
            )
        ],
        source=LedgerKit.ref("test"),
        user=w.user,
    )  # fmt: skip
    d = _deliver(
        w, LineInput(sku=phone.pk, qty=D(3), price=D("800"), serials=("SN1", "SN2", "SN3"))
    )
    line = d.lines.get()
    back = returns.create_sales_return(
        user=w.user, customer=w.customer, warehouse=w.warehouse, date=w.today,
        lines=[LineInput(sku=phone.pk, qty=D(1), source_line=line.pk, serials=("SN2",))],
    )  # fmt: skip
    _post(w, back, returns.post_sales_return)
    draft = returns.return_delivery(d, user=w.user)
    x = draft.lines.get()
    assert (x.qty, x.serials.split(), x.source_line_id) == (2, ["SN1", "SN3"], line.pk)
    posted = _post(w, draft, returns.post_sales_return)
    posted.refresh_from_db()
    assert posted.cost_amount == D("1000.00")
