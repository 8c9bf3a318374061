"""Fuzz (hypothesis): random customer files with wrong types, negative or oversized numbers,
unknown choices, missing names, codes twice in the file or taken in the database — every bad
row is named, and the database is unchanged until a valid file is confirmed."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jxc.imports import services
from jxc.imports.tests.conftest import xlsx
from jxc.partners import services as partners
from jxc.partners.models import Customer

pytestmark = pytest.mark.django_db
HEADER = ["编码", "名称", "账期（天）", "客户分层", "信用额度"]
DEFECTS = [
    "none",
    "terms_text",
    "terms_negative",
    "credit_huge",
    "tier_unknown",
    "no_name",
    "code_twice",
    "code_taken",
]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(DEFECTS), min_size=1, max_size=25))
def test_every_bad_customer_row_named_and_nothing_written(owner, defects):
    if not Customer.objects.filter(code="TAKEN").exists():
        partners.create_customer(user=owner, code="TAKEN", name="已有")
    before = Customer.objects.count()
    rows, bad = [HEADER], set()
    defects = ["none", *defects]  # row 2 (F0) is good: the one a repeated code repeats
    for i, defect in enumerate(defects):
        number = i + 2
        row = [f"F{i}", f"客户{i}", 30, "VIP", "1,000"]
        if defect == "terms_text":
            row[2] = "三十"
        elif defect == "terms_negative":
            row[2] = -5
        elif defect == "credit_huge":
            row[4] = "1e20"
        elif defect == "tier_unknown":
            row[3] = "金牌"
        elif defect == "no_name":
            row[1] = None
        elif defect == "code_twice" and i > 0:
            row[0] = "F0"
        elif defect == "code_taken":
            row[0] = "TAKEN"
        if defect != "none" and not (defect == "code_twice" and i == 0):
            bad.add(number)
        rows.append(row)
    batch = services.preview_import("customers", user=owner, data=xlsx(rows))
    assert {p["row"] for p in batch.problems} == bad
    assert Customer.objects.count() == before
    good = [HEADER] + [r for n, r in enumerate(rows[1:], start=2) if n not in bad]
    if len(good) > 1:
        batch = services.preview_import("customers", user=owner, data=xlsx(good))
        assert batch.problems == []
        assert Customer.objects.count() == before
        services.confirm_import(batch, user=owner)
        assert Customer.objects.count() == before + len(good) - 1
        Customer.objects.exclude(code="TAKEN").delete()
