"""The screens every document shares: ``DocumentScreen`` (list with filters and export,
detail with the lines, cost masking and the user's workflow buttons, a draft's form with the
line grid, the PDF print and its HTML fallback) and the views behind it.

    class LoanOutScreen(DocumentScreen):
        model = LoanOut; resource = "loan_out"; path = "inventory/loans-out"
        columns = [Column("number", link=True), …]; filterset_class = …
        header_form = LoanHeaderForm            # parses only; the service checks and saves
        grid_columns = ["qty", "unit", "bin", "batch", "memo"]
        transition_services = {**PLAIN_ACTIONS, "post": services.post_loan, …}
        create_service = services.create_loan     # (model, *, user, lines, **header)
        update_service = services.update_loan     # (doc, *, user, lines, **header)

URLs (names ``web:<name>_list`` / ``_detail`` / ``_create`` / ``_edit`` / ``_print`` / ``_pdf`` /
``_transition`` / ``_export``) come from ``urls()``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from django.http import Http404
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog.selectors import sku_facts
from jxc.core.documents import actions
from jxc.core.documents.header import header_model_fields, header_names, is_ref
from jxc.core.documents.lines import line_amount, line_errors
from jxc.core.documents.services import lines_relation
from jxc.core.selectors import company
from jxc.core.visibility import MASK, can_view_cost
from jxc.inventory.documents.filters import document_filterset
from jxc.inventory.documents.selectors import documents_for
from jxc.web.generic.columns import Column
from jxc.web.generic.document_form import document_form
from jxc.web.generic.header import header_form_for
from jxc.web.generic.line_figures import InUnits, Summed, booked_amounts, num, price
from jxc.web.generic.line_grid import (
    units_of,
)
from jxc.web.generic.printing import (
    document_amount,
    document_pdf,
    document_print,
    register_printer,
    signatures_of,
)
from jxc.web.generic.screen import Screen, Section
from jxc.web.generic.steps import Derive, DetailStep

# The workflow steps that need nothing document-specific; a document adds post / reverse.
PLAIN_ACTIONS: dict[str, Callable[..., Any]] = {
    "submit": actions.submit,
    "approve": actions.approve,
    "unapprove": actions.unapprove,
    "reject": actions.reject,
    "void": actions.void,
}

# The states in which a document's declared line figures (returned, received …) mean something.
POSTED = ("posted", "done", "reversed")

# Document type → its screen (filled as the screens are made, when the URLs load).
DOCUMENT_SCREENS: dict[str, DocumentScreen] = {}


class DocumentScreen(Screen):
    """A document: list, detail with its lines and workflow buttons, a draft's form with the
    line grid, an A4 print view. Subclasses set the ``Screen`` attributes and, for the form,
    ``header_form`` (a form that only parses), ``grid_columns`` and the draft's services
    (the same the API calls): ``create_service(model, *, user, lines, **header)`` and
    ``update_service(doc, *, user, lines, **header)``. A type without them has no typed form
    (盘点单: its sheets are made, not typed)."""

    transition_services: ClassVar[dict[str, Callable[..., Any]]] = PLAIN_ACTIONS
    # 保存并过账 in one transaction (e.g. ``post_stock_document_at_once``); None: step by step
    at_once_service: ClassVar[Callable[..., Any] | None] = None
    # 保存并过账 of a new document: created and posted in one transaction, all or nothing —
    # by default the platform's (``at_once.save_and_post``: ``create_service`` and the step
    # services); a type may declare a faster one of its own
    # (``create_and_post_service(model, *, user, lines, **header)``)
    create_and_post_service: ClassVar[Callable[..., Any] | None] = None
    detail_template = "web/inventory/document_detail.html"
    print_template: ClassVar[str] = "web/inventory/document_print.html"
    ordering = ("-date", "-id")
    # A form class that only parses; it takes ``user=`` and ``kind=`` (so not type[Form]).
    # Default: made from the declaration's header fields (jxc.web.generic.header).
    header_form: ClassVar[Any] = None
    # Default: the declaration's line fields.
    grid_columns: ClassVar[list[str]] = ["qty", "unit", "bin", "batch", "serials", "memo"]
    model: ClassVar[type[Any]]  # a Document with its lines (and ``TYPE`` when declared)
    kind: ClassVar[str] = ""
    line_hint: ClassVar[Any] = ""
    grid_labels: ClassVar[dict[str, Any]] = {}  # a type's own names of grid columns
    # forms on the detail page that take a step of their own (归还, 调入 …)
    steps: ClassVar[tuple[DetailStep, ...]] = ()
    derives: ClassVar[tuple[Derive, ...]] = ()  # 生成… another document from this one
    # the list shows the document's total (价税合计, ``total_amount``) before status and memo
    total_in_list: ClassVar[bool] = False

    def __init__(self):
        declared = self.model.TYPE
        if declared is not None:
            self._declared_defaults(declared)
        super().__init__()
        # The to-do inbox finds a document's screen by its type (links, 过账 after approval).
        DOCUMENT_SCREENS[self.model.DOC_TYPE] = self

    def arrange_columns(self, columns: list[Column]) -> list[Column]:
        if not self.total_in_list:
            return columns
        return [*columns[:-2], Column("total_amount"), *columns[-2:]]

    def _declared_defaults(self, declared) -> None:
        """What a declared type need not say: resource, URL name, grid, list filters, header
        form, list columns and detail fields (each only when the screen does not set it)."""
        header = [n for n in header_names(self.model) if n not in ("date", "memo")]
        defaults: dict[str, Any] = {
            "resource": declared.resource,
            "name": declared.code,
            "grid_columns": list(declared.line_fields),
            "filterset_class": document_filterset(self.model),
            "header_form": header_form_for(self.model, choices=self.header_choices),
            "select_related": (*(n for n in header if _is_link(self.model, n)), "created_by"),
            "columns": [
                Column("number", link=True),
                Column("date"),
                *(_column(self.model, n) for n in header),
                Column("status", kind="tag"),
                Column("memo", order_by=False),
            ],
            "detail_fields": [
                "number",
                "date",
                *header,
                "memo",
                "status_reason",
                "created_by",
                "posted_at",
            ],
        }
        for attr, value in defaults.items():
            if not any(attr in vars(c) for c in type(self).__mro__ if c not in _PLATFORM):
                setattr(self, attr, value)

    def get_queryset(self, request):
        """The documents of a declared type this user may see, as the API's: of (from or to)
        one of their warehouses (``documents_for``)."""
        if self.model.TYPE is None:
            return super().get_queryset(request)
        return documents_for(request.user, self.model)

    def header_choices(self, user) -> dict[str, Any]:
        """The rows a header link offers this user, where the platform's default (a
        warehouse: the user's warehouses; else every row) is not right."""
        return {}

    def line_rule_options(self) -> dict[str, Any]:
        """The options of ``line_errors`` for this document's lines (direction, price …)."""
        declared = self.model.TYPE
        return {"incoming": False, **(declared.line_rules if declared is not None else {})}

    def title(self, obj) -> str:
        return f"{self.verbose_name} {obj.number}"

    def edit_url(self, obj) -> str:
        """A draft's form, where the type has one: a type without ``update_service`` (出库通知单,
        made from orders; 盘点单, counted on its own page) has no edit page to link to."""
        if self.update_service is None or not obj.is_editable:
            return ""
        return self.url("edit", obj.pk)

    def line_model(self) -> type[Any]:
        return lines_relation(self.model)[0]

    # --- lines, shown on the detail page and the print ----------------------------------

    def line_columns(self, obj, user) -> list[tuple[Any, Callable[[Any], Any], bool]]:
        """(label, value of a line, is a cost figure)."""
        cols: list[tuple[Any, Callable[[Any], Any], bool]] = [
            (_("SKU code"), lambda x: x.sku.code, False),
            (_("name"), lambda x: f"{x.sku.name} {x.sku.spec}".strip(), False),
        ]
        if "qty" in self.grid_columns:
            cols += [
                (_("Quantity"), Summed(lambda x: x.qty), False),
                (_("unit"), lambda x: str(x.unit) if x.unit_id else "", False),
                (_("quantity (base unit)"), Summed(lambda x: x.base_qty), False),
                (_("in units"), InUnits(), False),
            ]
        places = company().price_decimals
        booked = booked_amounts(obj) if "price" in self.grid_columns else {}

        def amount(x) -> Decimal | None:
            if x.price is not None:
                return line_amount(x.qty, x.price)
            return booked.get(x.pk)

        def unit_cost(x) -> Decimal | None:
            if x.price is not None:
                return x.price
            value = booked.get(x.pk)
            return None if value is None or not x.qty else value / x.qty

        if "price" in self.grid_columns:
            cols.append((_("Unit cost"), lambda x: price(unit_cost(x), places), True))
        if "price" in self.grid_columns and "qty" in self.grid_columns:
            cols.append((_("Amount"), Summed(amount, places=2), True))
        if "value" in self.grid_columns:
            cols.append((_("value change"), Summed(lambda x: x.value_change, places=2), True))
        if "bin" in self.grid_columns:
            cols.append((_("Bin"), lambda x: x.bin.code if x.bin_id else "", False))
        if "batch" in self.grid_columns:
            cols.append((_("Batch number"), lambda x: x.batch_number, False))
        if "expiry" in self.grid_columns:
            cols.append((_("Expiry date"), lambda x: x.expiry_date or "", False))
        declared = self.model.TYPE
        if declared is not None and obj.status in POSTED:
            cols += [(label, _figure(a), False) for a, label in declared.line_figures.items()]
        cols.append((_("memo"), lambda x: x.memo, False))
        return cols

    def lines_of(self, obj):
        return obj.lines.select_related("sku", "unit", "bin").order_by("line_no", "id")

    def line_table(self, obj, user, *, without_cost: bool = False) -> dict[str, Any]:
        """Headers, one row of cells per line and the 合计 row (quantities, base quantities,
        amounts; a cost figure masked for a user without ``cost.view``, left out for anyone
        with ``without_cost``: a paper that goes to the customer)."""
        see_cost = can_view_cost(user)
        cols = [c for c in self.line_columns(obj, user) if not (without_cost and c[2])]
        lines = list(self.lines_of(obj))
        units = (
            units_of(x.sku_id for x in lines)
            if any(isinstance(get, InUnits) for _l, get, _c in cols)
            else {}
        )

        def cell(x, get, cost):
            if cost and not see_cost:
                return MASK
            return get(x, units) if isinstance(get, InUnits) else get(x)

        def total(get, cost):
            if not isinstance(get, Summed):
                return ""
            if cost and not see_cost:
                return MASK
            values = [v for v in (get.raw(x) for x in lines) if v is not None]
            return get.text(sum(values, Decimal(0))) if values else ""

        return {
            "headers": [label for label, _get, _cost in cols],
            "rows": [[cell(x, get, cost) for _label, get, cost in cols] for x in lines],
            # A 合计 row only where something adds up (a count sheet's columns do not).
            "totals": [total(get, cost) for _label, get, cost in cols]
            if lines and any(isinstance(get, Summed) for _l, get, _c in cols)
            else [],
        }

    def detail_sections(self, request, obj) -> list[Section]:
        lines = Section(
            title=gettext_lazy("Lines"),
            template="web/inventory/_partials/doc_lines.html",
            context=self.line_table(obj, request.user),
            id="lines",
        )
        steps = (step.section(self, request, obj) for step in self.steps)
        return [lines, *(s for s in steps if s is not None)]

    def header_facts(self, obj) -> list[tuple[Any, Any]]:
        """(label, value) pairs for the print header (and an approver's card): the business
        date, then the declared header fields that hold something (a choice by its label)."""
        facts: list[tuple[Any, Any]] = [(_("business date"), obj.date)]
        if self.model.TYPE is None:
            warehouse = getattr(obj, "warehouse", None)
            return facts + ([(_("warehouse"), warehouse)] if warehouse is not None else [])
        for field in header_model_fields(self.model):
            value = getattr(obj, field.name)
            if field.name in ("date", "memo") or value in (None, "") or isinstance(value, bool):
                continue
            shown = getattr(obj, f"get_{field.name}_display")() if field.choices else value
            facts.append((field.verbose_name, shown))
        return facts

    # --- the draft form ---------------------------------------------------------------

    def line_errors(self, lines) -> dict[str, list[str]]:
        """The lines' own errors (pure rules), for a form whose header is also wrong."""
        if not lines:
            return {}
        return line_errors(lines, sku_facts(x.sku for x in lines), **self.line_rule_options())

    def form_initial(self, obj) -> dict[str, Any]:
        """The header form's values: today for a new document, else the draft's own."""
        if obj is None:
            return {"date": timezone.localdate()}
        return {name: obj.serializable_value(name) for name in self.header_form.base_fields}

    def new_document(self, request) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A new document's header values and grid rows (a type may start it from another
        document named in the query, e.g. a receipt from its order)."""
        return self.form_initial(None), []

    def save_document(self, request, obj, header: dict[str, Any], lines):
        """Create (``obj`` None) or update the draft through the type's services."""
        if obj is None:
            if self.create_service is None:
                raise Http404
            return self.create_service(self.model, user=request.user, lines=lines, **header)
        if self.update_service is None:
            raise Http404
        return self.update_service(obj, user=request.user, lines=lines, **header)

    # --- print (jxc.web.generic.printing): the PDF and its HTML fallback ----------------

    def print_amount(self, obj, user) -> Decimal | None:
        """The amount the print spells out in words (大写金额), or None."""
        return document_amount(self, obj, user)

    def print_signatures(self, obj) -> list[tuple[Any, Any]]:
        return signatures_of(obj)

    print_title: Any = None  # the paper's title when not the document's name (送货单)

    def print_line_table(self, obj, user) -> dict[str, Any]:
        """The lines on the paper (the detail page's, unless a screen leaves some out)."""
        return self.line_table(obj, user)

    def print_extras(self, obj) -> dict[str, Any]:
        """More of ``Printable`` for this document (``qr``, ``signature_boxes``)."""
        return {}

    def print_urls(self) -> list[URLPattern]:
        p, n = self.url_path, self.url_name
        register_printer(self)
        return [
            path(f"{p}/<int:pk>/print/", document_print, {"screen": self}, name=f"{n}_print"),
            path(f"{p}/<int:pk>/pdf/", document_pdf, {"screen": self}, name=f"{n}_pdf"),
        ]

    def document_pages(self) -> dict[str, Callable[..., Any]]:
        """Pages of the type's own on one document: name → ``view(request, pk, *, screen)``
        at ``<path>/<pk>/<name>/`` (URL name ``<name>_<page>``): a count sheet's count page,
        its review …"""
        return {}

    def urls(self) -> list[URLPattern]:
        urls = [*(s.url(self) for s in self.steps), *(d.url(self) for d in self.derives)]
        urls += self.print_urls()
        p, n = self.url_path, self.url_name
        for page, view in self.document_pages().items():
            urls.append(path(f"{p}/<int:pk>/{page}/", view, {"screen": self}, name=f"{n}_{page}"))
        if self.create_service is not None:
            urls.append(path(f"{p}/new/", document_form, {"screen": self}, name=f"{n}_create"))
        if self.update_service is not None:
            urls.append(
                path(f"{p}/<int:pk>/edit/", document_form, {"screen": self}, name=f"{n}_edit")
            )
        return [*urls, *super().urls()]


# The classes whose attributes are defaults (a type's screen overrides them below these).
_PLATFORM = (DocumentScreen, Screen, object)


def _figure(attr: str) -> Callable[[Any], str]:
    return lambda x: num(getattr(x, attr))


def _is_link(model, name: str) -> bool:
    return is_ref(model._meta.get_field(name))


def _column(model, name: str) -> Column:
    field = model._meta.get_field(name)
    if is_ref(field) and any(f.name == "code" for f in field.related_model._meta.get_fields()):
        return Column(name, order_by=f"{name}__code")
    return Column(name)
