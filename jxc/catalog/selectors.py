"""Reads of the catalog: SKU search by code, name, barcode or 助记码 (pinyin initials)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from jxc.catalog.models import Barcode, Category, Product, Sku


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


def category_tree() -> list[Category]:
    return list(Category.objects.order_by("path"))
