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


def _ean13(seq: int, prefix: str = "690") -> str:
    body = f"{prefix}{seq:09d}"[:12]
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _prices(cost: Decimal) -> dict[str, Decimal]:
    q = D("0.01")
    retail = (cost * D("1.6")).quantize(D("0.1"))
    return {
        "purchase_price": cost.quantize(q),
        "wholesale_price": (cost * D("1.25")).quantize(q),
        "retail_price": retail,
        "member_price": (retail * D("0.92")).quantize(q),
        "min_price": (cost * D("1.1")).quantize(q),
    }


def _scaled(prices: dict[str, Decimal], factor: Decimal) -> dict[str, Decimal]:
    return {k: (v * factor).quantize(D("0.01")) for k, v in prices.items()}


STATIONERY = {
    "WJ01": (
        "书写工具",
        ["晨光", "得力", "真彩", "百乐"],
        [
            ("中性笔 0.5mm 黑", "1.20"),
            ("中性笔 0.5mm 红", "1.20"),
            ("中性笔 0.5mm 蓝", "1.20"),
            ("按动中性笔 0.5mm", "1.80"),
            ("圆珠笔 0.7mm", "0.90"),
            ("铅笔 HB", "0.40"),
            ("自动铅笔 0.5mm", "3.50"),
            ("荧光笔 黄", "1.50"),
            ("记号笔 黑", "2.00"),
            ("白板笔 黑", "2.20"),
            ("钢笔 学生款", "12.00"),
            ("签字笔 商务", "6.50"),
        ],
    ),
    "WJ02": (
        "本册",
        ["得力", "晨光", "国誉"],
        [
            ("笔记本 A5 80页", "3.20"),
            ("笔记本 B5 60页", "3.80"),
            ("活页本 A5", "9.50"),
            ("作业本 16K", "0.80"),
            ("便利贴 76×76", "2.30"),
            ("牛皮纸记事本", "4.60"),
            ("线圈本 A4", "6.80"),
        ],
    ),
    "WJ03": (
        "办公用品",
        ["得力", "齐心"],
        [
            ("订书机 12号", "9.00"),
            ("订书钉 24/6", "1.10"),
            ("回形针 盒装", "1.60"),
            ("长尾夹 25mm", "3.20"),
            ("文件夹 A4", "4.50"),
            ("档案盒 55mm", "5.80"),
            ("剪刀 办公", "4.20"),
            ("美工刀 大号", "3.00"),
            ("胶水 50ml", "1.80"),
            ("固体胶 21g", "1.90"),
            ("透明胶带 48mm", "3.60"),
            ("计算器 12位", "18.00"),
            ("A4 复印纸 70g 500张", "19.50"),
        ],
    ),
}

SNACKS = [
    # (category code, name, brand, can/pack cost, outer unit, factor, shelf life, batch)
    ("LS01", "可口可乐 330ml", "可口可乐", "1.65", "箱", 24, 365, True),
    ("LS01", "可口可乐 零度 330ml", "可口可乐", "1.70", "箱", 24, 365, True),
    ("LS01", "雪碧 330ml", "可口可乐", "1.60", "箱", 24, 365, True),
    ("LS01", "芬达 橙味 330ml", "可口可乐", "1.60", "箱", 24, 365, True),
    ("LS01", "百事可乐 330ml", "百事", "1.55", "箱", 24, 365, True),
    ("LS01", "农夫山泉 550ml", "农夫山泉", "0.95", "箱", 24, 540, False),
    ("LS01", "东方树叶 500ml", "农夫山泉", "2.80", "箱", 15, 360, True),
    ("LS01", "王老吉 310ml", "王老吉", "2.40", "箱", 24, 730, True),
    ("LS01", "康师傅 冰红茶 500ml", "康师傅", "1.90", "箱", 15, 270, True),
    ("LS01", "元气森林 气泡水 480ml", "元气森林", "3.10", "箱", 15, 270, True),
    ("LS02", "乐事薯片 原味 70g", "乐事", "4.20", "箱", 22, 270, True),
    ("LS02", "乐事薯片 黄瓜味 70g", "乐事", "4.20", "箱", 22, 270, True),
    ("LS02", "乐事薯片 番茄味 70g", "乐事", "4.20", "箱", 22, 270, True),
    ("LS02", "旺旺雪饼 84g", "旺旺", "3.60", "箱", 30, 270, True),
    ("LS02", "旺旺仙贝 52g", "旺旺", "3.30", "箱", 30, 270, True),
    ("LS02", "旺仔小馒头 140g", "旺旺", "5.50", "箱", 24, 300, True),
    ("LS02", "奥利奥 原味 97g", "奥利奥", "4.80", "箱", 24, 365, True),
    ("LS02", "好丽友 派 6枚", "好丽友", "8.90", "箱", 12, 240, True),
    ("LS02", "三只松鼠 每日坚果 25g", "三只松鼠", "3.90", "盒", 30, 180, True),
    ("LS02", "卫龙 大面筋 106g", "卫龙", "3.20", "箱", 40, 180, True),
    ("LS02", "德芙 丝滑牛奶巧克力 43g", "德芙", "5.60", "盒", 12, 365, True),
    ("LS02", "士力架 51g", "士力架", "3.80", "盒", 24, 365, False),
    ("LS03", "康师傅 红烧牛肉面 袋装", "康师傅", "2.30", "箱", 24, 180, True),
    ("LS03", "统一 老坛酸菜牛肉面", "统一", "2.40", "箱", 24, 180, True),
    ("LS03", "白象 汤好喝 老母鸡汤面", "白象", "2.60", "箱", 24, 180, True),
    ("LS03", "康师傅 香辣牛肉面 桶装", "康师傅", "3.60", "箱", 12, 180, True),
    ("LS03", "统一 汤达人 豚骨面", "统一", "4.50", "箱", 12, 180, True),
    ("LS03", "双汇 王中王火腿肠 400g", "双汇", "9.80", "箱", 20, 180, True),
    ("LS03", "海底捞 自热火锅 麻辣", "海底捞", "21.00", "箱", 6, 360, True),
    ("LS01", "伊利 纯牛奶 250ml", "伊利", "2.20", "箱", 24, 180, True),
    ("LS01", "蒙牛 特仑苏 250ml", "蒙牛", "4.30", "箱", 12, 180, True),
    ("LS01", "旺仔牛奶 245ml", "旺旺", "3.10", "箱", 24, 365, True),
    ("LS01", "红牛 维生素功能饮料 250ml", "红牛", "4.20", "箱", 24, 540, True),
    ("LS01", "怡宝 纯净水 555ml", "怡宝", "0.90", "箱", 24, 730, False),
    ("LS01", "脉动 青柠味 600ml", "脉动", "3.00", "箱", 15, 450, True),
    ("LS02", "旺旺 浪味仙 70g", "旺旺", "3.40", "箱", 30, 270, True),
    ("LS02", "上好佳 鲜虾片 40g", "上好佳", "1.80", "箱", 50, 270, True),
    ("LS02", "奥利奥 巧克力味 97g", "奥利奥", "4.80", "箱", 24, 365, True),
    ("LS02", "良品铺子 猪肉脯 100g", "良品铺子", "11.50", "箱", 20, 180, True),
    ("LS02", "徐福记 酥心糖 500g", "徐福记", "16.00", "箱", 12, 360, True),
]

CLOTHING = [
    ("T恤 圆领", "FZ01", "25.00", ["红", "白", "黑"], ["S", "M", "L", "XL"]),
    ("卫衣 连帽", "FZ01", "58.00", ["灰", "藏青"], ["M", "L", "XL"]),
    ("牛仔裤 直筒", "FZ02", "72.00", ["浅蓝", "深蓝"], ["29", "30", "31", "32", "33"]),
    ("运动短裤", "FZ02", "22.00", ["黑", "灰"], ["M", "L", "XL", "XXL"]),
    ("棉袜 船袜", "FZ03", "3.50", ["白", "黑", "灰"], ["均码"]),
    ("棒球帽", "FZ03", "15.00", ["黑", "白", "卡其"], ["均码"]),
    ("Polo衫 短袖", "FZ01", "38.00", ["白", "藏青", "浅蓝"], ["M", "L", "XL", "XXL"]),
    ("羽绒马甲", "FZ01", "96.00", ["黑", "军绿"], ["M", "L", "XL", "XXL"]),
]

CITY_DISTRICTS = ["西湖区", "上城区", "拱墅区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区"]
SHOP_WORDS = ["好邻居", "联华", "佳佳", "新华", "阳光", "四季", "百家", "星辰"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
]


def _tax_number(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "91330" + f"{rng.randint(100, 199)}" + "".join(rng.choice(alphabet) for _ in range(10))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def load_demo() -> list[tuple[str, str, str]]:
    """演示数据: one company with users, catalog, warehouses, partners and accounts."""
    from django.db import transaction

    with transaction.atomic():
        return _load(random.Random(20261122))


def _load(rng: random.Random) -> list[tuple[str, str, str]]:
    from jxc.catalog import services as catalog
    from jxc.catalog.rules import UnitSpec, VariantSpec
    from jxc.core import services as core
    from jxc.finance import services as finance
    from jxc.inventory import services as inventory
    from jxc.partners import services as partners

    core.ensure_default_roles()
    users: dict[str, Any] = {}
    accounts = []
    for username, role, name, label in DEMO_USERS:
        users[role] = core.create_user(
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

    units = {
        n: catalog.create_unit(user=boss, name=n)
        for n in [
            "个",
            "支",
            "本",
            "盒",
            "包",
            "箱",
            "罐",
            "瓶",
            "袋",
            "件",
            "条",
            "双",
            "顶",
            "包装",
        ]
    }
    units["千克"] = catalog.create_unit(user=boss, name="千克", allow_fraction=True)

    tops = {"WJ": "文具", "LS": "零食饮料", "FZ": "服装"}
    cats = {
        code: catalog.create_category(user=boss, code=code, name=name)
        for code, name in tops.items()
    }
    subs = {
        "WJ01": "书写工具",
        "WJ02": "本册",
        "WJ03": "办公用品",
        "LS01": "饮料",
        "LS02": "休闲零食",
        "LS03": "方便食品",
        "FZ01": "上装",
        "FZ02": "下装",
        "FZ03": "配饰",
    }
    for code, name in subs.items():
        cats[code] = catalog.create_category(user=boss, code=code, name=name, parent=cats[code[:2]])

    brand_names = sorted(
        {b for _c, (_n, bs, _i) in STATIONERY.items() for b in bs}
        | {s[2] for s in SNACKS}
        | {"好运来"}
    )
    brands = {n: catalog.create_brand(user=boss, name=n) for n in brand_names}

    seq = iter(range(1, 10_000))
    skus: list[Any] = []

    # 文具: each item in one or two brands; pens sold by 支 and 盒 (1 盒 = 12 支).
    n = 0
    for cat_code, (_cname, brand_list, items) in STATIONERY.items():
        for item, cost in items:
            for brand in brand_list[: 2 if cat_code == "WJ03" else 4]:
                n += 1
                base = (
                    units["支"]
                    if cat_code == "WJ01"
                    else units["本"]
                    if cat_code == "WJ02"
                    else units["个"]
                )
                price = _prices(D(cost) * D(rng.choice(["0.9", "1", "1.1"])))
                unit_specs = [UnitSpec(unit_id=base.pk, barcode=_ean13(next(seq)), prices=price)]
                if cat_code == "WJ01":
                    unit_specs.append(
                        UnitSpec(
                            unit_id=units["盒"].pk,
                            factor=D(12),
                            barcode=_ean13(next(seq)),
                            prices=_scaled(price, D(12)),
                        )
                    )
                elif cat_code == "WJ02" and rng.random() < 0.5:
                    unit_specs.append(
                        UnitSpec(
                            unit_id=units["包"].pk,
                            factor=D(10),
                            barcode=_ean13(next(seq)),
                            prices=_scaled(price, D(10)),
                        )
                    )
                p = catalog.create_product(
                    user=boss,
                    code=f"WJ{n:04d}",
                    name=f"{brand} {item}",
                    base_unit=base,
                    units=unit_specs,
                    category=cats[cat_code],
                    brand=brands[brand],
                )
                skus.extend(p.skus.all())

    # 零食: base unit 罐/包/瓶…, outer 箱 or 盒 with exact factors; most batch-tracked.
    for i, (cat_code, name, brand, cost, outer, factor, shelf, batch) in enumerate(SNACKS, start=1):
        base = units["罐"] if "330ml" in name else units["瓶"] if "ml" in name else units["包"]
        price = _prices(D(cost))
        p = catalog.create_product(
            user=boss,
            code=f"LS{i:04d}",
            name=name,
            base_unit=base,
            units=[
                UnitSpec(unit_id=base.pk, barcode=_ean13(next(seq)), prices=price),
                UnitSpec(
                    unit_id=units[outer].pk,
                    factor=D(factor),
                    barcode=_ean13(next(seq)),
                    prices=_scaled(price, D(factor)),
                ),
            ],
            category=cats[cat_code],
            brand=brands[brand],
            shelf_life_days=shelf,
            tracking="batch" if batch else "none",
        )
        skus.extend(p.skus.all())
    # 散装 by weight: fractional base unit.
    for j, (name, cost) in enumerate(
        [("散装 话梅", "38.00"), ("散装 开心果", "72.00"), ("散装 牛轧糖", "46.00")],
        start=len(SNACKS) + 1,
    ):
        p = catalog.create_product(
            user=boss,
            code=f"LS{j:04d}",
            name=name,
            base_unit=units["千克"],
            units=[UnitSpec(unit_id=units["千克"].pk, prices=_prices(D(cost)))],
            category=cats["LS02"],
            brand=brands["好运来"],
            shelf_life_days=180,
        )
        skus.extend(p.skus.all())

    # 服装: 颜色 × 尺码 matrices.
    for k, (name, cat_code, cost, colours, sizes) in enumerate(CLOTHING, start=1):
        base = units["件"] if cat_code != "FZ03" else units["双"] if "袜" in name else units["顶"]
        variants = [
            VariantSpec(value1=c, value2=s, barcode=_ean13(next(seq), prefix="692"))
            for c in colours
            for s in sizes
        ]
        p = catalog.create_product(
            user=boss,
            code=f"FZ{k:04d}",
            name=name,
            base_unit=base,
            units=[UnitSpec(unit_id=base.pk, prices=_prices(D(cost)))],
            category=cats[cat_code],
            brand=brands["好运来"],
            attribute1="颜色",
            attribute2="尺码",
            variants=variants,
        )
        skus.extend(p.skus.all())

    # Warehouses and bins.
    keeper = users["keeper"]
    whs = [
        inventory.create_warehouse(
            user=boss,
            code="ZC",
            name="总仓",
            kind="warehouse",
            address="杭州市余杭区仓前街道文一西路 1888 号",
            keeper=keeper,
        ),
        inventory.create_warehouse(
            user=boss,
            code="EC",
            name="二号仓",
            kind="warehouse",
            address="杭州市萧山区经济技术开发区建设一路 66 号",
            keeper=keeper,
        ),
        inventory.create_warehouse(
            user=boss,
            code="MD01",
            name="西湖门店",
            kind="store",
            address="杭州市西湖区文三路 259 号",
            keeper=keeper,
        ),
    ]
    for wh, n_bins in zip(whs, (6, 4, 2), strict=True):
        for b in range(1, n_bins + 1):
            inventory.create_bin(
                user=boss,
                warehouse=wh,
                code=f"{chr(64 + (b + 1) // 2)}-{b:02d}",
                name=f"{wh.name} {b} 号货架",
            )
    for sku in skus[::5]:
        low = D(rng.choice([10, 20, 24, 48, 50]))
        inventory.set_stock_limit(
            user=boss, sku=sku, warehouse=whs[0], min_qty=low, max_qty=low * 10
        )
    for sku in skus[1::9]:
        inventory.set_stock_limit(user=boss, sku=sku, warehouse=whs[2], min_qty=D(5), max_qty=D(60))

    # Suppliers.
    supplier_names = [
        ("宁波晨光文具批发有限公司", 30, 3),
        ("义乌得力办公用品有限公司", 30, 5),
        ("杭州可口可乐饮料有限公司", 15, 2),
        ("上海百事饮料销售有限公司", 15, 3),
        ("杭州旺旺食品有限公司", 30, 4),
        ("嘉兴乐事食品有限公司", 30, 4),
        ("温州纺织服饰有限公司", 45, 10),
        ("绍兴柯桥布艺针织厂", 60, 15),
        ("湖州三只松鼠供应链有限公司", 30, 5),
        ("金华康统食品贸易有限公司", 30, 4),
    ]
    suppliers = []
    for i, (name, terms, lead) in enumerate(supplier_names, start=1):
        s = partners.create_supplier(
            user=boss,
            code=f"GYS{i:03d}",
            name=name,
            contact=rng.choice(SURNAMES) + rng.choice(GIVEN),
            phone=_phone(rng),
            address=f"浙江省{name[:2]}市{rng.randint(1, 999)}号",
            tax_number=_tax_number(rng),
            bank_name="中国工商银行",
            bank_account=f"1202{rng.randint(10**14, 10**15 - 1)}",
            payment_terms_days=terms,
            lead_time_days=lead,
        )
        partners.create_contact(
            user=boss,
            partner=s,
            name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            position="业务经理",
            phone=_phone(rng),
        )
        suppliers.append(s)

    # Customers: shops, schools, companies; tiers and price levels.
    kinds = [
        ("便利店", "ordinary", "retail", 0),
        ("超市", "key", "wholesale", 50000),
        ("文具店", "ordinary", "wholesale", 10000),
        ("学校", "vip", "member", 30000),
        ("科技有限公司", "ordinary", "member", 20000),
        ("餐饮店", "ordinary", "retail", 5000),
    ]
    sales = users["sales"]
    for i in range(1, 31):
        kind, tier, level, credit = kinds[i % len(kinds)]
        district = rng.choice(CITY_DISTRICTS)
        c = partners.create_customer(
            user=boss,
            code=f"KH{i:03d}",
            name=f"杭州{district[:2]}{rng.choice(SHOP_WORDS)}{kind}{i}",
            contact=rng.choice(SURNAMES) + rng.choice(GIVEN),
            phone=_phone(rng),
            address=f"杭州市{district}{rng.randint(1, 500)}号",
            tier=tier,
            price_level=level,
            credit_limit=D(credit),
            payment_terms_days=0 if credit == 0 else 30,
            salesperson=sales if i % 3 else boss,
        )
        if i % 4 == 0:
            partners.create_contact(
                user=boss,
                partner=c,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                position="采购",
                phone=_phone(rng),
            )

    # Money accounts.
    for code, name, kind, bank, number, balance in [
        ("XJ01", "现金", "cash", "", "", "5000.00"),
        (
            "YH01",
            "工商银行 基本户",
            "bank",
            "中国工商银行杭州分行",
            "1202021109900123456",
            "286500.00",
        ),
        ("YH02", "招商银行 一般户", "bank", "招商银行杭州分行", "571908765410201", "58000.00"),
        ("WX01", "微信收款", "wechat", "", "", "3200.00"),
        ("ZFB01", "支付宝收款", "alipay", "", "", "4100.00"),
    ]:
        finance.create_account(
            user=boss,
            code=code,
            name=name,
            kind=kind,
            bank_name=bank,
            account_number=number,
            opening_balance=D(balance),
        )
    _stock_history(rng, boss, whs, skus, cats)
    return accounts


# --- 库存历史: a few months of stock documents, so the reports have content ---------------------


def _months_back(today, n: int):
    """First days of the month ``n`` months before ``today``'s month … this month."""
    import datetime as dt

    out = []
    y, m = today.year, today.month
    for _i in range(n + 1):
        out.append(dt.date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def _stock_history(rng: random.Random, boss, whs, skus, cats) -> None:
    """期初库存 three months back, then each month 其他入库, 其他出库 and a 调拨 to the store,
    a 盘点 of the writing instruments last month, and the first two months closed (月结) —
    all through the warehouse documents' services, with batches (some expiring soon)."""
    import datetime as dt

    from django.utils import timezone

    from jxc.catalog.models import SkuUnit
    from jxc.core.periods import close_period
    from jxc.inventory.documents import services as docs
    from jxc.inventory.documents.models import StockCountLine
    from jxc.inventory.documents.rules import LineInput

    today = timezone.localdate()
    months = _months_back(today, 3)
    zc, _ec, store = whs
    price = dict(
        SkuUnit.objects.filter(is_base=True, sku__in=skus).values_list("sku_id", "purchase_price")
    )
    tracked = {s.pk for s in skus if s.product.tracking == "batch"}
    fraction = {s.pk for s in skus if s.product.base_unit.allow_fraction}
    shelf = {s.pk: s.product.shelf_life_days or 365 for s in skus}
    held: dict[tuple[int, int], Decimal] = {}

    def on(month_first, day: int):
        return min(month_first.replace(day=day), today)

    def qty(sku, low: int, high: int) -> Decimal:
        if sku.pk in fraction:
            return D(rng.randint(low * 2, high * 2)) / 2
        return D(rng.randint(low, high))

    def receipt_line(sku, n: Decimal, day, *, expiring: bool = False) -> LineInput:
        batch, expiry = "", None
        if sku.pk in tracked:
            expiry = day + dt.timedelta(days=rng.randint(10, 25) if expiring else shelf[sku.pk])
            batch = f"{day:%Y%m%d}{sku.pk % 100:02d}"
        cost = (price[sku.pk] * D(rng.choice(["0.95", "1", "1", "1.05"]))).quantize(D("0.01"))
        return LineInput(sku=sku.pk, qty=n, price=cost, batch_number=batch, expiry_date=expiry)

    def post(doc) -> None:
        docs.submit_document(doc, user=boss)
        docs.approve_document(doc, user=boss)
        docs.post_document(doc, user=boss)

    def stock_in(kind: str, wh, day, lines: list[LineInput], reason: str = "") -> None:
        doc = docs.create_stock_document(
            user=boss, kind=kind, warehouse=wh, date=day, reason=reason, lines=lines
        )
        post(doc)
        for x in lines:
            held[(x.sku, wh.pk)] = held.get((x.sku, wh.pk), D(0)) + x.qty

    def take(wh, candidates, n_lines: int, share: str) -> list[LineInput]:
        """Lines taking a share of what the warehouse holds of some SKUs (never more)."""
        out = []
        for sku in rng.sample(candidates, min(n_lines, len(candidates))):
            have = held.get((sku.pk, wh.pk), D(0))
            n = (have * D(share)).quantize(D("0.5") if sku.pk in fraction else D(1))
            if n > 0:
                out.append(LineInput(sku=sku.pk, qty=n))
                held[(sku.pk, wh.pk)] = have - n
        return out

    # 期初: most SKUs in 总仓, a fifth in the store; a few batches expire within weeks.
    opening_day = months[0]
    in_zc = skus[::2]
    in_store = skus[1::5]
    expiring = set(rng.sample([s.pk for s in in_zc if s.pk in tracked], 4))
    stock_in(
        "opening_stock",
        zc,
        opening_day,
        [receipt_line(s, qty(s, 40, 200), opening_day, expiring=s.pk in expiring) for s in in_zc],
    )
    stock_in(
        "opening_stock",
        store,
        opening_day,
        [receipt_line(s, qty(s, 10, 40), opening_day) for s in in_store],
    )
    moving = in_zc[: len(in_zc) * 3 // 4]  # the last quarter never moves again (呆滞)

    for i, first in enumerate(months):
        for day in (5, 18):
            picks = rng.sample(moving, 10)
            stock_in(
                "other_receipt",
                zc,
                on(first, day),
                [receipt_line(s, qty(s, 20, 80), on(first, day)) for s in picks],
                reason="other",
            )
        for day, wh, share in ((9, zc, "0.3"), (22, zc, "0.25"), (14, store, "0.4")):
            pool = moving if wh is zc else in_store
            lines = take(wh, pool, 8, share)
            if lines and on(first, day) > opening_day:
                doc = docs.create_stock_document(
                    user=boss,
                    kind="other_issue",
                    warehouse=wh,
                    date=on(first, day),
                    reason=rng.choice(["internal_use", "sample", "gift"]),
                    lines=lines,
                )
                post(doc)
        lines = take(zc, moving, 6, "0.2")
        if lines and on(first, 12) > opening_day:
            transfer = docs.create_transfer(
                user=boss, from_warehouse=zc, to_warehouse=store, date=on(first, 12), lines=lines
            )
            post(transfer)
            docs.receive_transfer(transfer, user=boss, date=on(first, 13))
            for x in lines:
                held[(x.sku, store.pk)] = held.get((x.sku, store.pk), D(0)) + x.qty
        if i == 2:
            # 盘点 of the writing instruments in 总仓 on the 25th: a few differences.
            count = docs.create_stock_count(
                user=boss, warehouse=zc, date=on(first, 25), category=cats["WJ01"]
            )
            count_lines = list(StockCountLine.objects.filter(count=count).order_by("line_no"))
            counted = {cl.pk: cl.book_qty for cl in count_lines}
            for cl in rng.sample(count_lines, min(3, len(count_lines))):
                counted[cl.pk] = max(cl.book_qty + rng.choice([-2, -1, 1]), D(0))
            docs.record_counts(count, user=boss, counts=counted)
            post(count)
    # 月结 of the first two months (the third waits for its close in the demo).
    for first in months[:2]:
        close_period(year=first.year, month=first.month, user=boss)


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
