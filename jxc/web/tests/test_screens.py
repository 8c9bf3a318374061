"""Every master-data and settings screen renders for the owner, in Chinese."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# (url name, record key for the pk or None, a Chinese text the page must show)
PAGES = [
    ("web:unit_list", None, "计量单位"),
    ("web:unit_create", None, "新增"),
    ("web:unit_detail", "unit", "操作记录"),
    ("web:unit_edit", "unit", "保存"),
    ("web:category_list", None, "商品分类"),
    ("web:category_create", None, "上级分类"),
    ("web:category_detail", "subcategory", "操作记录"),
    ("web:category_edit", "subcategory", "保存"),
    ("web:brand_list", None, "品牌"),
    ("web:brand_create", None, "新增"),
    ("web:brand_detail", "brand", "操作记录"),
    ("web:brand_edit", "brand", "保存"),
    ("web:warehouse_list", None, "仓库"),
    ("web:warehouse_create", None, "新增"),
    ("web:warehouse_detail", "warehouse", "货位"),
    ("web:warehouse_edit", "warehouse", "保存"),
    ("web:supplier_list", None, "供应商"),
    ("web:supplier_create", None, "账期"),
    ("web:supplier_detail", "supplier", "联系人"),
    ("web:supplier_edit", "supplier", "保存"),
    ("web:customer_list", None, "客户"),
    ("web:customer_create", None, "信用额度"),
    ("web:customer_detail", "customer", "李经理"),
    ("web:customer_edit", "customer", "保存"),
    ("web:account_list", None, "资金账户"),
    ("web:account_create", None, "期初余额"),
    ("web:account_detail", "account", "操作记录"),
    ("web:account_edit", "account", "保存"),
    ("web:company_settings", None, "公司设置"),
    ("web:user_list", None, "用户"),
    ("web:user_create", None, "密码"),
    ("web:role_list", None, "角色"),
    ("web:apitoken_list", None, "令牌"),
    ("web:auditlog_list", None, "操作日志"),
]


@pytest.mark.parametrize(("name", "key", "text"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_for_owner(client_owner, records, name, key, text):
    args = [records[key].pk] if key else []
    response = client_owner.get(reverse(name, args=args))
    assert response.status_code == 200
    body = response.content.decode()
    assert text in body
    assert 'lang="zh-CN"' in body


def test_user_role_and_audit_detail_pages(client_owner, owner, records):
    from jxc.core.models import AuditLog, Role

    for url in (
        reverse("web:user_detail", args=[owner.pk]),
        reverse("web:user_edit", args=[owner.pk]),
        reverse("web:role_detail", args=[Role.objects.get(code="sales").pk]),
        reverse("web:auditlog_detail", args=[AuditLog.objects.first().pk]),
    ):
        response = client_owner.get(url)
        assert response.status_code == 200, url


def test_every_list_exports(client_owner, records):
    for name in ("unit", "category", "brand", "warehouse", "supplier", "customer", "account"):
        response = client_owner.get(reverse(f"web:{name}_export"))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
