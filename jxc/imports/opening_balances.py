"""期初应收 / 期初应付 and 资金账户期初 imports.

Receivables and payables go in through the party-ledger writer (``record_party_entries``,
kind ``opening``): a balance per partner (one row, no document number), or the open documents
behind it (one row each, with its number, date and due date), each an open item that later
receipts and payments settle like any other. A negative amount is money received or paid in
advance (预收 / 预付). Cash and bank accounts are created with their opening balance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from jxc.core.documents.models import SourceRef
from jxc.core.fields import MAX_MONEY, MONEY_PLACES
from jxc.core.services import snapshot
from jxc.finance import services as finance
from jxc.finance.choices import AccountKind, EntryKind, PartySide
from jxc.finance.models import Account, PartyLedgerEntry
from jxc.finance.party_ledger import record_party_entries, reverse_party_entries
from jxc.finance.rules import PartyLine
from jxc.imports.rollback import remember
from jxc.imports.spec import (
    CHOICE,
    CODE,
    DATE,
    DECIMAL,
    TEXT,
    Column,
    Context,
    ImportSpec,
    Row,
    each_row,
    keyed,
)
from jxc.partners.models import Customer, Supplier

SOURCE_KIND = "opening_import"

BALANCE_COLUMNS = (
    Column(
        "side",
        _("book"),
        CHOICE,
        required=True,
        choices=tuple(PartySide.choices),
        example=("应收", "应付", "应收"),
    ),
    Column(
        "partner",
        _("customer or supplier code"),
        CODE,
        required=True,
        example=("C001", "S001", "C002"),
    ),
    Column(
        "amount",
        _("amount"),
        DECIMAL,
        required=True,
        places=MONEY_PLACES,
        minimum=-MAX_MONEY,
        maximum=MAX_MONEY,
        example=("12,000.00", "8500", "-500"),
        help=_("What the partner owes us (应收) or we owe them (应付); negative: paid in advance."),
    ),
    Column("number", _("document number"), TEXT, max_length=40, example=("XS2025-118", "", "")),
    Column("date", _("business date"), DATE, example=("2025-12-20", "", "")),
    Column("due_date", _("payment due date"), DATE, example=("2026-01-19", "", "")),
    Column("memo", _("memo"), TEXT, max_length=200, example=("", "", "")),
)
OPTIONS = (Column("date", _("opening date"), DATE, required=True),)


def _option_date(ctx: Context) -> dt.date:
    value = ctx.options["date"]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def check_balances(rows: list[Row], ctx: Context) -> list[dict[str, Any]]:
    codes = {r["partner"] for r in rows}
    customers = dict(Customer.objects.filter(code__in=codes).values_list("code", "pk"))
    suppliers = dict(Supplier.objects.filter(code__in=codes).values_list("code", "pk"))
    opening = _option_date(ctx)
    items = []
    for r in rows:
        book = customers if r["side"] == PartySide.RECEIVABLE else suppliers
        partner = book.get(r["partner"])
        if partner is None:
            message = (
                _("Unknown customer code.")
                if r["side"] == PartySide.RECEIVABLE
                else _("Unknown supplier code.")
            )
            ctx.problem(r.number, "partner", message)
            continue
        if not r["amount"]:
            ctx.problem(r.number, "amount", _("An opening balance of zero is no balance."))
            continue
        day = r["date"] or opening
        if day > opening:
            ctx.problem(r.number, "date", _("After the opening date %(date)s.") % {"date": opening})
            continue
        items.append(
            {
                "row": r.number,
                "side": r["side"],
                "partner": partner,
                "amount": str(r["amount"]),
                "number": r["number"],
                "date": day.isoformat(),
                "due_date": r["due_date"].isoformat() if r["due_date"] else None,
                "memo": r["memo"],
            }
        )
    return items


def write_balances(items: list[dict[str, Any]], ctx: Context) -> None:
    """Each row through the party-ledger writer (idempotent per batch and row: a chunk applied
    again after a crash adds nothing twice)."""
    done = (
        set(
            PartyLedgerEntry.objects.filter(
                source_kind=SOURCE_KIND,
                source_id=ctx.batch_id,
                source_line__in=[i["row"] for i in items],
            ).values_list("source_line", flat=True)
        )
        if ctx.batch_id
        else set()
    )

    def one(item: dict[str, Any]) -> None:
        if item["row"] in done:
            return
        record_party_entries(
            [
                PartyLine(
                    side=item["side"],
                    partner_id=item["partner"],
                    amount=Decimal(item["amount"]),
                    date=dt.date.fromisoformat(item["date"]),
                    kind=EntryKind.OPENING,
                    due_date=dt.date.fromisoformat(item["due_date"]) if item["due_date"] else None,
                    source_line=item["row"],
                    memo=item["memo"] or "",
                )
            ],
            source=SourceRef(kind=SOURCE_KIND, id=ctx.batch_id, number=item["number"] or ""),
            user=ctx.user,
        )
        ctx.result["entries"] = ctx.result.get("entries", 0) + 1

    each_row(items, ctx, one)


def undo_balances(result: dict[str, Any], ctx: Context) -> None:
    """撤销: the batch's entries reversed by the party ledger's 红冲 (each counter-entry
    settled against its original), on the opening date."""
    from jxc.core.errors import NothingToReverse

    try:
        record = reverse_party_entries(
            source=SourceRef(kind=SOURCE_KIND, id=ctx.batch_id, number=""),
            user=ctx.user,
            date=_option_date(ctx),
        )
    except NothingToReverse:
        record = []
    ctx.result["reversed"] = len(record)


def undo_accounts(result: dict[str, Any], ctx: Context) -> None:
    """撤销: the accounts updated get their old values back (name, opening balance …), the
    ones created are deleted — all or none."""
    from django.db import transaction

    from jxc.imports.rollback import delete_created, restore_updated

    with transaction.atomic():
        restore_updated(result, ctx, via={Account: finance.update_account})
        delete_created((Account, "pk", list(result.get("created", []))))


BALANCES = ImportSpec(
    kind="opening-balances",
    title=_("Opening receivables and payables"),
    permission="opening_balance.create",
    columns=BALANCE_COLUMNS,
    options=OPTIONS,
    check=check_balances,
    write=write_balances,
    undo=undo_balances,
    filename="opening-balances",
    notes=(
        _(
            "A balance per partner: one row without a document number. Open documents: one row each, with number, date and due date."
        ),
        _("Rows without a date are dated on the opening date."),
    ),
)


ACCOUNT_COLUMNS = (
    Column("code", _("code"), CODE, required=True, max_length=40, example=("XJ", "GH01")),
    Column(
        "name", _("name"), TEXT, required=True, max_length=80, example=("现金", "工商银行基本户")
    ),
    Column(
        "kind",
        _("type"),
        CHOICE,
        required=True,
        choices=tuple(AccountKind.choices),
        example=("现金", "银行"),
    ),
    Column("bank_name", _("bank"), TEXT, max_length=80, example=("", "工商银行杭州分行")),
    Column(
        "account_number",
        _("account number"),
        CODE,
        max_length=40,
        example=("", "6222020200112233445"),
    ),
    Column(
        "opening_balance",
        _("opening balance"),
        DECIMAL,
        places=MONEY_PLACES,
        maximum=MAX_MONEY,
        example=("3,200.50", "158000"),
    ),
)


def existing_accounts(codes: set[str]) -> set[str]:
    return set(Account.objects.filter(code__in=codes).values_list("code", flat=True))


def check_accounts(rows: list[Row], ctx: Context) -> list[dict[str, Any]]:
    ctx.duplicates(rows, "code")
    found = existing_accounts({r["code"] for r in rows})
    return [
        {
            "row": r.number,
            "action": action,
            **{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.values.items()},
        }
        for r, action in keyed(rows, ctx, "code", found)
    ]


def write_accounts(items: list[dict[str, Any]], ctx: Context) -> None:
    opening = _option_date(ctx)

    def one(item: dict[str, Any]) -> None:
        fields = {
            "name": item["name"],
            "kind": item["kind"],
            "bank_name": item["bank_name"] or "",
            "account_number": item["account_number"] or "",
            "opening_balance": Decimal(item["opening_balance"] or 0),
            "opening_date": opening,
        }
        if item["action"] == "update":
            account = Account.objects.get(code=item["code"])
            before = snapshot(account)
            finance.update_account(account, user=ctx.user, **fields)
            remember(ctx, account, before)
        else:
            account = finance.create_account(user=ctx.user, code=item["code"], **fields)
            ctx.result.setdefault("created", []).append(account.pk)

    each_row(items, ctx, one)


ACCOUNTS = ImportSpec(
    kind="accounts",
    title=_("Cash and bank accounts"),
    permission="account.create",
    columns=ACCOUNT_COLUMNS,
    options=OPTIONS,
    key="code",
    existing=existing_accounts,
    check=check_accounts,
    write=write_accounts,
    undo=undo_accounts,
    filename="accounts",
)
SPECS = {BALANCES.kind: BALANCES, ACCOUNTS.kind: ACCOUNTS}
