"""Brands and categories are found by pinyin initials too (QA: ``kkkl`` found the product
可口可乐 but not its brand)."""

import pytest

from jxc.catalog import selectors, services
from jxc.catalog.filters import BrandFilterSet, CategoryFilterSet
from jxc.catalog.models import Brand, Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(user_factory):
    boss = user_factory(roles=["owner"])
    drinks = services.create_category(user=boss, code="YL", name="饮料")
    return {
        "coke": services.create_brand(user=boss, name="可口可乐"),
        "pepsi": services.create_brand(user=boss, name="百事"),
        "drinks": drinks,
        "tea": services.create_category(user=boss, code="CY", name="茶饮", parent=drinks),
        "snacks": services.create_category(user=boss, code="LS", name="零食"),
    }


def test_brands_by_initials_name_or_part(named):
    assert list(selectors.search_brands("kkkl")) == [named["coke"]]
    assert list(selectors.search_brands("KKKL")) == [named["coke"]]
    assert list(selectors.search_brands("可乐")) == [named["coke"]]
    assert set(selectors.search_brands("")) == {named["coke"], named["pepsi"]}
    assert list(selectors.search_brands("zzz")) == []


def test_categories_by_initials_code_or_name(named):
    assert list(selectors.search_categories("cy")) == [named["tea"]]  # code CY, 茶饮 = cy
    assert set(selectors.search_categories("yl")) == {named["drinks"]}
    assert list(selectors.search_categories("零")) == [named["snacks"]]


def test_the_list_filters_use_it_within_their_queryset(named):
    fs = BrandFilterSet({"q": "kkkl", "active": "true"}, queryset=Brand.objects.all())
    assert list(fs.qs) == [named["coke"]]
    only_top = Category.objects.filter(parent=None)
    fs = CategoryFilterSet({"q": "cy"}, queryset=only_top)
    assert list(fs.qs) == []  # 茶饮 is not in the queryset it was given


def test_same_name_twice_under_one_parent_is_refused(named, user_factory):
    """QA: a second top-level category 饮料 was saved next to the first."""
    from jxc.core.errors import DuplicateCode

    boss = user_factory(roles=["owner"])
    with pytest.raises(DuplicateCode) as exc:
        services.create_category(user=boss, code="YL2", name=" 饮料 ")
    assert exc.value.field == "name"
    assert not Category.objects.filter(code="YL2").exists()
    # the same name under another parent is fine (饮料 › 茶饮 and 零食 › 茶饮)
    services.create_category(user=boss, code="CY2", name="茶饮", parent=named["snacks"])
    with pytest.raises(DuplicateCode):
        services.update_category(named["snacks"], user=boss, name="饮料")
    named["snacks"].refresh_from_db()
    assert named["snacks"].name == "零食"
    services.update_category(named["snacks"], user=boss, name="零食")  # unchanged: fine
