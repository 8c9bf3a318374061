"""The cost crawler's machinery (tests/test_cost_crawler.py uses it).

``build_shop`` makes a small shop through the real services with unit costs no other figure
has (7.3791, 11.4137 …), so every value derived from them is recognisable; ``Figures`` is
every cost figure of that shop (each model field marked COST, the count reviews' values,
the unit costs the reports derive) as text and as numbers; ``Crawl`` walks the API, the
screens and the exports as one user and records what it found.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from jxc.approvals import configuration
from jxc.approvals.models import ApprovalRequest
from jxc.catalog import services as catalog
from jxc.catalog.models import Barcode, Sku
from jxc.catalog.rules import UnitSpec
from jxc.core.documents.actions import approve, submit
from jxc.core.documents.lines import LineInput
from jxc.core.models import Role
from jxc.core.services import update_company
from jxc.core.visibility import COST, SCHEMA_KEY, marked_fields
from jxc.finance import payments as supplier_payments
from jxc.finance import services as finance
from jxc.imports import registry as import_registry
from jxc.imports import workbook as import_workbook
from jxc.imports.models import ImportBatch
from jxc.inventory import services as inventory
from jxc.inventory.documents import selectors as doc_selectors
from jxc.inventory.documents import services as docs
from jxc.inventory.documents.models import StockCount
from jxc.inventory.models import StockBalance
from jxc.loans import services as loans
from jxc.loans.models import LoanIn, LoanOut
from jxc.partners import services as partners
from jxc.partners.models import Customer
from jxc.purchasing import invoices as purchase_invoices
from jxc.purchasing import landed_costs, requisitions
from jxc.purchasing import receipts as purchase_receipts
from jxc.purchasing import returns as purchase_returns
from jxc.purchasing import services as purchasing
from jxc.purchasing.models import SupplierPrice
from jxc.sales import deliveries, picking
from jxc.sales import invoices as sales_invoices
from jxc.sales import orders as sales_orders
from jxc.sales import returns as sales_returns
from jxc.web.menu import MENU

D = Decimal
API = "/api/v1"

# The blind draft: its only SKU has this book quantity and is counted at COUNTED.
BLIND_BOOK = D(173)
BLIND_COUNTED = D(50)


# --- the shop ---------------------------------------------------------------------------------


def _post(doc, user):
    doc = docs.submit_document(doc, user=user)
    doc = docs.approve_document(doc, user=user)
    return docs.post_document(doc, user=user)


def _doc(owner, kind, warehouse, lines, reason="other"):
    return docs.create_stock_document(
        user=owner,
        kind=kind,
        warehouse=warehouse,
        date=timezone.localdate(),
        reason=reason if kind in ("other_receipt", "other_issue") else "",
        lines=lines,
    )


def build_shop(owner) -> dict[str, Any]:
    """Every kind of stock document, posted or in progress, with distinctive unit costs
    (four places: the company keeps four)."""
    update_company(user=owner, price_decimals=4)
    today = timezone.localdate()
    pcs = catalog.create_unit(user=owner, name="个")
    box = catalog.create_unit(user=owner, name="箱")
    drinks = catalog.create_category(user=owner, code="YL", name="饮料")

    def product(code, name, price, barcode, **kw):
        return catalog.create_product(
            user=owner,
            code=code,
            name=name,
            base_unit=pcs,
            category=drinks,
            units=[
                UnitSpec(
                    unit_id=pcs.pk,
                    barcode=barcode,
                    prices={"purchase_price": D(price), "retail_price": D("19.9")},
                )
            ],
            **kw,
        ).skus.get()

    a = product("A001", "可口可乐", "7.3791", "6900000000011")
    b = product("B001", "薯片", "11.4137", "6900000000035")
    c = product("C001", "牛奶", "3.0917", "6900000000042", tracking="batch")
    e = product("E001", "大米", "4.5123", "6900000000059")
    soy = product("P001", "酱油", "6.2417", "6900000000073")  # bought only (采购), below
    kit = product("K001", "礼盒", "0", "6900000000066")
    catalog.update_sku_units(  # an audited change of a reference purchase price
        a,
        user=owner,
        units=[
            UnitSpec(
                unit_id=pcs.pk,
                barcode="6900000000011",
                prices={"purchase_price": D("7.4126"), "retail_price": D("19.9")},
            ),
            UnitSpec(unit_id=box.pk, factor=D(12), barcode="6900000000028"),
        ],
    )
    catalog.create_brand(user=owner, name="可口")
    supplier = partners.create_supplier(user=owner, code="S01", name="杭州饮料")
    partners.create_contact(user=owner, partner=supplier, name="王经理")
    customer = partners.create_customer(user=owner, code="C01", name="西湖超市")
    partners.create_contact(user=owner, partner=customer, name="李店长")
    finance.create_account(user=owner, code="XJ", name="现金", kind="cash")
    zc = inventory.create_warehouse(user=owner, code="ZC", name="总仓")
    md = inventory.create_warehouse(user=owner, code="MD", name="门店仓")
    bj = inventory.create_warehouse(user=owner, code="BJ", name="北京仓")
    inventory.create_bin(user=owner, warehouse=zc, code="A-01")
    inventory.set_stock_limit(user=owner, sku=a, warehouse=zc, min_qty=D(500), max_qty=None)

    _post(
        _doc(
            owner,
            "other_receipt",
            zc,
            [
                LineInput(sku=a.pk, qty=D(23), price=D("7.3791")),
                LineInput(sku=b.pk, qty=D(41), price=D("11.4137")),
                LineInput(sku=c.pk, qty=D(17), price=D("3.0917"), batch_number="L2611"),
            ],
        ),
        owner,
    )
    _post(
        _doc(owner, "opening_stock", md, [LineInput(sku=b.pk, qty=D(9), price=D("12.6829"))]), owner
    )
    _post(
        _doc(owner, "other_receipt", bj, [LineInput(sku=e.pk, qty=BLIND_BOOK, price=D("4.5123"))]),
        owner,
    )
    _post(
        _doc(owner, "other_issue", zc, [LineInput(sku=a.pk, qty=D(5))], reason="internal_use"),
        owner,
    )
    _post(_doc(owner, "cost_adjustment", zc, [LineInput(sku=b.pk, price=D("12.8363"))]), owner)
    _doc(owner, "other_receipt", md, [LineInput(sku=a.pk, qty=D(3), price=D("8.1547"))])  # draft
    transfer = docs.create_transfer(
        user=owner, from_warehouse=zc, to_warehouse=md, date=today,
        lines=[LineInput(sku=a.pk, qty=D(6))],
    )  # fmt: skip
    transfer = _post(transfer, owner)
    docs.receive_transfer(transfer, user=owner, quantities={transfer.lines.get().pk: D(4)})
    docs.set_kit(user=owner, sku=kit, components=[(a.pk, D(2)), (b.pk, D(1))])
    assembly = docs.create_assembly(
        user=owner, kind="assembly", warehouse=zc, date=today, kit_sku=kit, qty=D(3)
    )
    _post(assembly, owner)
    # 借出单 partly returned, 借入单 posted: every GET of a declared document type is crawled.
    customer = partners.create_customer(user=owner, code="KH-LOAN", name="借用客户")
    supplier = partners.create_supplier(user=owner, code="GYS-LOAN", name="出借供应商")
    for model, sku, partner in (
        (LoanOut, c, {"customer": customer}),  # from 总仓's batch L2611
        (LoanIn, a, {"supplier": supplier}),  # not in our stock: no figure changes
    ):
        loan = loans.create_loan(
            model, user=owner, warehouse=zc, date=today, lines=[LineInput(sku=sku.pk, qty=D(2))],
            **partner,
        )  # fmt: skip
        loan = loans.post_loan(approve(submit(loan, user=owner), user=owner), user=owner)
        loans.return_loan(loan, user=owner, quantities={loan.lines.get().pk: D(1)})
    # 采购: a price list row, an approved order and its posted receipt (prices, amounts and
    # unit costs are cost figures), in a warehouse and of a SKU nothing else here touches.
    cg = inventory.create_warehouse(user=owner, code="CG", name="采购仓")
    purchasing.create_supplier_price(
        user=owner, supplier=supplier, sku=soy, unit=pcs, price=D("11.6251"), valid_from=today
    )
    order = purchasing.create_purchase_order(
        user=owner, supplier=supplier, warehouse=cg, date=today,
        lines=[LineInput(sku=soy.pk, qty=D(7)), LineInput(sku=soy.pk, qty=D(3), price=D("7.5337"))],
    )  # fmt: skip
    order = purchasing.approve_purchase_order(submit(order, user=owner), user=owner)
    receipt = purchase_receipts.receive_orders([order], user=owner, date=today)
    receipt = purchase_receipts.post_purchase_receipt(
        approve(submit(receipt, user=owner), user=owner), user=owner
    )
    # 采购退货: one back against the receipt (credit, stock cost and variance are cost figures)
    back = purchase_returns.return_receipt(receipt, user=owner, date=today)
    purchase_returns.post_purchase_return(approve(submit(back, user=owner), user=owner), user=owner)
    # 费用分摊: freight spread over the receipt (amounts and shares are cost figures)
    charge = landed_costs.allocate_to_receipts(
        [receipt], user=owner, date=today, amount=D("3.77"), tax_amount=D(0)
    )
    landed_costs.post_landed_cost(approve(submit(charge, user=owner), user=owner), user=owner)
    # 进项发票: the receipt billed but not the return, registered: the three-way match lists
    # its order lines as 未到货 (order prices and amounts are cost figures)
    bill = purchase_invoices.invoice_from(
        user=owner, receipts=[receipt], invoice_number="CRAWL-1", date=today
    )
    purchase_invoices.post_purchase_invoice(
        approve(purchase_invoices.submit_purchase_invoice(bill, user=owner), user=owner),
        user=owner,
    )
    bank = finance.create_account(user=owner, code="YH-CG", name="采购付款户", kind="bank")
    supplier_payments.record_supplier_payment(
        user=owner, supplier=supplier, account=bank, amount=D(50), date=today
    )

    # 采购申请: a draft for 酱油 (the suggested supplier's quote is a cost figure)
    requisitions.create_requisition(
        user=owner, warehouse=cg, date=today, lines=[LineInput(sku=soy.pk, qty=D(5))]
    )
    # 销售: a quotation turned into an order, approved (reserved), picked by FEFO, delivered in
    # part, one unit back and the customer's payment, in a warehouse nothing else touches:
    # the deliveries' and the return's costs and margins are cost figures.
    tea = product("T001", "茶叶", "5.8317", "6900000000080")
    xs = inventory.create_warehouse(user=owner, code="XS", name="销售仓")
    _post(
        _doc(owner, "other_receipt", xs, [LineInput(sku=tea.pk, qty=D(8), price=D("5.8317"))]),
        owner,
    )
    buyer = partners.create_customer(user=owner, code="C02", name="孤山便利店")
    quote = sales_orders.create_quotation(
        user=owner, customer=buyer, warehouse=xs, date=today,
        lines=[LineInput(sku=tea.pk, qty=D(5), price=D("19.9"))],
    )  # fmt: skip
    order = sales_orders.order_from_quotation(
        approve(submit(quote, user=owner), user=owner), user=owner
    )
    order = sales_orders.approve_sales_order(
        sales_orders.submit_sales_order(order, user=owner), user=owner
    )
    approve(picking.create_pick_list([order], user=owner), user=owner)
    delivery = deliveries.create_sales_delivery(
        user=owner, customer=buyer, warehouse=xs, date=today,
        lines=[LineInput(sku=tea.pk, qty=D(3), source_line=order.lines.get().pk)],
    )  # fmt: skip
    delivery = deliveries.post_sales_delivery(
        approve(submit(delivery, user=owner), user=owner), user=owner
    )
    back = sales_returns.create_sales_return(
        user=owner, customer=buyer, warehouse=xs, date=today,
        lines=[LineInput(sku=tea.pk, qty=D(1), source_line=delivery.lines.get().pk)],
    )  # fmt: skip
    sales_returns.post_sales_return(approve(submit(back, user=owner), user=owner), user=owner)
    # 销项发票 for part of the delivery: its record, and the rest on the 未开票 list
    sales_invoices.record_sales_invoice(
        user=owner, customer=buyer, date=today, invoice_number="04400001",
        net_amount=D("30.00"), tax_amount=D("3.90"), deliveries=[delivery.pk],
    )  # fmt: skip
    supplier_payments.record_customer_payment(
        user=owner, customer=buyer, account=bank, amount=D(20), date=today
    )

    def count(warehouse, counted, *, blind=False, post=False):
        (sheet,) = docs.create_stock_counts(
            user=owner, date=today, scopes=[docs.CountScope(warehouse=warehouse)], blind=blind
        )
        lines = {x.sku_id: x.pk for x in sheet.lines.all()}
        docs.record_counts(sheet, user=owner, counts={lines[s.pk]: q for s, q in counted.items()})
        return _post(sheet, owner) if post else sheet

    count(md, {b: D(7), a: D(5)}, post=True)  # 盘亏 2 of B, 盘盈 1 of A, posted
    count(zc, {a: D(1), b: D(29)})  # a draft with differences: its review values them
    blind = count(bj, {e: BLIND_COUNTED}, blind=True)
    # 审批: a rule (成本调整单 always needs the owner) and a 成本调整单 waiting on it, made
    # last so the documents above went straight through: its request and summary are crawled.
    configuration.save_rule(
        user=owner,
        fields={"name": "成本调整", "doc_type": "cost_adjustment", "priority": 10},
        steps=[{"role": Role.objects.get(code="owner"), "users": [], "mode": "any"}],
    )
    waiting = _doc(owner, "cost_adjustment", zc, [LineInput(sku=a.pk, price=D("9.6217"))])
    submit(waiting, user=owner)
    return {"owner": owner, "blind": blind, "skus": [a, b, c, e, kit], "warehouses": [zc, md, bj]}


# --- the figures to look for ----------------------------------------------------------------


def _distinctive(value: Decimal) -> bool:
    """Non-integer with at least four digits: will not turn up by chance as an id or a count."""
    v = abs(value)
    if v == v.to_integral_value():
        return False
    return len(format(v.normalize(), "f").replace(".", "").lstrip("0")) >= 4


@dataclass
class Figures:
    values: set[Decimal] = field(default_factory=set)
    pattern: re.Pattern | None = None

    @classmethod
    def of_shop(cls) -> Figures:
        found: set[Decimal] = set()
        plain: set[Decimal] = set()  # figures nobody hides (quantities, selling prices)
        for model in apps.get_models():
            if not model.__module__.startswith("jxc."):
                continue
            cost = set(marked_fields(model, COST))
            for f in model._meta.concrete_fields:
                if f.get_internal_type() != "DecimalField":
                    continue
                values = {v for v in model.objects.values_list(f.name, flat=True) if v is not None}
                (found if f.name in cost else plain).update(abs(v) for v in values)
        for count in StockCount.objects.all():
            review = doc_selectors.count_review(count)
            found |= {abs(review.gain_value), abs(review.loss_value), abs(review.net_value)}
            found |= {abs(r.value) for r in review.rows if r.value is not None}
        for b in StockBalance.objects.exclude(on_hand=0):
            found.add(abs(b.value / b.on_hand))  # the unit cost a report shows
        shown: set[Decimal] = set()
        for v in found:
            for places in (None, 2, 4):
                x = v if places is None else v.quantize(D(1).scaleb(-places))
                if _distinctive(x) and x not in plain:
                    shown.add(x.normalize())
        return cls(values=shown, pattern=_pattern(shown))

    def in_text(self, text: str) -> list[str]:
        assert self.pattern is not None
        text = _TIMESTAMP.sub(" ", text)  # 20:01:34.98Z is a clock, not the figure 34.98
        return sorted({m.group(1) for m in self.pattern.finditer(text)})

    def in_number(self, number: Any) -> bool:
        if isinstance(number, bool) or not isinstance(number, int | float | Decimal):
            return False
        x = abs(D(str(number)))
        return any(abs(x - v) < D("0.000001") for v in self.values)


# A time of day as answers and pages print it (ISO or not): its seconds may read as a figure.
_TIMESTAMP = re.compile(r"\d{1,2}:\d{2}:\d{2}(?:\.\d+)?")


def _pattern(values: set[Decimal]) -> re.Pattern:
    texts: set[str] = set()
    for v in values:
        text = format(v, "f")
        texts.add(re.escape(text))
        whole, _sep, frac = text.partition(".")
        if len(whole) > 3:  # 1,254.45 on screens
            texts.add(re.escape(f"{int(whole):,}" + (f".{frac}" if frac else "")))
    return re.compile(
        r"(?<![\d.,])(" + "|".join(sorted(texts, key=len, reverse=True)) + r")0*(?!\d)"
    )


# --- the crawl ------------------------------------------------------------------------------


@dataclass
class Crawl:
    """What one user's walk found: ``leaks`` (where → what), and what it covered."""

    user: Any
    figures: Figures
    blind: StockCount
    client: Client = field(init=False)
    leaks: list[str] = field(default_factory=list)
    api_ok: set[str] = field(default_factory=set)  # operations answered 200
    pages: set[str] = field(default_factory=set)
    exports: set[str] = field(default_factory=set)
    pdfs: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.client = Client()
        self.client.force_login(self.user)

    def _blind_path(self, path: str) -> bool:
        return re.search(rf"/stock-counts/{self.blind.pk}(/|$)", path) is not None

    def _scan(self, where: str, text: str) -> None:
        hits = self.figures.in_text(text)
        if hits:
            self.leaks.append(f"{where}: cost figures {hits}")
        if self._blind_path(where):
            for qty in (BLIND_BOOK, BLIND_COUNTED - BLIND_BOOK):
                if re.search(rf"(?<![\d.,]){abs(qty)}(\.0+)?(?![\d])", _visible_text(text)):
                    self.leaks.append(f"{where}: a blind count's book figure {qty}")

    # API -----------------------------------------------------------------------------------

    def api(self, openapi: dict, calls: list[tuple[str, str, dict]]) -> None:
        """``calls``: (operation path template, concrete path, query) to make."""
        schemas = openapi["components"]["schemas"]
        for template, path, query in calls:
            response = self.client.get(path, query)
            where = (
                f"GET {path}{'?' + '&'.join(f'{k}={v}' for k, v in query.items()) if query else ''}"
            )
            if response.status_code >= 500:
                self.leaks.append(f"{where}: server error {response.status_code}")
            if response.status_code != 200:
                continue
            self.api_ok.add(template)
            if response["Content-Type"].startswith(import_workbook.XLSX):
                self._workbook(where, response.content)  # a template or an errors copy
                continue
            body = response.content.decode()
            self._scan(where, body)
            op = openapi["paths"][template]["get"]
            schema = op["responses"]["200"]["content"]["application/json"]["schema"]
            blind = self._blind_path(path)
            for problem in _marked(json.loads(body), schema, schemas, blind=blind):
                self.leaks.append(f"{where}: {problem}")

    # screens and exports ---------------------------------------------------------------------

    def screens(self, *, limit: int = 400, per_pattern: int = 4) -> None:
        """Every menu screen, then the pages and exports they link to (details, prints,
        reviews, count pages, forms), breadth first; at most ``per_pattern`` pages of one URL
        shape (``/inventory/moves/<id>/``): more rows of one kind show nothing new."""
        queue: deque[str] = deque()
        for module in MENU:
            for item in module.items:
                if item.perm and not self.user.has_jxc_perm(item.perm):
                    continue  # not in this user's menu (the screen answers 403)
                try:
                    queue.append(reverse(item.url_name))
                except NoReverseMatch:
                    continue
        seen = set(queue)
        shapes: dict[str, int] = {}
        while queue and len(self.pages) < limit:
            url = queue.popleft()
            response = self.client.get(url)
            if response.status_code >= 500:
                self.leaks.append(f"GET {url}: server error {response.status_code}")
            if response.status_code != 200:
                continue
            kind = response.get("Content-Type", "")
            if "spreadsheetml" in kind:
                self.exports.add(url)
                self._workbook(url, response.content)
                continue
            if "application/pdf" in kind:
                self.pdfs.add(url)
                self._scan(f"PDF {url}", _pdf_text(response.content))
                continue
            if "html" not in kind:
                continue
            self.pages.add(url)
            text = response.content.decode()
            self._scan(f"GET {url}", text)
            for link in _links(text):
                shape = re.sub(r"/\d+/", "/<id>/", link)
                if link in seen or shapes.get(shape, 0) >= per_pattern:
                    continue
                seen.add(link)
                shapes[shape] = shapes.get(shape, 0) + 1
                queue.append(link)

    def _workbook(self, url: str, content: bytes) -> None:
        book = load_workbook(io.BytesIO(content), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    if self.figures.in_number(value):
                        self.leaks.append(f"export {url}: cost figure {value}")
                    elif isinstance(value, str) and self.figures.in_text(value):
                        self.leaks.append(f"export {url}: cost figure in {value!r}")


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


_SKIP = ("/static/", "/api/", "/i18n/", "/logout", "/accounts/logout", "/media/", "/admin/")


def _links(text: str) -> list[str]:
    out = []
    for raw in re.findall(r'(?:href|hx-get)="([^"#]+)"', text):
        url = html.unescape(raw)
        if not url.startswith("/") or url.startswith(_SKIP):
            continue
        parts = urlsplit(url)
        # Sorting, filtering and paging give the same rows again; an export keeps its query.
        keep_query = "export" in url
        out.append(parts.path + (f"?{parts.query}" if keep_query and parts.query else ""))
    return out


def _visible_text(page: str) -> str:
    """A page without its tags, scripts and attributes (ids and tokens are not figures)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def _resolve(schema: dict, schemas: dict) -> dict:
    while "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _marked(data: Any, schema: dict, schemas: dict, *, blind: bool, at: str = "") -> list[str]:
    """Fields the OpenAPI document marks hidden that came back anyway: a COST field present,
    or a BOOK field not null while the count is blind and being counted."""
    schema = _resolve(schema, schemas)
    problems: list[str] = []
    for variant in schema.get("anyOf", []) + schema.get("allOf", []) + schema.get("oneOf", []):
        problems += _marked(data, variant, schemas, blind=blind, at=at)
    if isinstance(data, list):
        items = schema.get("items")
        for i, value in enumerate(data):
            if items:
                problems += _marked(value, items, schemas, blind=blind, at=f"{at}[{i}]")
        return problems
    if not isinstance(data, dict):
        return problems
    if data.get("blind") is True and data.get("status") == "draft":
        blind = True
    props = schema.get("properties", {})
    for key, value in data.items():
        prop = props.get(key)
        if prop is None:
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                problems += _marked(value, extra, schemas, blind=blind, at=f"{at}.{key}")
            continue
        marks = set(prop.get(SCHEMA_KEY, ())) | set(_resolve(prop, schemas).get(SCHEMA_KEY, ()))
        if "cost" in marks:
            problems.append(f"{at}.{key} is marked cost but was sent ({value!r})")
        elif "book" in marks and blind and value is not None:
            problems.append(f"{at}.{key} gives a blind count's book away ({value!r})")
        else:
            problems += _marked(value, prop, schemas, blind=blind, at=f"{at}.{key}")
    return problems


# --- the API calls ----------------------------------------------------------------------------


def api_calls(
    openapi: dict, owner_client: Client, *, per_operation: int = 3, only: str | None = None
) -> tuple[list[tuple[str, str, dict]], list[str]]:
    """Every GET operation of the OpenAPI document with its path ids filled from the shop's
    data (up to ``per_operation`` of the ids the owner's list answers; every stock count),
    and the query variants that reach every branch. Returns the calls and the operations no
    call could be made for. ``only``: just that operation."""
    today = timezone.localdate()
    sku = Sku.objects.order_by("pk").first()
    assert sku is not None
    variants: dict[str, list[dict]] = {
        "/stock/moves": [{}, {"sku_id": sku.pk}],
        "/stock/movement-summary": [
            {"year": today.year, "month": today.month},
            {"year": today.year, "month": today.month, "by_warehouse": "false"},
        ],
        "/stock/at-date": [
            {"date": today.isoformat()},
            {"date": (today - dt.timedelta(1)).isoformat()},
        ],
        "/stock-counts/{id}/review": [{}, {"differences": "true"}],
        "/suppliers/{id}/statement": [
            {"date_from": (today - dt.timedelta(40)).isoformat(), "date_to": today.isoformat()}
        ],
        "/customers/{id}/statement": [
            {"date_from": (today - dt.timedelta(40)).isoformat(), "date_to": today.isoformat()}
        ],
        "/sales-orders/price": [
            {"customer_id": c.pk, "sku_id": sku.pk} for c in Customer.objects.order_by("pk")[:1]
        ],
        "/sales-orders/availability": [
            {"sku_id": s} for s in Sku.objects.values_list("pk", flat=True)[:2]
        ],
        "/purchase-orders/quote": [
            {"supplier_id": p.supplier_id, "sku_id": p.sku_id, "unit_id": p.unit_id}
            for p in SupplierPrice.objects.all()[:1]
        ],
        "/audit-log": [
            {"object_type": "sku", "object_id": sku.pk},
            {"object_type": "product", "object_id": sku.product_id},
        ],
    }
    fill: dict[str, list[Any]] = {
        "sku_id": list(Sku.objects.order_by("-pk").values_list("pk", flat=True)),  # kit first
        "code": list(Barcode.objects.values_list("code", flat=True)),
        "kind": list(import_registry.MODULES),
    }
    # ids whose list lives under another path (an approval request is listed in /todos)
    listed_elsewhere: dict[str, list[Any]] = {
        "/approval-requests/{id}": list(ApprovalRequest.objects.values_list("pk", flat=True)),
        "/import-batches/{id}": list(ImportBatch.objects.values_list("pk", flat=True)),
        "/import-batches/{id}/errors": list(ImportBatch.objects.values_list("pk", flat=True)),
    }
    calls: list[tuple[str, str, dict]] = []
    missing: list[str] = []
    for template, ops in openapi["paths"].items():
        if "get" not in ops or (only is not None and template != only):
            continue
        path = template.removeprefix(API)
        if path.endswith("/pdf"):
            continue  # a PDF: the screens' crawl reads the same printer's PDFs
        names = re.findall(r"{(\w+)}", path)
        values: list[Any] = [None]
        if names:
            (name,) = names  # one path parameter per operation today
            if path in listed_elsewhere:
                values = listed_elsewhere[path]
            elif name in fill:
                values = fill[name]
            else:
                listing = path.split(f"/{{{name}}}")[0]
                response = owner_client.get(API + listing, {"page_size": 200})
                body = response.json() if response.status_code == 200 else {}
                items = body.get("items", body) if isinstance(body, dict) else body
                values = [x["id"] for x in items or [] if isinstance(x, dict) and "id" in x]
            if not values:
                missing.append(template)
                continue
            if "/stock-counts/" not in path:
                values = values[:per_operation]
        for value in values:
            concrete = API + (path.replace(f"{{{names[0]}}}", str(value)) if names else path)
            for query in variants.get(path, [{}]):
                calls.append((template, concrete, query))
    return calls, missing
