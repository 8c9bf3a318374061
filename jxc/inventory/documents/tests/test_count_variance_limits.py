"""A count typed as 4040 instead of 40 posted a 3,991-unit 盘盈 with no warning (issue 12).
Variances beyond the company's limits (value, share of the book) must be confirmed before
the count posts; the review lists them first."""

from decimal import Decimal as D

import pytest

from jxc.core.errors import LargeVarianceUnconfirmed
from jxc.core.services import update_company
from jxc.inventory.documents import count_rules
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.selectors import large_count_variances
from jxc.inventory.documents.tests.conftest import TODAY, balances, receive

pytestmark = pytest.mark.django_db


def _row(book, counted, value):
    line = count_rules.CountLineValues(
        id=1, sku=1, book=D(book), counted=D(counted), bin=None, batch=None, unit_cost=None
    )
    return count_rules.VarianceRow(
        line=line, variance=D(counted) - D(book), value=None if value is None else D(value)
    )


@pytest.mark.parametrize(
    ("book", "counted", "value", "large"),
    [
        ("40", "4040", "8000.00", True),  # both limits
        ("40", "4040", None, True),  # no cost known: the share alone
        ("40", "39", "-2.00", False),
        ("10", "0", "-20.00", False),  # 100 %: not more than the limit
        ("0", "3", "6.00", False),  # found where the book had none: by value only
        ("0", "3", "1500.00", True),
        ("500", "400", "-1000.01", True),
    ],
)
def test_large_variances_by_value_or_share_of_the_book(book, counted, value, large):
    rows = [_row(book, counted, value)]
    found = count_rules.large_variances(rows, value_limit=D(1000), percent_limit=100)
    assert bool(found) is large
    assert count_rules.large_variances(rows, value_limit=D(0), percent_limit=0) == []


def _counted(w, qty):
    receive(w, w.sku_a, w.zc, 40, "2")
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    line = count.lines.get(sku=w.sku_a)
    docs.record_counts(count, user=w.owner, counts={line.pk: D(qty)})
    return docs.approve_document(docs.submit_document(count, user=w.owner), user=w.owner)


def test_a_count_of_4040_for_40_posts_only_when_confirmed(stock_world):
    w = stock_world
    count = _counted(w, "4040")
    assert [r.variance for r in large_count_variances(count)] == [D(4000)]
    before = balances()
    with pytest.raises(LargeVarianceUnconfirmed) as caught:
        docs.post_stock_count(count, user=w.owner)
    assert caught.value.code == "large_variance_unconfirmed"
    assert "A001" in str(caught.value)
    assert balances() == before
    count = docs.post_stock_count(count, user=w.owner, confirm_large=True)
    assert count.status == "posted"
    assert balances()[(w.sku_a.pk, w.zc.pk)][0] == D(4040)


def test_the_limits_are_company_settings(stock_world):
    w = stock_world
    count = _counted(w, "39")
    update_company(user=w.owner, count_variance_value=D(1), count_variance_percent=1)
    assert large_count_variances(count)  # 1 of 40 is 2.5 %, worth 2.00
    update_company(user=w.owner, count_variance_value=D(0), count_variance_percent=0)
    assert large_count_variances(count) == []
    assert docs.post_stock_count(count, user=w.owner).status == "posted"


def test_a_count_of_one_and_a_half_for_a_whole_unit_names_the_row(stock_world):
    from jxc.core.errors import ValidationFailed

    w = stock_world
    receive(w, w.sku_a, w.zc, 40, "2")
    count = docs.create_stock_count(user=w.owner, warehouse=w.zc, date=TODAY)
    line = count.lines.get(sku=w.sku_a)
    with pytest.raises(ValidationFailed) as caught:
        docs.record_counts(count, user=w.owner, counts={line.pk: D("1.5")})
    (message,) = caught.value.errors[f"lines.{line.pk}.counted_qty"]
    assert f"第 {line.line_no} 行" in message and "A001" in message and "个" in message, message
    line.refresh_from_db()
    assert line.counted_qty is None
