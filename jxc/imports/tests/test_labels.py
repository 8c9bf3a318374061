"""打印标签 (issue 16 §5): labels for chosen SKUs or a receipt's lines as a PDF on 40 × 30,
50 × 30 mm rolls or A4 sheets of 3 × 8 — page size, number of labels and pages, the words on
them, the barcode kind; every bad request refused with its reason and nothing printed."""

import io
from decimal import Decimal as D

import pytest
from django.utils import timezone
from pypdf import PdfReader

from jxc.catalog import services as catalog
from jxc.catalog.models import SkuUnit
from jxc.core.documents.lines import LineInput
from jxc.core.errors import NotFound, PermissionDenied, ValidationFailed
from jxc.core.printing.labels import MAX_LABELS, TooManyLabels, barcode_kind
from jxc.core.printing.pdf import MM
from jxc.imports import labels
from jxc.inventory.documents import services as docs
from jxc.purchasing.tests.conftest import shop  # noqa: F401
from jxc.purchasing.tests.helpers import approved_order, posted_receipt

pytestmark = pytest.mark.django_db

COLA_EAN = "6901234567892"


@pytest.fixture
def goods(shop):  # noqa: F811
    """可乐 with an EAN-13 on its 个 and prices; 茶 with no barcode (its code goes on the label)."""
    base = SkuUnit.objects.get(sku=shop.cola, is_base=True)
    catalog.add_barcode(shop.cola, user=shop.user, code=COLA_EAN, sku_unit=base)
    SkuUnit.objects.filter(sku=shop.cola, is_base=True).update(
        retail_price=D("3.5"), member_price=D("3.2")
    )
    return shop


def pdf(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF")
    return PdfReader(io.BytesIO(data))


def size_mm(page) -> tuple[float, float]:
    return round(float(page.mediabox.width) / MM, 1), round(float(page.mediabox.height) / MM, 1)


def test_a_40x30_roll_has_one_page_per_label_with_name_variant_price_and_code(goods):
    reader = pdf(
        labels.sku_labels_pdf([(goods.cola.pk, 3), (goods.tea.pk, 2)], user=goods.user, qr=True)
    )
    assert len(reader.pages) == 5
    assert {size_mm(p) for p in reader.pages} == {(40.0, 30.0)}
    first, last = reader.pages[0].extract_text(), reader.pages[4].extract_text()
    assert "商品COLA" in first and "¥3.50" in first and "901234" in first
    assert "商品TEA" in last and "TEA" in last and "¥0.00" in last


def test_a_50x30_roll_and_the_member_price_or_none(goods):
    reader = pdf(
        labels.sku_labels_pdf(
            [(goods.cola.pk, 2)], user=goods.user, size="50x30", price="member_price"
        )
    )
    assert len(reader.pages) == 2 and size_mm(reader.pages[0]) == (50.0, 30.0)
    assert "¥3.20" in reader.pages[0].extract_text()
    bare = pdf(labels.sku_labels_pdf([(goods.cola.pk, 1)], user=goods.user, price="none"))
    assert "¥" not in bare.pages[0].extract_text()


def test_an_a4_sheet_holds_24_labels(goods):
    reader = pdf(labels.sku_labels_pdf([(goods.cola.pk, 25)], user=goods.user, size="a4-3x8"))
    assert len(reader.pages) == 2 and size_mm(reader.pages[0]) == (210.0, 297.0)
    assert reader.pages[0].extract_text().count("商品COLA") == 24
    assert reader.pages[1].extract_text().count("商品COLA") == 1


@pytest.mark.parametrize(
    "items,field",
    [
        ([(1, 0)], "items.0.qty"),
        ([(1, -2)], "items.0.qty"),
        ([(1, 1001)], "items.0.qty"),
        ([(1, "3")], "items.0.qty"),
        ([(1, 1), (999_999, 1)], "items.1.sku_id"),
        ([], "items"),
    ],
)
def test_bad_quantities_and_unknown_skus_are_named(goods, items, field):
    items = [(goods.cola.pk if s == 1 else s, q) for s, q in items]
    with pytest.raises(ValidationFailed) as exc:
        labels.sku_labels_pdf(items, user=goods.user)
    assert exc.value.code == "validation_failed" and field in exc.value.errors


def test_more_labels_than_a_pdf_holds_is_refused(goods):
    items = [(goods.cola.pk, 1000), (goods.tea.pk, 1000), (goods.cola.pk, 1)]
    with pytest.raises(TooManyLabels) as exc:
        labels.sku_labels_pdf(items, user=goods.user)
    assert exc.value.code == "too_many_labels" and str(MAX_LABELS) in str(exc.value)


def test_a_bad_size_or_price_is_refused(goods):
    with pytest.raises(ValidationFailed) as exc:
        labels.sku_labels_pdf(
            [(goods.cola.pk, 1)], user=goods.user, size="A5", price="purchase_price"
        )
    assert set(exc.value.errors) == {"size", "price"}


def test_a_purchase_receipt_gives_one_label_per_unit_received_or_per_line(goods):
    order = approved_order(
        goods,
        [
            LineInput(sku=goods.cola.pk, qty=D(2), unit=goods.box.pk, price=D("30")),
            LineInput(sku=goods.tea.pk, qty=D(3), price=D("2")),
        ],
    )
    receipt = posted_receipt(goods, order, qty=D(2))  # 2 in the order's unit (箱)
    per_unit = pdf(labels.document_labels_pdf("purchase_receipt", receipt.pk, user=goods.user))
    assert len(per_unit.pages) == 24 + 3  # 2 箱 of 12 可乐, 3 茶
    assert "商品COLA" in per_unit.pages[0].extract_text()
    assert "商品TEA" in per_unit.pages[26].extract_text()
    per_line = pdf(
        labels.document_labels_pdf(
            "purchase_receipt", receipt.pk, user=goods.user, per="line", size="a4-3x8"
        )
    )
    assert len(per_line.pages) == 1
    text = per_line.pages[0].extract_text()
    assert text.count("商品COLA") == 1 and text.count("商品TEA") == 1


def test_an_other_receipt_gives_labels_and_other_documents_do_not(goods):
    doc = docs.create_stock_document(
        user=goods.user,
        kind="other_receipt",
        warehouse=goods.warehouse,
        date=timezone.localdate(),
        reason="gift",
        lines=[LineInput(sku=goods.tea.pk, qty=D(2))],
    )
    reader = pdf(labels.document_labels_pdf("other_receipt", doc.pk, user=goods.user))
    assert len(reader.pages) == 2
    with pytest.raises(NotFound):
        labels.document_labels_pdf("other_issue", doc.pk, user=goods.user)
    with pytest.raises(NotFound):
        labels.document_labels_pdf("other_receipt", doc.pk + 999, user=goods.user)


def test_the_document_types_that_print_labels_are_declared_once(client_for, goods):
    """One mechanism: a document type declares the line field its labels count
    (``DocumentType.labels``); the API's list of types is that set."""
    from django.apps import apps

    from jxc.core.documents.models import Document

    declared = {
        m.DOC_TYPE: m.LABEL_QTY
        for m in apps.get_models()
        if issubclass(m, Document) and m.LABEL_QTY
    }
    assert declared == {
        "purchase_receipt": "base_qty",
        "other_receipt": "base_qty",
        "opening_stock": "base_qty",
        "transfer": "base_qty",
        "stock_count": "counted_qty",
    }
    schema = client_for(goods.user).get("/api/v1/openapi.json").json()
    params = schema["paths"]["/api/v1/documents/{doc_type}/{id}/labels/pdf"]["get"]["parameters"]
    (doc_type,) = [p for p in params if p["name"] == "doc_type"]
    assert set(doc_type["schema"]["enum"]) == set(declared)  # the API offers exactly these
    for doc_type in ("other_issue", "sales_delivery", "purchase_order", "nonsense"):
        with pytest.raises(NotFound):
            labels.label_model(doc_type)


def test_a_transfer_gives_labels_for_the_goods_moved(goods, user_factory):
    from jxc.inventory.services import create_warehouse

    store = create_warehouse(user=goods.user, code="MD1", name="门店")
    transfer = docs.create_transfer(
        user=goods.user,
        from_warehouse=goods.warehouse,
        to_warehouse=store,
        date=timezone.localdate(),
        lines=[
            LineInput(sku=goods.cola.pk, qty=D(1), unit=goods.box.pk),
            LineInput(sku=goods.tea.pk, qty=D(3)),
        ],
    )
    reader = pdf(labels.document_labels_pdf("transfer", transfer.pk, user=goods.user))
    assert len(reader.pages) == 12 + 3  # 1 箱 of 12 可乐, 3 茶
    assert "商品COLA" in reader.pages[0].extract_text()
    assert "¥3.50" in reader.pages[0].extract_text()
    # a keeper of neither warehouse does not see it
    keeper = user_factory(roles=["keeper"])
    assert len(pdf(labels.document_labels_pdf("transfer", transfer.pk, user=keeper)).pages)
    keeper.all_warehouses = False
    keeper.save()
    keeper.scoped_warehouses.set([create_warehouse(user=goods.user, code="BJ", name="北京仓")])
    with pytest.raises(NotFound):
        labels.document_labels_pdf("transfer", transfer.pk, user=keeper)
    keeper.scoped_warehouses.set([store])  # the receiving store's keeper prints its tags
    assert len(pdf(labels.document_labels_pdf("transfer", transfer.pk, user=keeper)).pages)


def test_a_count_gives_labels_for_what_was_counted(goods):
    from jxc.inventory.documents.tests.conftest import TODAY, post

    other = docs.create_stock_document(
        user=goods.user,
        kind="opening_stock",
        warehouse=goods.warehouse,
        date=TODAY,
        lines=[
            LineInput(sku=goods.cola.pk, qty=D(5), price=D(2)),
            LineInput(sku=goods.tea.pk, qty=D(4), price=D(1)),
        ],
    )
    # the opening stock itself: a shop tags its whole stock at go-live
    assert (
        len(pdf(labels.document_labels_pdf("opening_stock", other.pk, user=goods.user)).pages) == 9
    )
    post(other, goods.user)
    count = docs.create_stock_count(user=goods.user, warehouse=goods.warehouse, date=TODAY)
    cola = count.lines.get(sku=goods.cola)
    docs.record_counts(count, user=goods.user, counts={cola.pk: D(2)})
    reader = pdf(labels.document_labels_pdf("stock_count", count.pk, user=goods.user))
    assert len(reader.pages) == 2  # 茶 not counted yet: no label
    per_line = pdf(labels.document_labels_pdf("stock_count", count.pk, user=goods.user, per="line"))
    assert len(per_line.pages) == 2  # every line of the sheet
    tea = count.lines.get(sku=goods.tea)
    docs.record_counts(count, user=goods.user, counts={cola.pk: None, tea.pk: D(0)})
    with pytest.raises(ValidationFailed) as exc:
        labels.document_labels_pdf("stock_count", count.pk, user=goods.user)
    assert "per" in exc.value.errors


def test_labels_need_the_permissions(goods, user_factory):
    cashier = user_factory(roles=["cashier"])
    with pytest.raises(PermissionDenied):
        labels.document_labels_pdf("purchase_receipt", 1, user=cashier)


@pytest.mark.parametrize(
    "code,kind",
    [
        (COLA_EAN, "EAN13"),
        ("6901234567893", "Code128"),  # wrong check digit: not an EAN-13
        ("TS-01", "Code128"),
        ("条码", None),
        ("", None),
    ],
)
def test_the_barcode_kind_follows_the_code(code, kind):
    assert barcode_kind(code) == kind


# --- the API -----------------------------------------------------------------------------------


def test_labels_through_the_api(goods, client_for):
    client = client_for(goods.user)
    r = client.post(
        "/api/v1/labels/pdf",
        {"items": [{"sku_id": goods.cola.pk, "qty": 2}], "size": "50x30", "qr": True},
        content_type="application/json",
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert len(pdf(r.content).pages) == 2
    bad = client.post(
        "/api/v1/labels/pdf",
        {"items": [{"sku_id": goods.cola.pk, "qty": 0}, {"sku_id": 987654, "qty": 1}]},
        content_type="application/json",
    )
    body = bad.json()
    assert bad.status_code == 422 and body["code"] == "validation_failed"
    assert {"items.0.qty", "items.1.sku_id"} <= set(body["params"]["errors"])
    many = client.post(
        "/api/v1/labels/pdf",
        {"items": [{"sku_id": goods.cola.pk, "qty": 1000}] * 3},
        content_type="application/json",
    )
    assert many.status_code == 422 and many.json()["code"] == "too_many_labels"
    wrong = client.post(
        "/api/v1/labels/pdf",
        {"items": [{"sku_id": goods.cola.pk, "qty": 1}], "size": "A5"},
        content_type="application/json",
    )
    assert wrong.status_code == 422


def test_receipt_labels_through_the_api(goods, client_for, user_factory):
    order = approved_order(goods, [LineInput(sku=goods.tea.pk, qty=D(3), price=D("2"))])
    receipt = posted_receipt(goods, order)
    client = client_for(goods.user)
    url = f"/api/v1/documents/purchase_receipt/{receipt.pk}/labels/pdf"
    r = client.get(url, {"per": "line", "size": "a4-3x8"})
    assert r.status_code == 200 and len(pdf(r.content).pages) == 1
    assert len(pdf(client.get(url).content).pages) == 3
    assert client.get(url.replace(str(receipt.pk), str(receipt.pk + 99))).status_code == 404
    assert client.get(url, {"per": "box"}).status_code == 422
    cashier = client_for(user_factory(roles=["cashier"]))
    assert cashier.get(url).status_code == 403
