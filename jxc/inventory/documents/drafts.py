"""新建 / 修改 the draft of a declared stock document type from one check of the type: the
platform's ``create_document`` / ``update_document`` with the SKUs' facts, the user's
warehouses, and on a change the draft's header merged with what was sent (so the check sees
the whole header) and, unless new lines were sent, its saved lines checked again.

    def _check(user, header, lines, facts):          # every field of the header
        return bin_errors(lines, header["warehouse"])
    create_loan, update_loan = draft_services(_check)

``create(model, *, user, lines, **header)`` and ``update(doc, *, user, lines=None, **header)``
are what the screens and the API call (``DocumentScreen.create_service``,
``document_endpoints(create=…)``).

Data scope: no warehouse of the header may be a lent-out location, and the user must hold
every one — or, where the type says so (``must_hold(header)``: a transfer's source, its
target being any warehouse of ours), those it names, on the header sent and on the draft's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction

from jxc.catalog.selectors import sku_facts
from jxc.core.documents.header import header_model_fields
from jxc.core.documents.lines import LineInput, SkuFacts, parse_serials
from jxc.core.documents.models import Document
from jxc.core.documents.services import LINE_COLUMNS, create_document, update_document
from jxc.inventory.documents.lifecycle import ensure_warehouses, refuse_lent
from jxc.inventory.models import Warehouse

Check = Callable[[Any, dict[str, Any], Sequence[LineInput], Mapping[int, SkuFacts]], dict]
# (draft or None, the header sent, the header merged, the lines sent) → the lines to save
Prepare = Callable[[Any, dict[str, Any], dict[str, Any], Sequence[LineInput] | None], Any]
# a header (or the draft's saved one) → the warehouses of it the user must hold
MustHold = Callable[[Mapping[str, Any]], Iterable[Warehouse]]


def header_values(doc: Document) -> dict[str, Any]:
    """The draft's declared header fields as they are saved."""
    return {f.name: getattr(doc, f.name) for f in header_model_fields(type(doc))}


def saved_inputs(doc: Document) -> list[LineInput]:
    """The draft's saved lines as entered lines (to check them against a changed header)."""
    rows = doc.lines.order_by("line_no", "id")  # type: ignore[attr-defined]
    names = {f.attname for f in rows.model._meta.concrete_fields}
    columns = {a: c for a, c in LINE_COLUMNS.items() if c in names}
    out = []
    for x in rows:
        values: dict[str, Any] = {a: getattr(x, c) for a, c in columns.items()}
        if "serials" in values:
            values["serials"] = parse_serials(values["serials"])
        out.append(LineInput(sku=x.sku_id, qty=x.qty, unit=x.unit_id, memo=x.memo, **values))
    return out


def draft_services(
    check: Check,
    *,
    model: type[Document] | None = None,
    prepare: Prepare | None = None,
    after: Callable[[dict[str, Any]], None] | None = None,
    must_hold: MustHold | None = None,
) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The create and update services of a type: ``check(user, header, lines, facts)`` its
    own errors (the platform checks the lines by the declaration; ``facts`` are those of the
    lines sent); ``prepare`` may make the lines (a kit's components) or refuse a header;
    ``after(header)`` a last check (its refusal rolls the draft back); ``model`` the one the
    create makes when it is not named. No warehouse of the header may be a lent-out
    location; the user must hold every one, or those ``must_hold(header)`` names — of the
    header sent and, on a change, of the draft as it was saved."""

    def held(header: Mapping[str, Any]) -> Iterable[Warehouse]:
        if must_hold is not None:
            return must_hold(header)
        return (v for v in header.values() if isinstance(v, Warehouse))

    def checked(user, header: dict[str, Any], lines, facts, saved=None) -> dict:
        refuse_lent(*(v for v in header.values() if isinstance(v, Warehouse)))
        ensure_warehouses(user, *held(header), *(held(saved) if saved is not None else ()))
        return check(user, header, lines, facts)

    @transaction.atomic
    def create(made: type[Document] | None = None, *, user, lines=None, **header: Any) -> Any:
        header.setdefault("memo", "")
        if prepare is not None:
            lines = prepare(None, header, header, lines)
        facts = sku_facts(x.sku for x in lines)
        errors = checked(user, header, lines, facts)
        target = made or model
        assert target is not None, "a model to create"
        doc = create_document(
            target, user=user, header=header, lines=lines, facts=facts, errors=errors
        )
        if after is not None:
            after(header)
        return doc

    @transaction.atomic
    def update(doc: Document, *, user, lines=None, **header: Any) -> Any:
        saved = header_values(doc)
        merged = {**saved, **header}
        if prepare is not None:
            lines = prepare(doc, header, merged, lines)
        facts = sku_facts(x.sku for x in lines or [])
        current = lines if lines is not None else saved_inputs(doc)
        errors = checked(user, merged, current, facts, saved)
        doc = update_document(
            doc, user=user, header=header, lines=lines, facts=facts, errors=errors
        )
        if after is not None:
            after(merged)
        return doc

    return create, update
