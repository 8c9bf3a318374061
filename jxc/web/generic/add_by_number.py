"""把单据加进草稿 by its number: on a draft's page, a box that takes the number of another
document (a receipt, a return) and adds its lines to the draft through the app's service —
the 费用分摊单 and the 进项发票 do it alike. A screen declares ``adds_by_number`` and mixes in
``AddsByNumber`` before its screen class: the section on the draft's page, the URL
``<id>/<slug>/`` and the view come from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext

from jxc.core.errors import DomainError
from jxc.web.generic.screen import Section


@dataclass(frozen=True)
class ByNumber:
    """What a draft takes by number: ``finders`` name the keyword of ``add`` and the user's
    documents it looks the number up in (the first that has it wins); ``add(doc, *, user,
    **{keyword: [found] or []})`` is the app's service."""

    slug: str  # the URL's last part and the section's id: "add-document"
    title: Any
    label: Any  # the box's label
    placeholder: str
    finders: tuple[tuple[str, Callable[[Any], QuerySet]], ...]
    add: Callable[..., Any]
    not_found: Any  # lazy text with %(number)s
    testid: str = ""

    @property
    def url_suffix(self) -> str:
        return self.slug.replace("-", "_")


class AddsByNumber:
    """Mixed into a ``DocumentScreen`` (before it) that sets ``adds_by_number``."""

    adds_by_number: ByNumber

    def detail_sections(self, request, obj) -> list[Section]:
        sections = super().detail_sections(request, obj)  # type: ignore[misc]
        spec = self.adds_by_number
        if obj.is_editable and self.can(request.user, "edit"):  # type: ignore[attr-defined]
            sections.append(
                Section(
                    title=spec.title,
                    template="web/_partials/add_by_number.html",
                    context={
                        "url": self.url(spec.url_suffix, obj.pk),  # type: ignore[attr-defined]
                        "label": spec.label,
                        "placeholder": spec.placeholder,
                        "testid": spec.testid or f"{spec.slug}-form",
                    },
                    id=spec.slug,
                )
            )
        return sections

    def urls(self) -> list[URLPattern]:
        p, n = self.url_path, self.url_name  # type: ignore[attr-defined]
        spec = self.adds_by_number
        return [
            path(
                f"{p}/<int:pk>/{spec.slug}/",
                add_by_number_view,
                {"screen": self},
                name=f"{n}_{spec.url_suffix}",
            ),
            *super().urls(),  # type: ignore[misc]
        ]


@login_required
def add_by_number_view(request, pk: int, *, screen):
    """POST number=…: the document of that number among the user's, its lines added."""
    if request.method != "POST" or not screen.can(request.user, "edit"):
        raise PermissionDenied
    spec: ByNumber = screen.adds_by_number
    doc = get_object_or_404(screen.get_queryset(request), pk=pk)
    number = request.POST.get("number", "").strip()
    found: dict[str, list[Any]] = {}
    for keyword, finder in spec.finders:
        hit = finder(request.user).filter(number=number).first() if number else None
        found[keyword] = [hit] if hit is not None and not any(found.values()) else []
    if not any(found.values()):
        messages.error(request, str(spec.not_found) % {"number": number})
    else:
        try:
            spec.add(doc, user=request.user, **found)
            messages.success(request, gettext("Saved."))
        except DomainError as exc:
            messages.error(request, str(exc))
    return redirect(screen.url("detail", doc.pk))
