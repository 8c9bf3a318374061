"""Demo partners and money: suppliers and customers with contacts, tiers and credit
limits; cash, bank, WeChat and Alipay accounts with opening balances."""

from __future__ import annotations

import random

from jxc.cli.demo_data import (
    CITY_DISTRICTS,
    GIVEN,
    SHOP_WORDS,
    SURNAMES,
    D,
    phone_number,
    tax_number,
)


def load_partners(rng: random.Random, boss, sales) -> None:
    """Ten suppliers and thirty customers (shops, schools, companies)."""
    from jxc.partners import services as partners

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
            phone=phone_number(rng),
            address=f"浙江省{name[:2]}市{rng.randint(1, 999)}号",
            tax_number=tax_number(rng),
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
            phone=phone_number(rng),
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
    for i in range(1, 31):
        kind, tier, level, credit = kinds[i % len(kinds)]
        district = rng.choice(CITY_DISTRICTS)
        c = partners.create_customer(
            user=boss,
            code=f"KH{i:03d}",
            name=f"杭州{district[:2]}{rng.choice(SHOP_WORDS)}{kind}{i}",
            contact=rng.choice(SURNAMES) + rng.choice(GIVEN),
            phone=phone_number(rng),
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
                phone=phone_number(rng),
            )


def load_accounts(boss) -> None:
    """资金账户 with their opening balances."""
    from jxc.finance import services as finance

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
