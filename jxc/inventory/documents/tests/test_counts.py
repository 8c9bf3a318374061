"""盘点单: frozen book, scanning, typing, import, several sheets, variance review, confirm."""

import io
from decimal import Decimal as D

import pytest
from openpyxl import Workbook

from jxc.core.documents.lines import LineInput
from jxc.core.errors import (
    CountOverlap,
    InvalidTransition,
    NotEditable,
    NotOnCountSheet,
    UnknownBarcode,
    ValidationFailed,
)
from jxc.inventory import services as inventory
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.counts import CountScope
from jxc.inventory.documents.models import StockCountLine
from jxc.inventory.documents.selectors import count_review
from jxc.inventory.documents.tests.conftest import TODAY, balances, post, receive
from jxc.inventory.models import StockMove
from jxc.inventory.testing import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def line_of(count, sku):
    return count.lines.get(sku=sku)


def issue(w, sku, qty, wh=None):
    doc = docs.create_stock_document(
        user=w.owner,
        kind="other_issue",
        warehouse=wh or w.zc,
        date=TODAY,
        reason="sample",
        lines=[LineInput(sku=sku.pk, qty=D(qty))],
    )
    return post(doc, w.owner)


def test_scan_count_review_and_confirm(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "2")
    receive(w, w.sku_b, w.zc, 3, "1")
    count = docs.create_stock_count(user=w.keeper, warehouse=w.zc, date=TODAY, blind=True)
    assert count.number == "PDD20261120-0001" and count.blind and count.frozen_move_id > 0
    assert {(x.sku_id, x.book_qty) for x in count.lines.all()} == {
        (w.sku_a.pk, D(10)),
        (w.sku_b.pk, D(3)),
    }
    for _i in range(11):
        docs.scan_barcode(count, user=w.keeper, code="6900000000011")
    line = docs.scan_barcode(count, user=w.keeper, code="6900000000035")
    assert line.counted_qty == D(1)
    assert line_of(count, w.sku_a).counted_qty == D(11)
    docs.scan_barcode(count, user=w.keeper, code="6900000000028")  # a 箱: 12 more
    assert line_of(count, w.sku_a).counted_qty == D(23)
    docs.record_counts(count, user=w.keeper, counts={line_of(count, w.sku_a).pk: D(11)})
    review = count_review(count)
    assert (review.gain_qty, review.loss_qty) == (D(1), D(-2))
    assert (review.gain_value, review.loss_value) == (D("2.00"), D("-2.00"))
    count = post(count, w.keeper)
    assert count.status == "posted"
    b = balances()
    assert b[(w.sku_a.pk, w.zc.pk)][:2] == (D(11), D("22.00"))
    assert b[(w.sku_b.pk, w.zc.pk)][:2] == (D(1), D("1.00"))
    reasons = sorted(
        StockMove.objects.filter(source_kind="stock_count").values_list("reason", "qty")
    )
    assert reasons == [("count_gain", D(1)), ("count_loss", D(-2))]
    with pytest.raises(NotEditable):
        docs.scan_barcode(count, user=w.keeper, code="6900000000011")
    assert_ledger_consistent()


def test_moves_after_the_freeze_stay_correct(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "2")
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    # While the keepers count (they find 9), 3 are issued and 5 received.
    issue(w, w.sku_a, 3)
    receive(w, w.sku_a, w.zc, 5, "2")
    docs.record_counts(count, user=w.owner, counts={line_of(count, w.sku_a).pk: D(9)})
    post(count, w.owner)
    # variance −1 (9 − frozen 10) applied to today's 12 → 11
    assert balances()[(w.sku_a.pk, w.zc.pk)][0] == D(11)
    assert_ledger_consistent()


def test_uncounted_lines_and_reversal(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 10, "2")
    receive(w, w.sku_b, w.zc, 4, "1")
    before = balances()
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    docs.record_counts(count, user=w.owner, counts={line_of(count, w.sku_a).pk: D(8)})
    post(count, w.owner)
    assert balances()[(w.sku_b.pk, w.zc.pk)] == before[(w.sku_b.pk, w.zc.pk)]
    count = docs.reverse_document(count, user=w.owner, reason="重盘", date=TODAY)
    assert balances() == before and count.status == "reversed"
    zeroed = docs.create_stock_count(
        user=w.owner, warehouse=w.zc, date=TODAY, uncounted_as_zero=True
    )
    post(zeroed, w.owner)
    assert balances()[(w.sku_b.pk, w.zc.pk)][0] == 0 and balances()[(w.sku_a.pk, w.zc.pk)][0] == 0
    assert_ledger_consistent()


def test_scope_by_category_and_bins_and_several_sheets(stock_world):
    w = stock_world
    a1 = inventory.create_bin(user=w.owner, warehouse=w.zc, code="A-01")
    b1 = inventory.create_bin(user=w.owner, warehouse=w.zc, code="B-01")
    receive(w, w.sku_a, w.zc, 5, "2", bin=a1.pk)
    receive(w, w.sku_b, w.zc, 3, "1", bin=b1.pk)
    receive(w, w.sku_c, w.zc, 2, "4", batch_number="L1", bin=a1.pk)
    drinks = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY, category=w.drinks)
    assert set(drinks.lines.values_list("sku_id", flat=True)) == {w.sku_a.pk, w.sku_c.pk}
    with pytest.raises(CountOverlap) as exc:
        docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    assert exc.value.code == "count_overlap"
    docs.void_document(drinks, user=w.owner, reason="按货位盘")
    sheets = docs.create_stock_counts(
        user=w.owner,
        date=TODAY,
        scopes=[
            CountScope(warehouse=w.zc, bin_from="A-01", bin_to="A-99"),
            CountScope(warehouse=w.zc, bin_from="B-01", bin_to="B-99"),
        ],
    )
    assert len(sheets) == 2 and sheets[0].group == sheets[1].group == sheets[0].number
    assert {x.sku_id for x in sheets[0].lines.all()} == {w.sku_a.pk, w.sku_c.pk}
    assert [(x.sku_id, x.bin_id) for x in sheets[1].lines.all()] == [(w.sku_b.pk, b1.pk)]
    # A 薯片 found in aisle A is outside that sheet's category? No: outside its bins.
    with pytest.raises(NotOnCountSheet):
        docs.add_count_line(sheets[1], user=w.owner, sku=w.sku_a, bin_id=a1.pk)
    line = docs.add_count_line(sheets[0], user=w.owner, sku=w.sku_b, bin_id=a1.pk)
    assert line.added and line.book_qty == 0
    with pytest.raises(ValidationFailed):
        docs.create_stock_count(user=w.owner, warehouse=w.bj, date=TODAY, bin_from="Z", bin_to="A")


def test_scanning_a_sku_not_on_the_sheet(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 2, "2")
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY, category=w.drinks)
    line = docs.scan_barcode(count, user=w.owner, code="C001")  # by SKU code: in scope
    assert line.added and line.sku_id == w.sku_c.pk and line.counted_qty == 1
    with pytest.raises(NotOnCountSheet) as exc:
        docs.scan_barcode(count, user=w.owner, code="6900000000035")  # 薯片 is a snack
    assert exc.value.code == "not_on_count_sheet"
    with pytest.raises(UnknownBarcode) as exc2:
        docs.scan_barcode(count, user=w.owner, code="nothing")
    assert exc2.value.code == "unknown_barcode"


def test_book_of_a_line_added_later_is_the_frozen_one(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 4, "2")
    receive(w, w.sku_b, w.zc, 2, "1")
    issue(w, w.sku_b, 2)  # 薯片 at 0: not on the sheet
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    assert not count.lines.filter(sku=w.sku_b).exists()
    receive(w, w.sku_b, w.zc, 6, "1")  # after the freeze
    line = docs.scan_barcode(count, user=w.owner, code="6900000000035")
    assert line.book_qty == 0
    docs.record_counts(count, user=w.owner, counts={line.pk: D(1)})
    post(count, w.owner)
    assert balances()[(w.sku_b.pk, w.zc.pk)][0] == D(7)


def test_typed_counts_are_checked(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 4, "2")
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    line = count.lines.get()
    with pytest.raises(ValidationFailed) as exc:
        docs.record_counts(count, user=w.owner, counts={line.pk: D(-1), 99999: D(1)})
    assert {f"lines.{line.pk}.counted_qty", "lines"} <= set(exc.value.errors)
    docs.record_counts(count, user=w.owner, counts={line.pk: D(3)})
    docs.record_counts(count, user=w.owner, counts={line.pk: None})
    line.refresh_from_db()
    assert line.counted_qty is None


def test_confirm_twice_and_void(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 4, "2")
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    docs.record_counts(count, user=w.owner, counts={count.lines.get().pk: D(3)})
    post(count, w.owner)
    before, moves = balances(), StockMove.objects.count()
    with pytest.raises(InvalidTransition):
        docs.post_document(count, user=w.owner)
    assert balances() == before and StockMove.objects.count() == moves
    other = docs.create_stock_count(user=w.owner, warehouse=w.md, date=TODAY, include_zero=True)
    docs.void_document(other, user=w.owner, reason="x")
    assert StockCountLine.objects.filter(count=other).count() == 0


def test_count_header_edit_only_in_draft(stock_world):
    w = stock_world
    receive(w, w.sku_a, w.zc, 1, "2")
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    count = docs.update_stock_count(count, user=w.owner, blind=True, memo="年中盘点")
    assert count.blind and count.memo == "年中盘点"
    docs.submit_document(count, user=w.owner)
    with pytest.raises(NotEditable):
        docs.update_stock_count(count, user=w.owner, memo="x")
    with pytest.raises(NotEditable):
        docs.record_counts(count, user=w.owner, counts={})
    count = docs.unapprove_document(count, user=w.owner)
    assert count.status == "draft"


def test_a_sheet_keeps_its_scope_when_its_header_changes(stock_world):
    """修改盘点单 goes through the platform's update: date, blind, memo change and are
    audited; the scope it was frozen with does not."""
    from jxc.core.models import AuditLog

    w = stock_world
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    with pytest.raises(ValidationFailed) as exc:
        docs.update_stock_count(count, user=w.owner, category=w.drinks, memo="x")
    assert set(exc.value.errors) == {"category"}
    count = docs.update_stock_count(count, user=w.owner, uncounted_as_zero=True, memo="复盘")
    count.refresh_from_db()
    assert (count.category_id, count.uncounted_as_zero, count.memo) == (None, True, "复盘")
    assert AuditLog.objects.filter(object_id=str(count.pk), action="update").exists()
