"""Demo company: 杭州好运来商贸有限公司 (文具 + 零食 + 服装), built only through the services.

Deterministic (seeded random) and fast: everything runs inside one transaction.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

DEMO_PASSWORD = "jxc-demo-2026"

# (username, role code, display name, role label zh / en)
DEMO_USERS = [
    ("boss", "owner", "王老板", "老板 Owner"),
    ("caigou", "purchaser", "李采购", "采购 Purchaser"),
    ("xiaoshou", "sales", "张销售", "销售 Sales"),
    ("cangguan", "keeper", "赵仓管", "仓管 Keeper"),
    ("caiwu", "finance", "钱财务", "财务 Finance"),
    ("shouyin", "cashier", "孙收银", "收银 Cashier"),
]

D = Decimal


def database_is_empty() -> bool:
    from jxc.catalog.models import Product

    return not Product.objects.exists()


def load_demo() -> list[tuple[str, str, str]]:
    """演示数据: one company with users, catalog, warehouses, partners and accounts."""
    from django.db import transaction

    with transaction.atomic():
        return _load(random.Random(20261122))


def _load(rng: random.Random) -> list[tuple[str, str, str]]:
    from jxc.cli.demo_catalog import load_catalog, load_warehouses
    from jxc.cli.demo_history import load_stock_history
    from jxc.cli.demo_partners import load_accounts, load_partners
    from jxc.core import accounts as user_services
    from jxc.core import services as core

    user_services.ensure_default_roles()
    users: dict[str, Any] = {}
    accounts = []
    for username, role, name, label in DEMO_USERS:
        users[role] = user_services.create_user(
            username=username,
            password=DEMO_PASSWORD,
            roles=[role],
            first_name=name,
            is_superuser=(role == "owner"),
            created_by=users.get("owner"),
        )
        accounts.append((username, DEMO_PASSWORD, label))
    boss = users["owner"]
    core.update_company(user=boss, name="杭州好运来商贸有限公司", tax_number="91330106MA2H3K7X5Q")

    skus, cats = load_catalog(rng, boss)
    whs = load_warehouses(rng, boss, users["keeper"], skus)
    load_partners(rng, boss, users["sales"])
    load_accounts(boss)
    in_zc = load_stock_history(rng, boss, whs, skus, cats)
    load_loop(rng, users, whs, skus, in_zc)
    return accounts


def load_loop(rng: random.Random, users, whs, skus, in_zc) -> dict[str, Any]:
    """采购 → 入库 → 销售 → 出库 → 收付款 over the same three months, then the approval rules
    and the documents waiting on them, then 月结 of the first two months."""
    from django.utils import timezone

    from jxc.approvals import alerts
    from jxc.catalog.models import SkuUnit
    from jxc.cli.demo_approvals import load_approval_rules, load_waiting
    from jxc.cli.demo_purchasing import Shop, load_purchasing, loop_skus, pay_suppliers
    from jxc.cli.demo_sales import counter_sales, invoice_and_collect, load_sales
    from jxc.core.periods import close_period, months_back

    today = timezone.localdate()
    zc, _ec, store = whs
    price = {
        sku: cost or Decimal(0)
        for sku, cost in SkuUnit.objects.filter(is_base=True, sku__in=skus).values_list(
            "sku_id", "purchase_price"
        )
    }
    shop = Shop(
        rng=rng,
        users=users,
        zc=zc,
        store=store if store.kind == "store" else None,
        months=months_back(today, 3),
        today=today,
        groups=loop_skus(skus, in_zc),
        price=price,
    )
    made: dict[str, Any] = {"purchasing": {}, "sales": {}}
    for month in range(len(shop.months)):  # month by month: goods in before they go out
        load_purchasing(shop, month, made["purchasing"])
        load_sales(shop, month, made["sales"])
    pay_suppliers(shop)
    invoice_and_collect(shop, made["sales"]["deliveries"])
    made["counter"] = counter_sales(shop)
    load_approval_rules(users["owner"])
    made["waiting"] = load_waiting(shop)
    # 月结 of the opening month and the next (the later ones wait for their close).
    for first in months_back(today, 3)[:2]:
        close_period(year=first.year, month=first.month, user=users["owner"])
    alerts.scan()  # 预警 in the 待办 now, not at the worker's first round
    return made


def existing_demo_accounts() -> list[tuple[str, str, str]]:
    """The demo users still active in this database, with their initial password (shown
    again on every start so the logins are never lost; a changed password is not read)."""
    from jxc.core.models import User

    active = set(
        User.objects.filter(username__in=[u for u, *_ in DEMO_USERS], is_active=True).values_list(
            "username", flat=True
        )
    )
    return [(u, DEMO_PASSWORD, label) for u, _r, _n, label in DEMO_USERS if u in active]


def login_banner(url: str, accounts) -> str:
    """The text printed when the server starts: where to log in and with which account."""
    login = f"{url.rstrip('/')}/login/"
    lines = [
        "=" * 60,
        f"jxc 进销存已启动 / jxc is running: {login}",
    ]
    if accounts:
        lines.append("演示账号 / Demo accounts (用户名 / 密码 · username / password):")
        for username, password, role in accounts:
            lines.append(f"  {role:<16} {username:<10} / {password}")
    lines.append("=" * 60)
    return "\n".join(lines)
