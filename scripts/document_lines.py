"""Production lines per document type: non-blank, non-comment Python lines (docstrings count)
of the modules a type is made of, tests, templates and migrations excluded. Types sharing
modules (借出单 / 借入单) share the count evenly.

    .venv/bin/python scripts/document_lines.py [--rev REV]   # REV: a git revision (default: the work tree)

Only a type's own modules are counted: what it adds to shared modules (its declaration in a
``choices.py`` of several types, its tables in a shared ``models.py``) and the platform it
stands on are not.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# group: (the types it declares, the modules they take)
GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "loans": (
        ("借出单", "借入单"),
        (
            "jxc/loans/__init__.py",
            "jxc/loans/apps.py",
            "jxc/loans/choices.py",
            "jxc/loans/models.py",
            "jxc/loans/rules.py",
            "jxc/loans/services.py",
            "jxc/loans/selectors.py",
            "jxc/loans/filters.py",
            "jxc/api/loans.py",
            "jxc/web/views/loans.py",
        ),
    ),
    "transfer": (
        ("调拨单",),
        (
            "jxc/inventory/documents/transfers.py",
            "jxc/api/stock_transfers.py",
            "jxc/web/views/stock_transfers.py",
        ),
    ),
    # 组装单 / 拆卸单 with the kit definitions (组装件 BOM) they take the components from
    "assembly": (
        ("组装单", "拆卸单"),
        (
            "jxc/inventory/documents/assembly_models.py",
            "jxc/inventory/documents/assembly.py",
            "jxc/inventory/documents/assembly_rules.py",
            "jxc/api/stock_assembly.py",
            "jxc/web/views/stock_assembly.py",
        ),
    ),
    # 盘点单: sheets made with the book frozen, counted by scan / typing / import, reviewed
    "count": (
        ("盘点单",),
        (
            "jxc/inventory/documents/counts.py",
            "jxc/inventory/documents/count_entry.py",
            "jxc/inventory/documents/count_rules.py",
            "jxc/api/stock_counts.py",
            "jxc/web/views/stock_counts.py",
            "jxc/web/views/stock_count_scan.py",
        ),
    ),
    # the sales documents (issue 15), one app for five types; 销项发票 (invoices) apart
    "sales": (
        ("报价单", "销售订单", "拣货单", "销售出库单", "销售退货单"),
        (
            *(
                f"jxc/sales/{m}.py"
                for m in (
                    "__init__",
                    "apps",
                    "alert_sources",
                    "choices",
                    "errors",
                    "filters",
                    "models",
                    "rules",
                    "selectors",
                    "orders",
                    "picking",
                    "deliveries",
                    "returns",
                )
            ),
            "jxc/api/sales.py",
            "jxc/web/views/sales.py",
        ),
    ),
    # the purchasing documents (issue 14); 进项发票, three-way match and supplier performance apart
    "purchasing": (
        ("采购申请", "采购订单", "采购入库单", "采购退货单", "费用分摊单"),
        (
            *(
                f"jxc/purchasing/{m}.py"
                for m in (
                    "__init__",
                    "apps",
                    "alert_sources",
                    "choices",
                    "errors",
                    "filters",
                    "mail",
                    "models",
                    "requisition_models",
                    "return_models",
                    "landed_models",
                    "rules",
                    "selectors",
                    "services",
                    "requisitions",
                    "receipts",
                    "returns",
                    "landed_costs",
                )
            ),
            "jxc/api/purchasing.py",
            "jxc/api/purchase_requisitions.py",
            "jxc/api/purchase_returns.py",
            "jxc/api/landed_costs.py",
            "jxc/web/views/purchasing.py",
            "jxc/web/views/purchase_requisitions.py",
            "jxc/web/views/purchase_returns.py",
            "jxc/web/views/landed_costs.py",
        ),
    ),
}

SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}


def source(path: str, rev: str | None) -> str | None:
    if rev is None:
        file = ROOT / path
        return file.read_text() if file.exists() else None
    shown = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:{path}"], capture_output=True, text=True
    )
    return shown.stdout if shown.returncode == 0 else None


def code_lines(text: str) -> int:
    """The lines holding a token other than a comment (a docstring counts)."""
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type not in SKIP and tok.type != tokenize.ENDMARKER:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return len(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rev", help="a git revision (default: the work tree)")
    rev = parser.parse_args().rev
    for group, (types, files) in GROUPS.items():
        texts = {f: text for f in files if (text := source(f, rev)) is not None}
        counted = {f: code_lines(text) for f, text in texts.items()}
        total, n = sum(counted.values()), len(types)
        raw = sum(len(text.splitlines()) for text in texts.values())
        print(
            f"{group} ({' / '.join(types)}): {total} lines = {total / n:.0f} per type"
            f" (every line, blank and comment too: {raw} = {raw / n:.0f} per type)"
        )
        for f, n in counted.items():
            print(f"    {n:5d}  {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
