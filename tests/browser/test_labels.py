"""打印标签 in headless Chromium (issue 16 §5): 老板 opens 资料 → 打印标签, finds SKUs by code and by
pinyin initials, types how many labels of each, picks a label size and prints: the new tab
gets a PDF (its bytes start with %PDF) with as many pages as the size and the quantities make —
one page per label on a 40 × 30 mm roll, 24 labels per A4 sheet. A quantity over the limit is
said in Chinese at its SKU and nothing is printed."""

import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from jxc.catalog import services as catalog
from jxc.catalog.rules import UnitSpec
from jxc.core.printing.pdf import MM

pytestmark = pytest.mark.browser


@pytest.fixture
def goods(owner):
    pcs = catalog.create_unit(user=owner, name="个")
    for code, name, barcode, price in (
        ("COLA330", "可口可乐 330ml", "6901234567892", "3.50"),
        ("TEA500", "康师傅 冰红茶 500ml", "", "3.00"),
    ):
        catalog.create_product(
            user=owner,
            code=code,
            name=name,
            base_unit=pcs,
            units=[
                UnitSpec(unit_id=pcs.pk, barcode=barcode, prices={"retail_price": Decimal(price)})
            ],
        )


def _print(page):
    """Click 打印标签: the form opens the PDF in a new tab. Chromium shows a PDF in its viewer
    (the page is the viewer, not the bytes), so the answer is read on its way to the browser:
    the request the form sent goes to the server as it is and comes back unchanged."""
    got = []

    def keep(route):
        response = route.fetch()
        got.append(response)
        route.fulfill(response=response)

    page.context.route("**/catalog/labels/**", keep)
    try:
        with page.context.expect_event(
            "response",
            predicate=lambda r: r.request.method == "POST" and "/catalog/labels/" in r.url,
        ):
            page.get_by_test_id("btn-print-labels").click()
    finally:
        page.context.unroute("**/catalog/labels/**", keep)
    (response,) = [r for r in got if r.headers["content-type"] == "application/pdf"] or got
    assert response.status == 200, response.text()
    assert response.headers["content-type"] == "application/pdf"
    return response.body()


def test_owner_prints_labels_for_chosen_skus_in_two_sizes(page, owner, goods, login):
    login(page, owner.username)
    page.goto("/catalog/labels/")
    expect(page.locator("h1")).to_have_text("打印标签")
    search = page.get_by_test_id("label-search")
    search.locator("input[name=q]").fill("COLA")
    search.get_by_role("button").click()
    expect(page.get_by_test_id("label-skus")).to_contain_text("可口可乐 330ml")
    page.get_by_test_id("qty-COLA330").fill("3")
    page.get_by_label("标签尺寸").select_option("40x30")
    data = _print(page)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 3  # a 40 × 30 mm roll: one label per page
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (40, 30)
    assert "可口可乐 330ml" in reader.pages[0].extract_text()

    # by pinyin initials (康师傅 冰红茶 → ksfbhc), 30 labels on A4 sheets of 3 × 8
    page.goto("/catalog/labels/")
    search.locator("input[name=q]").fill("ksf")
    search.get_by_role("button").click()
    expect(page.get_by_test_id("label-skus")).to_contain_text("康师傅 冰红茶 500ml")
    page.get_by_test_id("qty-TEA500").fill("30")
    page.get_by_label("标签尺寸").select_option("a4-3x8")
    data = _print(page)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2  # 24 + 6
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (210, 297)
    assert "TEA500" in reader.pages[1].extract_text()  # no barcode: its code is printed


def test_a_quantity_over_the_limit_is_said_at_its_sku_and_nothing_printed(
    page, owner, goods, login
):
    login(page, owner.username)
    page.goto("/catalog/labels/?q=COLA")
    page.get_by_test_id("qty-COLA330").fill("5000")
    with page.context.expect_page() as opened:
        page.get_by_test_id("btn-print-labels").click()
    tab = opened.value
    tab.wait_for_load_state()
    errors = tab.get_by_test_id("label-errors")
    expect(errors).to_contain_text("COLA330")
    expect(errors).to_contain_text("1000")
    # the error page keeps what was typed and prints in place once it is fixed
    tab.get_by_test_id("qty-COLA330").fill("2")
    data = _print(tab)
    assert data.startswith(b"%PDF") and len(PdfReader(io.BytesIO(data)).pages) == 2
