"""Report tables for the stock pages: one column list serves the HTML table, the totals row
and the Excel export; cost columns are left out for users without ``cost.view``
(jxc.core.visibility), and numbers stay numbers in the .xlsx."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.urls import NoReverseMatch, reverse

from jxc.core.visibility import can_view_cost
from jxc.web.generic.columns import plain_decimal
from jxc.web.generic.export import NUMBER_FORMATS, xlsx_file

NUMERIC = frozenset(NUMBER_FORMATS)
PER_PAGE = 50


@dataclass(frozen=True)
class Col:
    """A report column: ``key`` in the row dicts, header ``label`` (under ``group`` when the
    header has two rows), ``kind`` text / qty / money / price / date, ``cost`` figure?"""

    key: str
    label: Any
    kind: str = "text"
    cost: bool = False
    group: Any = None
    link: str = ""  # row key holding the URL this cell links to
    tag: str = ""  # row key holding a tag shown after the cell's text (成本重算中); not exported
    detail: bool = False  # folded away on a phone until the reader asks for the detail

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


def visible(cols: Iterable[Col], user) -> list[Col]:
    """The columns this user may see (cost figures only with ``cost.view``)."""
    ok = can_view_cost(user)
    return [c for c in cols if ok or not c.cost]


def fmt(col: Col, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        if col.kind == "money":
            return plain_decimal(value, 2)
        if col.kind == "price":
            return plain_decimal(value, 4)
        return plain_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def header_rows(cols: Sequence[Col]) -> tuple[list[dict], list[Col]] | None:
    """The group row of a two-row header: [{label, span}] (None when no column has a group)."""
    if not any(c.group for c in cols):
        return None
    groups: list[dict] = []
    for c in cols:
        label = str(c.group) if c.group else ""
        if groups and groups[-1]["label"] == label and label:
            groups[-1]["span"] += 1
        else:
            groups.append({"label": label, "span": 1, "col": c})
    return groups, list(cols)


def table(cols: Sequence[Col], rows: Iterable[dict], totals: dict | None = None) -> dict:
    """Template context of ``web/reports/_table.html``."""
    cols = list(cols)

    def cells(row: dict) -> list[dict]:
        return [
            {
                "text": fmt(c, row.get(c.key)),
                "col": c,
                "url": row.get(c.link) if c.link else "",
                "tag": row.get(c.tag) if c.tag else "",
            }
            for c in cols
        ]

    groups = header_rows(cols)
    return {
        "cols": cols,
        "groups": groups[0] if groups else None,
        "rows": [cells(r) for r in rows],
        "totals": cells(totals) if totals is not None else None,
        "has_detail": any(c.detail for c in cols),
    }


def paginate(request, items, per_page: int = PER_PAGE):
    """A page of ``items`` and the pager links (the filters kept in every link)."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    links: list[dict[str, Any]] = []
    for n in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if n == paginator.ELLIPSIS:
            links.append({"gap": True})
            continue
        params["page"] = n
        links.append({"n": n, "current": n == page.number, "query": params.urlencode()})
    return page, {"count": paginator.count, "links": links if paginator.num_pages > 1 else []}


def export_query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params["export"] = "xlsx"
    return params.urlencode()


def xlsx_response(title: str, cols: Sequence[Col], rows: Iterable[dict], totals=None):
    """The report as an .xlsx with Chinese (the user's language) headers (two header rows
    when the columns are grouped)."""
    groups = header_rows(cols)
    return xlsx_file(
        title,
        [str(c.label) for c in cols],
        [c.kind for c in cols],
        ([row.get(c.key) for c in cols] for row in rows),
        group_header=[str(g["label"]) for g in groups[0] for _ in range(g["span"])]
        if groups
        else None,
        totals=[totals.get(c.key) for c in cols] if totals is not None else None,
    )


# --- links to the documents behind ledger rows ---------------------------------------------

# source kind (SourceRef.kind) → URL name of its detail page; screens of documents may add
# theirs with ``register_document_url``; others are found by the naming convention.
DOCUMENT_URLS: dict[str, str] = {"disassembly": "web:assembly_detail"}
_missing: set[str] = set()


def register_document_url(kind: str, url_name: str) -> None:
    DOCUMENT_URLS[kind] = url_name


def document_url(kind: str, pk: int) -> str:
    """The page of the document a move came from ('' when it has none yet)."""
    if kind in _missing:
        return ""
    names = [DOCUMENT_URLS[kind]] if kind in DOCUMENT_URLS else []
    names += [f"web:{kind}_detail", f"web:{kind.replace('_', '')}_detail"]
    for name in names:
        try:
            url = reverse(name, args=[pk])
        except NoReverseMatch:
            continue
        DOCUMENT_URLS[kind] = name
        return url
    _missing.add(kind)
    return ""


def query_string(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})
