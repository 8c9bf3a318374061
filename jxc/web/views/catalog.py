"""资料: units, categories (a tree) and brands."""

from django.utils.html import format_html

from jxc.catalog import services
from jxc.catalog.filters import BrandFilterSet, CategoryFilterSet, UnitFilterSet
from jxc.catalog.models import Brand, Category, Unit
from jxc.web.generic import Column, Screen, ServiceForm


class UnitForm(ServiceForm):
    class Meta:
        model = Unit
        fields = ["name", "allow_fraction"]


class UnitScreen(Screen):
    model = Unit
    resource = "unit"
    path = "catalog/units"
    columns = [Column("name", link=True), Column("allow_fraction"), Column("is_active")]
    filterset_class = UnitFilterSet
    form_class = UnitForm
    create_service = services.create_unit
    update_service = services.update_unit


def _level(category: Category) -> int:
    """0 for a top-level category (``depth`` counts from 1)."""
    return max(category.depth - 1, 0)


def _tree_name(category: Category, user) -> str:
    depth = _level(category)
    return format_html(
        '<span class="tree" style="padding-left:{}em">{}{}</span>',
        f"{depth * 1.5:g}",
        "└ " if depth else "",
        category.name,
    )


class CategoryForm(ServiceForm):
    class Meta:
        model = Category
        fields = ["code", "name", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Category.objects.order_by("path")
        if self.instance.pk:
            # A category cannot move under itself or its own branch.
            parents = parents.exclude(path__startswith=self.instance.path)
        self.offer_active("parent", parents)
        field = self.fields["parent"]
        field.label_from_instance = lambda c: "　" * _level(c) + c.name  # type: ignore[attr-defined]


class CategoryScreen(Screen):
    model = Category
    resource = "category"
    path = "catalog/categories"
    columns = [
        Column("name", link=True, render=_tree_name, order_by="path"),
        Column("code"),
        Column("parent", order_by="parent__name"),
        Column("is_active"),
    ]
    ordering = ("path", "id")
    per_page = 100
    select_related = ("parent",)
    filterset_class = CategoryFilterSet
    form_class = CategoryForm
    create_service = services.create_category
    update_service = services.update_category


class BrandForm(ServiceForm):
    class Meta:
        model = Brand
        fields = ["name"]


class BrandScreen(Screen):
    model = Brand
    resource = "brand"
    path = "catalog/brands"
    columns = [Column("name", link=True), Column("is_active")]
    filterset_class = BrandFilterSet
    form_class = BrandForm
    create_service = services.create_brand
    update_service = services.update_brand


SCREENS = [UnitScreen(), CategoryScreen(), BrandScreen()]
urlpatterns = [u for s in SCREENS for u in s.urls()]

__all__ = ["SCREENS", "urlpatterns"]
