"""客户 and 供应商 imports: code, name, contact, tier, credit limit, payment terms …, through
the partners' services (validated and audited like a typed-in partner). Codes that exist are
updated or skipped as chosen on the preview."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MONEY_PLACES
from jxc.core.services import snapshot
from jxc.imports.rollback import delete_created, remember, restore_updated
from jxc.imports.spec import (
    CHOICE,
    CODE,
    DECIMAL,
    INTEGER,
    TEXT,
    Column,
    Context,
    ImportSpec,
    Row,
    each_row,
    keyed,
)
from jxc.partners import services
from jxc.partners.choices import CustomerTier, PriceLevel
from jxc.partners.models import Contact, Customer, Supplier

_DAYS = services.MAX_DAYS["payment_terms_days"]

COMMON = (
    Column("code", _("code"), CODE, required=True, max_length=40, example=("C0001", "C0002")),
    Column(
        "name", _("name"), TEXT, required=True, max_length=120, example=("华联超市", "张三便利店")
    ),
    Column("contact", _("contact person"), TEXT, max_length=40, example=("李四", "")),
    Column("phone", _("phone"), CODE, max_length=30, example=("13812345678", "")),
    Column("position", _("position"), TEXT, max_length=40, example=("采购经理", "")),
    Column("email", _("e-mail"), TEXT, max_length=254, example=("", "")),
    Column("address", _("address"), TEXT, max_length=200, example=("杭州市西湖区", "")),
    Column("tax_number", _("tax number"), CODE, max_length=20, example=("", "")),
    Column("bank_name", _("bank"), TEXT, max_length=80, example=("", "")),
    Column("bank_account", _("bank account"), CODE, max_length=40, example=("", "")),
    Column(
        "payment_terms_days",
        _("payment terms (days)"),
        INTEGER,
        maximum=Decimal(_DAYS),
        example=("30", "0"),
    ),
    Column("memo", _("memo"), TEXT, max_length=500, example=("", "")),
)
CUSTOMER_COLUMNS = (
    *COMMON,
    Column("tier", _("tier"), CHOICE, choices=tuple(CustomerTier.choices), example=("VIP", "")),
    Column(
        "price_level",
        _("price level"),
        CHOICE,
        choices=tuple(PriceLevel.choices),
        example=("", ""),
    ),
    Column(
        "credit_limit",
        _("credit limit"),
        DECIMAL,
        places=MONEY_PLACES,
        maximum=Decimal(10**12),
        example=("50000", "0"),
    ),
)
SUPPLIER_COLUMNS = (
    *COMMON,
    Column(
        "lead_time_days",
        _("lead time (days)"),
        INTEGER,
        maximum=Decimal(services.MAX_DAYS["lead_time_days"]),
        example=("7", "3"),
    ),
)
PARTNER_FIELDS = (
    "name",
    "contact",
    "phone",
    "address",
    "tax_number",
    "bank_name",
    "bank_account",
    "payment_terms_days",
    "memo",
)
EXTRA = {"customer": ("tier", "price_level", "credit_limit"), "supplier": ("lead_time_days",)}


def _existing(model):
    def existing(codes: set[str]) -> set[str]:
        found: set[str] = set()
        wanted = sorted(codes)
        for i in range(0, len(wanted), 500):
            found |= set(
                model.objects.filter(code__in=wanted[i : i + 500]).values_list("code", flat=True)
            )
        return found

    return existing


def _check(model):
    def check(rows: list[Row], ctx: Context) -> list[dict[str, Any]]:
        ctx.duplicates(rows, "code")
        existing = _existing(model)({r["code"] for r in rows})
        items = []
        for r, action in keyed(rows, ctx, "code", existing):
            values = {
                k: (str(v) if v is not None and k == "credit_limit" else v)
                for k, v in r.values.items()
            }
            items.append({"row": r.number, "action": action, **values})
        return items

    return check


def _write(side: str):
    model: Any = Customer if side == "customer" else Supplier
    create: Any = services.create_customer if side == "customer" else services.create_supplier
    update: Any = services.update_customer if side == "customer" else services.update_supplier

    def write_one(item: dict[str, Any], ctx: Context) -> None:
        fields = {k: item[k] for k in PARTNER_FIELDS if item.get(k) not in (None, "")}
        for k in EXTRA[side]:
            if item.get(k) not in (None, ""):
                fields[k] = item[k]
        if item["action"] == "update":
            partner = model.objects.get(code=item["code"])
            before = snapshot(partner)
            update(partner, user=ctx.user, **fields)
            remember(ctx, partner, before)
        else:
            partner = create(user=ctx.user, code=item["code"], **fields)
            ctx.result.setdefault("created", []).append(partner.pk)
        if item.get("contact"):
            exists = Contact.objects.filter(**{side: partner}, name=item["contact"]).exists()
            if not exists:
                contact = services.create_contact(
                    user=ctx.user,
                    partner=partner,
                    name=item["contact"],
                    position=item.get("position") or "",
                    phone=item.get("phone") or "",
                    email=item.get("email") or "",
                )
                ctx.result.setdefault("contacts", []).append(contact.pk)
        ctx.result[item["action"]] = ctx.result.get(item["action"], 0) + 1

    def write(items: list[dict[str, Any]], ctx: Context) -> None:
        each_row(items, ctx, lambda item: write_one(item, ctx))

    return write


def _undo(model):
    update: Any = services.update_customer if model is Customer else services.update_supplier

    def undo(result: dict[str, Any], ctx: Context) -> None:
        """撤销: the partners updated get their old values back; the contacts and partners
        created are deleted — all or none."""
        with transaction.atomic():
            restore_updated(result, ctx, via={model: update})
            delete_created(
                (Contact, "pk", list(result.get("contacts", []))),
                (model, "pk", list(result.get("created", []))),
            )

    return undo


CUSTOMERS = ImportSpec(
    kind="customers",
    title=_("Customers"),
    permission="customer.create",
    columns=CUSTOMER_COLUMNS,
    key="code",
    existing=_existing(Customer),
    check=_check(Customer),
    write=_write("customer"),
    undo=_undo(Customer),
    filename="customers",
    notes=(_("A contact person with a phone is also added to the partner's contacts."),),
)
SUPPLIERS = ImportSpec(
    kind="suppliers",
    title=_("Suppliers"),
    permission="supplier.create",
    columns=SUPPLIER_COLUMNS,
    key="code",
    existing=_existing(Supplier),
    check=_check(Supplier),
    write=_write("supplier"),
    undo=_undo(Supplier),
    filename="suppliers",
    notes=(_("A contact person with a phone is also added to the partner's contacts."),),
)
SPECS = {CUSTOMERS.kind: CUSTOMERS, SUPPLIERS.kind: SUPPLIERS}
