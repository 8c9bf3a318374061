"""Report tables for the stock pages: one column list serves the HTML table, the totals row
and the Excel export; cost columns are left out for users without ``cost.view``
(jxc.core.visibility), and numbers stay numbers in the .xlsx.

Mixed units: a quantity column declared ``mixed`` shows a SKU's quantity also in its units
(3箱5瓶) beside the base quantity, on screen under the figure and in the export as a text
column after it, for every row that names its SKU (``sku_id``) when the SKU has several units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from jxc.core.visibility import can_view_cost
from jxc.web.generic.columns import plain_decimal
from jxc.web.generic.export import NUMBER_FORMATS, xlsx_file
from jxc.web.generic.line_grid import in_units, units_of

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
    mixed: bool = False  # a base quantity also shown in the row's SKU's units (3箱5瓶)

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


UNITS = "__units"  # row key suffix of a mixed column's 3箱5瓶 text
UNITS_CHUNK = 500  # rows whose SKUs' units are read at once


def with_units(cols: Sequence[Col], rows: Iterable[dict]) -> Iterator[dict]:
    """The rows, each ``mixed`` column's quantity also in the SKU's units (row ``sku_id``),
    under ``<key>__units``; the units are read once per chunk of rows."""
    keys = [c.key for c in cols if c.mixed]
    if not keys:
        yield from rows
        return
    chunk: list[dict] = []

    def flush() -> Iterator[dict]:
        units = units_of(r["sku_id"] for r in chunk if r.get("sku_id"))
        for r in chunk:
            its = units.get(r.get("sku_id") or 0, [])
            larger = [Decimal(u["factor"]) for u in its if Decimal(u["factor"]) > 1]
            if larger:  # nothing below one larger unit: 5瓶 says no more than 5
                least = min(larger)
                for k in keys:
                    if isinstance(q := r.get(k), Decimal) and abs(q) >= least:
                        r[k + UNITS] = in_units(q, its)
            yield r

    for row in rows:
        chunk.append(row)
        if len(chunk) >= UNITS_CHUNK:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def table(
    cols: Sequence[Col], rows: Iterable[dict], totals: dict | None = None, *, fold: bool = False
) -> dict:
    """Template context of ``web/reports/_table.html``; ``fold``: on a phone each card shows
    its quantities only until opened (收发存汇总's many figures)."""
    cols = list(cols)
    rows = list(with_units(cols, rows))
    if totals is not None:
        totals = next(with_units(cols, [totals]))

    def cells(row: dict) -> list[dict]:
        return [
            {
                "text": fmt(c, row.get(c.key)),
                "col": c,
                "url": row.get(c.link) if c.link else "",
                "tag": row.get(c.tag) if c.tag else "",
                "units": row.get(c.key + UNITS, "") if c.mixed else "",
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
        "fold": fold,
    }


PAGE_SIZES = (20, 50, 100)
PHONE_PER_PAGE = 20


def is_phone(request) -> bool:
    """A phone's browser (its client hint, else its user agent): fewer rows a page."""
    if request.headers.get("Sec-CH-UA-Mobile") == "?1":
        return True
    return "Mobile" in request.headers.get("User-Agent", "")


def paginate(request, items, per_page: int = PER_PAGE):
    """A page of ``items`` and the pager links (the filters kept in every link); the reader
    may choose 20, 50 or 100 rows a page (``per_page``), a phone starts at 20."""
    raw = request.GET.get("per_page", "")
    if raw.isdigit() and int(raw) in PAGE_SIZES:
        per_page = int(raw)
    elif is_phone(request):
        per_page = min(per_page, PHONE_PER_PAGE)
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
    sizes = []
    if paginator.count > PAGE_SIZES[0]:
        for n in PAGE_SIZES:
            params = request.GET.copy()
            params.pop("page", None)
            params["per_page"] = n
            sizes.append({"n": n, "current": n == per_page, "query": params.urlencode()})
    return page, {
        "count": paginator.count,
        "links": links if paginator.num_pages > 1 else [],
        "sizes": sizes,
    }


def export_columns(cols: Sequence[Col]) -> list[Col]:
    """Each mixed quantity column and, after it, a text column with the same quantity in the
    SKU's units (the number stays a number)."""
    out: list[Col] = []
    for c in cols:
        out.append(c)
        if c.mixed:
            out.append(
                Col(c.key + UNITS, _("%(label)s in units") % {"label": c.label}, group=c.group)
            )
    return out


def export_query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params["export"] = "xlsx"
    return params.urlencode()


def xlsx_response(title: str, cols: Sequence[Col], rows: Iterable[dict], totals=None):
    """The report as an .xlsx with Chinese (the user's language) headers (two header rows
    when the columns are grouped); a mixed quantity column is followed by its text in the
    SKU's units."""
    cols = export_columns(cols)
    rows = with_units(cols, rows)
    if totals is not None:
        totals = next(with_units(cols, [dict(totals)]))
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
