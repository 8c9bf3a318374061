"""Filters of catalog lists, one definition for the web list and the API (NetBox style).

Use: ``ProductFilterSet(request.GET, queryset=Product.objects.all(), request=request).qs``.
Every set takes ``q`` (search as the selectors search), ``active`` (true/false) and
``ordering`` (a whitelisted field, ``-`` for descending, e.g. ``-code``).
"""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jxc.catalog import selectors
from jxc.catalog.choices import Tracking
from jxc.catalog.models import Brand, Category, Product, Sku, Unit


def _ordering(*names: str) -> django_filters.OrderingFilter:
    return django_filters.OrderingFilter(fields=[(n, n) for n in names], label=_("Order by"))


class UnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))
    ordering = _ordering("id", "name")

    class Meta:
        model = Unit
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        return qs.filter(name__icontains=value) if value else qs


class CategoryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))
    parent = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), label=_("Parent category")
    )
    ordering = _ordering("id", "code", "name", "path")

    class Meta:
        model = Category
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.search_categories(value, qs=qs)


class BrandFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))
    ordering = _ordering("id", "name")

    class Meta:
        model = Brand
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.search_brands(value, qs=qs)


def _in_category(prefix: str):
    """A category filter takes the category and everything below it in the tree."""

    def method(filterset, qs: QuerySet, name: str, value: Category | None) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(**{f"{prefix}path__startswith": value.path})

    return method


class ProductFilterSet(django_filters.FilterSet):
    """商品 list: search by code, name, 助记码, SKU code or exact barcode."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), method="filter_category", label=_("Category")
    )
    brand = django_filters.ModelChoiceFilter(queryset=Brand.objects.all(), label=_("Brand"))
    tracking = django_filters.ChoiceFilter(choices=Tracking.choices, label=_("Tracking"))
    ordering = _ordering("id", "code", "name", "created_at")

    class Meta:
        model = Product
        fields: list[str] = []

    filter_category = _in_category("category__")

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if not (value or "").strip():
            return qs
        return qs.filter(pk__in=selectors.search_products(value).values("pk"))


class SkuFilterSet(django_filters.FilterSet):
    """规格 list and picker: ``kkkl`` finds 可口可乐; a scanned barcode finds its SKU."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))
    product = django_filters.ModelChoiceFilter(queryset=Product.objects.all(), label=_("Product"))
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), method="filter_category", label=_("Category")
    )
    brand = django_filters.ModelChoiceFilter(
        field_name="product__brand", queryset=Brand.objects.all(), label=_("Brand")
    )
    ordering = _ordering("id", "code", "name")

    class Meta:
        model = Sku
        fields: list[str] = []

    filter_category = _in_category("product__category__")

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if not (value or "").strip():
            return qs
        return qs.filter(pk__in=selectors.search_skus(value, active_only=False).values("pk"))
