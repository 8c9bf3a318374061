"""Reads of the catalog: SKU search by code, name, barcode or 助记码 (pinyin initials); what
document line checks need to know about SKUs (``sku_facts``)."""

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from jxc.catalog.models import Barcode, Brand, Category, Product, Sku, SkuUnit, Unit
from jxc.core.documents.lines import SkuFacts
from jxc.core.fields import UNIT_COST_PLACES
from jxc.core.models import Company
from jxc.core.statements import Ahead, ahead, fetch, vendor
from jxc.core.text import pinyin_initials


def search_skus(q: str = "", *, active_only: bool = True) -> QuerySet[Sku]:
    """Find SKUs the way a person types: ``kkkl`` finds 可口可乐, a scanned barcode finds its
    SKU, a code or part of a name finds it too."""
    qs = Sku.objects.select_related("product", "product__base_unit", "product__category")
    if active_only:
        qs = qs.filter(is_active=True, product__is_active=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(name__icontains=q)
            | Q(spec__icontains=q)
            | Q(mnemonic__istartswith=q)
            | Q(mnemonic__icontains=q)
            | Exists(Barcode.objects.filter(sku=OuterRef("pk"), code=q))
        )
    return qs.order_by("code")


def search_products(q: str = "", *, active_only: bool = False) -> QuerySet[Product]:
    qs = Product.objects.select_related("category", "brand", "base_unit")
    if active_only:
        qs = qs.filter(is_active=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(name__icontains=q)
            | Q(mnemonic__icontains=q)
            | Exists(
                Sku.objects.filter(product=OuterRef("pk")).filter(
                    Q(code__icontains=q) | Q(barcodes__code=q)
                )
            )
        )
    return qs.order_by("code")


def sku_by_barcode(code: str) -> Sku | None:
    found = Barcode.objects.select_related("sku", "sku_unit").filter(code=code.strip()).first()
    return found.sku if found else None


def codes_found(codes: Iterable[str]) -> dict[str, tuple[Sku, int | None]]:
    """Scanned or typed codes → (SKU, unit id): a barcode names its unit (a 箱 barcode the
    箱), a SKU code the base unit (None). Codes that match nothing are left out."""
    wanted = {c.strip() for c in codes if c and c.strip()}
    out: dict[str, tuple[Sku, int | None]] = {}
    for b in Barcode.objects.filter(code__in=wanted).select_related(
        "sku__product__base_unit", "sku_unit"
    ):
        out[b.code] = (b.sku, b.sku_unit.unit_id if b.sku_unit is not None else None)
    rest = wanted - set(out)
    if rest:
        for sku in Sku.objects.filter(code__in=rest).select_related("product__base_unit"):
            out[sku.code] = (sku, None)
    return out


def category_tree() -> list[Category]:
    return list(Category.objects.order_by("path"))


def _named_like(qs: QuerySet, q: str, *fields: str) -> QuerySet:
    """Rows whose name or code contains ``q``, or whose name's pinyin initials do (``kkkl``
    finds the brand 可口可乐, ``yl`` the category 饮料). Brands and categories have no stored
    助记码; they are few, so the initials are worked out here."""
    q = (q or "").strip()
    if not q:
        return qs
    cond = Q()
    for name in fields:
        cond |= Q(**{f"{name}__icontains": q})
    if q.isascii():
        wanted = q.lower()
        hits = [pk for pk, name in qs.values_list("pk", "name") if wanted in pinyin_initials(name)]
        cond |= Q(pk__in=hits)
    return qs.filter(cond)


def search_brands(q: str = "", *, qs: QuerySet[Brand] | None = None) -> QuerySet[Brand]:
    return _named_like(Brand.objects.all() if qs is None else qs, q, "name")


def search_categories(q: str = "", *, qs: QuerySet[Category] | None = None) -> QuerySet[Category]:
    return _named_like(Category.objects.all() if qs is None else qs, q, "code", "name")


def sku_facts(ids: Iterable[int]) -> dict[int, SkuFacts]:
    """What the rules need to know about these SKUs, in one statement (a document's create
    and update read it: no model instances, no prefetch)."""
    wanted = sorted({int(i) for i in ids if i is not None})
    if not wanted:
        return {}
    # the driver's connection when nothing watches the queries (no cursor wrapper, the
    # placeholders' rewrite made once per text)
    return _facts_from(fetch(*_facts_statement(wanted)))


def sku_facts_later(ids: Iterable[int]) -> "Mapping[int, SkuFacts] | SkuFactsLater":
    """:func:`sku_facts` for a new draft: on PostgreSQL read with its numbering's round trip
    (``jxc.core.documents.services.insert_document``: one round trip fewer per create);
    SQLite reads them now (in-process, nothing to save)."""
    if vendor() == "sqlite":
        return sku_facts(ids)
    return SkuFactsLater(ids)


class SkuFactsLater:
    """The SKU facts of a new draft, read with the step's next round trip
    (``jxc.core.statements.ahead``; at once where the step does not hold statements back)."""

    __slots__ = ("found", "wanted")

    def __init__(self, ids: Iterable[int]) -> None:
        self.wanted = sorted({int(i) for i in ids if i is not None})
        self.found: Ahead | None = None

    def send(self) -> None:
        if self.wanted and self.found is None:
            self.found = ahead(*_facts_statement(self.wanted))

    def result(self) -> dict[int, SkuFacts]:
        self.send()
        return _facts_from(self.found.rows) if self.found is not None else {}


def _facts_statement(wanted: list[int]) -> tuple[str, list[int]]:
    sql, _factor = _facts_sql()
    return sql % ", ".join(["%s"] * len(wanted)), wanted


def _facts_from(rows: list[tuple]) -> dict[int, SkuFacts]:
    """:func:`sku_facts` of the rows of its statement."""
    _sql, factor = _facts_sql()
    head: dict[int, tuple] = {}
    units: dict[int, dict[int, Decimal]] = {}
    fraction: dict[int, set[int]] = {}
    # the company's price decimals come in the same statement (a price typed with more places
    # is refused by the line rules); no company row yet: the stored places
    places = next((r[-1] for r in rows if r[-1] is not None), UNIT_COST_PLACES)
    for (
        pk,
        code,
        name,
        spec,
        tracking,
        base_unit,
        base_fraction,
        unit,
        ratio,
        frac,
        active,
        _p,
    ) in rows:
        if pk not in head:
            head[pk] = (f"{code} {f'{name} {spec}'.strip()}", tracking, base_unit, bool(active))
            units[pk], fraction[pk] = {}, ({base_unit} if base_fraction else set())
        if unit is not None:
            units[pk][unit] = factor(ratio)
            if frac:
                fraction[pk].add(unit)
    return {
        pk: SkuFacts(
            id=pk,
            label=label,
            tracking=tracking,
            base_unit_id=base_unit,
            units=units[pk],
            fraction_units=frozenset(fraction[pk]),
            price_places=int(places),
            is_active=active,
        )
        for pk, (label, tracking, base_unit, active) in head.items()
    }


_FACTS: dict[str, tuple] = {}


def _facts_sql() -> tuple[str, Callable[[Any], Decimal]]:
    """The statement (``%s`` for the id placeholders) and the factor's conversion (the ORM's:
    SQLite hands decimals back as numbers)."""
    found = _FACTS.get(vendor())
    if found is None:
        q = connection.ops.quote_name
        t = {m: q(m._meta.db_table) for m in (Sku, Product, Unit, SkuUnit, Company)}
        sql = (
            "SELECT s.id, s.code, s.name, s.spec, p.tracking, p.base_unit_id, bu.allow_fraction, "
            "su.unit_id, su.factor, u.allow_fraction, s.is_active, "
            f"(SELECT c.price_decimals FROM {t[Company]} c ORDER BY c.id LIMIT 1) "
            f"FROM {t[Sku]} s "
            f"JOIN {t[Product]} p ON p.id = s.product_id "
            f"JOIN {t[Unit]} bu ON bu.id = p.base_unit_id "
            f"LEFT JOIN {t[SkuUnit]} su ON su.sku_id = s.id "
            f"LEFT JOIN {t[Unit]} u ON u.id = su.unit_id "
            "WHERE s.id IN (%s)"
        )
        col = SkuUnit._meta.get_field("factor").get_col(SkuUnit._meta.db_table)
        convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)

        def factor(value: Any) -> Decimal:
            for conv in convs:
                value = conv(value, col, connection)
            return value

        found = (sql, factor)
        _FACTS[vendor()] = found
    return found
