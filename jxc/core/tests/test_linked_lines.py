"""The declared "linked source line" check (jxc.core.documents.linked) on plain values: the
source lines are given, so no database is read."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from types import SimpleNamespace

import pytest

from jxc.core.documents.lines import LineInput, SkuFacts
from jxc.core.documents.linked import LinkedSource, check_linked, merge_free
from jxc.core.errors import ValidationFailed


class TooMuch(ValidationFailed):
    code = "too_much"


def _take(x, source, factor):
    return dataclasses.replace(x, unit=x.unit or source.unit_id, price=source.price * factor)


LINK = LinkedSource(
    line_model=object,  # type: ignore[arg-type]  # never read: the tests give the lines
    statuses=("approved",),
    partner="customer",
    open_qty=lambda s, ctx: s.base_qty - s.done + ctx,
    context=lambda: Decimal(1),  # one unit of tolerance
    missing="missing",
    mismatch="%(number)s mismatch",
    other_sku="%(number)s other sku",
    too_much="%(left)s of %(number)s line %(line)s (ordered %(ordered)s)",
    over_params=lambda s, _ctx: {"ordered": s.base_qty},
    over_error=TooMuch,
    take=_take,
)
CUSTOMER, OTHER = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
HEADER = {"customer": CUSTOMER, "warehouse": SimpleNamespace(pk=10)}
FACTS = {7: SkuFacts(id=7, label="A", base_unit_id=1, units={1: Decimal(1), 2: Decimal(12)})}


def _source(pk=100, *, status="approved", customer=1, warehouse=10, sku=7, qty="10", done="0"):
    doc = SimpleNamespace(number="SO1", status=status, customer_id=customer, warehouse_id=warehouse)
    return SimpleNamespace(
        pk=pk,
        document=doc,
        sku_id=sku,
        unit_id=1,
        price=Decimal("2.5"),
        line_no=3,
        base_qty=Decimal(qty),
        done=Decimal(done),
    )


def _check(lines, found, link=LINK):
    return check_linked(link, lines, HEADER, facts=FACTS, found=found)


def test_a_linked_line_takes_what_its_source_line_gives_and_free_lines_are_left_apart():
    check = _check(
        [LineInput(sku=7, qty=Decimal(1), unit=2, source_line=100), LineInput(sku=7, qty=1)],
        {100: _source(qty="24")},
    )
    assert check.errors == {} and check.over == {}
    assert check.lines[0].price == Decimal(30)  # per box of 12
    assert check.free == [1] and list(check.sources) == [0]


def test_a_missing_source_line_and_a_required_link_are_refused():
    assert _check([LineInput(sku=7, qty=1, source_line=5)], {}).errors == {
        "lines.0.source_line": ["missing"]
    }
    required = dataclasses.replace(LINK, required=True)
    check = _check([LineInput(sku=7, qty=1)], {}, required)
    assert check.errors == {"lines.0.source_line": ["missing"]} and check.free == []


@pytest.mark.parametrize(
    "source",
    [_source(status="draft"), _source(customer=2), _source(warehouse=11)],
    ids=["status", "partner", "warehouse"],
)
def test_a_source_document_of_another_status_partner_or_warehouse_is_refused(source):
    check = _check([LineInput(sku=7, qty=1, source_line=100)], {100: source})
    assert check.errors == {"lines.0.source_line": ["SO1 mismatch"]}


def test_any_warehouse_when_the_type_declares_none():
    link = dataclasses.replace(LINK, warehouse=None)
    check = _check([LineInput(sku=7, qty=1, source_line=100)], {100: _source(warehouse=11)}, link)
    assert check.errors == {}


def test_another_sku_than_the_source_lines_is_refused():
    check = _check([LineInput(sku=7, qty=1, source_line=100)], {100: _source(sku=8)})
    assert check.errors == {"lines.0.sku": ["SO1 other sku"]}


def test_lines_on_one_source_line_add_up_against_what_is_open():
    # 10 ordered, 4 done, tolerance 1: 7 open; 5 + 2 fit, a third line of 1 does not
    found = {100: _source(done="4")}
    ok = _check([LineInput(sku=7, qty=5, source_line=100)] * 2, found)
    assert ok.over == {"lines.1.qty": ["7 of SO1 line 3 (ordered 10)"]}
    fits = _check(
        [LineInput(sku=7, qty=5, source_line=100), LineInput(sku=7, qty=2, source_line=100)], found
    )
    assert fits.over == {}
    with pytest.raises(TooMuch) as raised:
        LINK.raise_over({"memo": ["x"]}, ok.over)
    assert raised.value.code == "too_much"
    assert set(raised.value.errors) == {"memo", "lines.1.qty"}
    LINK.raise_over({"memo": ["x"]}, fits.over)  # nothing over: nothing raised


def test_free_lines_checked_apart_go_back_in_their_places_with_their_errors():
    lines = [
        LineInput(sku=7, qty=1),
        LineInput(sku=7, qty=1, source_line=100),
        LineInput(sku=7, qty=2),
    ]
    check = _check(lines, {100: _source()})
    priced = [dataclasses.replace(lines[i], price=Decimal(9)) for i in check.free]
    merge_free(check, priced, {"lines.1.price": ["too low"]})
    assert [x.price for x in check.lines] == [Decimal(9), Decimal("2.5"), Decimal(9)]
    assert check.errors == {"lines.2.price": ["too low"]}
