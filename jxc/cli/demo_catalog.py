"""Demo catalog and warehouses: units, categories, brands, 文具 / 零食 / 服装 products with
their units, barcodes, prices and variants; warehouses, bins and stock limits."""

from __future__ import annotations

import random
from typing import Any

from jxc.cli.demo_data import (
    CLOTHING,
    SNACKS,
    STATIONERY,
    D,
    ean13,
    prices_from_cost,
    scaled,
)


def load_catalog(rng: random.Random, boss) -> tuple[list[Any], dict[str, Any]]:
    """Units, categories, brands and products; returns (every SKU, categories by code)."""
    from jxc.catalog import services as catalog
    from jxc.catalog.rules import UnitSpec, VariantSpec

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
                price = prices_from_cost(D(cost) * D(rng.choice(["0.9", "1", "1.1"])))
                unit_specs = [UnitSpec(unit_id=base.pk, barcode=ean13(next(seq)), prices=price)]
                if cat_code == "WJ01":
                    unit_specs.append(
                        UnitSpec(
                            unit_id=units["盒"].pk,
                            factor=D(12),
                            barcode=ean13(next(seq)),
                            prices=scaled(price, D(12)),
                        )
                    )
                elif cat_code == "WJ02" and rng.random() < 0.5:
                    unit_specs.append(
                        UnitSpec(
                            unit_id=units["包"].pk,
                            factor=D(10),
                            barcode=ean13(next(seq)),
                            prices=scaled(price, D(10)),
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
        price = prices_from_cost(D(cost))
        p = catalog.create_product(
            user=boss,
            code=f"LS{i:04d}",
            name=name,
            base_unit=base,
            units=[
                UnitSpec(unit_id=base.pk, barcode=ean13(next(seq)), prices=price),
                UnitSpec(
                    unit_id=units[outer].pk,
                    factor=D(factor),
                    barcode=ean13(next(seq)),
                    prices=scaled(price, D(factor)),
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
            units=[UnitSpec(unit_id=units["千克"].pk, prices=prices_from_cost(D(cost)))],
            category=cats["LS02"],
            brand=brands["好运来"],
            shelf_life_days=180,
        )
        skus.extend(p.skus.all())

    # 服装: 颜色 × 尺码 matrices.
    for k, (name, cat_code, cost, colours, sizes) in enumerate(CLOTHING, start=1):
        base = units["件"] if cat_code != "FZ03" else units["双"] if "袜" in name else units["顶"]
        variants = [
            VariantSpec(value1=c, value2=s, barcode=ean13(next(seq), prefix="692"))
            for c in colours
            for s in sizes
        ]
        p = catalog.create_product(
            user=boss,
            code=f"FZ{k:04d}",
            name=name,
            base_unit=base,
            units=[UnitSpec(unit_id=base.pk, prices=prices_from_cost(D(cost)))],
            category=cats[cat_code],
            brand=brands["好运来"],
            attribute1="颜色",
            attribute2="尺码",
            variants=variants,
        )
        skus.extend(p.skus.all())
    return skus, cats


def load_warehouses(rng: random.Random, boss, keeper, skus) -> list[Any]:
    """总仓, 二号仓 and 西湖门店 with bins, and stock limits on a share of the SKUs."""
    from jxc.inventory import services as inventory

    # Warehouses and bins.
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
    return whs
