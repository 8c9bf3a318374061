"""Lists: the FilterSet shared with the web list, ordering and pagination."""

from typing import Any, Literal

import django_filters
import pydantic
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Schema

from jxc.core.errors import ValidationFailed

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Far beyond any real list, and page × page_size stays a number every database can hold.
MAX_PAGE = 1_000_000


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def _filter_type(f: django_filters.Filter) -> tuple[Any, str]:
    label = str(f.label or "")
    if isinstance(f, django_filters.OrderingFilter):
        names = [name for name, _label in f.param_map.items()]
        allowed = ", ".join(f"{n}, -{n}" for n in names)
        return str | None, f"Order by (comma-separated): {allowed}"
    if isinstance(f, django_filters.BooleanFilter):
        return bool | None, label
    if isinstance(f, django_filters.ModelChoiceFilter):
        return int | None, f"{label} (id)"
    if isinstance(f, django_filters.ChoiceFilter):
        values = tuple(str(v) for v, _label in f.extra.get("choices", ()))
        if values:
            return Literal[values] | None, label  # type: ignore[valid-type]
    return str | None, label


_QUERY_CACHE: dict[type, type[Schema]] = {}


def query_of(filterset: type[django_filters.FilterSet]) -> type[Schema]:
    """The query-string schema of a list: the FilterSet's filters plus page and page_size
    (for validation and the OpenAPI document; the FilterSet does the filtering)."""
    if filterset not in _QUERY_CACHE:
        fields: dict[str, Any] = {}
        with translation.override("en"):  # the OpenAPI document is in English
            for name, f in filterset.base_filters.items():
                annotation, description = _filter_type(f)
                fields[name] = (annotation, Field(None, description=description))
        name = filterset.__name__.replace("FilterSet", "") + "Query"
        _QUERY_CACHE[filterset] = pydantic.create_model(name, __base__=Paging, **fields)
    return _QUERY_CACHE[filterset]


_PAGE_CACHE: dict[type, type[Schema]] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """``{"count", "page", "page_size", "items": [...]}`` of ``item``."""
    if item not in _PAGE_CACHE:
        name = item.__name__.removesuffix("Out") + "Page"
        _PAGE_CACHE[item] = pydantic.create_model(
            name,
            __base__=Schema,
            count=(int, ...),
            page=(int, ...),
            page_size=(int, ...),
            items=(list[item], ...),  # type: ignore[valid-type]
        )
    return _PAGE_CACHE[item]


def listing(
    request: HttpRequest,
    qs: QuerySet,
    filterset: type[django_filters.FilterSet] | None,
    query: Paging,
) -> dict[str, Any]:
    """Filter (the FilterSet shared with the web list), order and paginate a queryset."""
    if filterset is not None:
        data = {
            k: v
            for k, v in query.model_dump().items()
            if k not in ("page", "page_size") and v is not None
        }
        fs = filterset(data, queryset=qs, request=request)
        if not fs.is_valid():
            raise ValidationFailed({k: list(v) for k, v in fs.errors.items()})
        qs = fs.qs
    if not qs.ordered:
        qs = qs.order_by("pk")
    start = (query.page - 1) * query.page_size
    return {
        "count": qs.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": list(qs[start : start + query.page_size]),
    }
