"""Related rows on a parent's detail page (a warehouse's bins, a customer's contacts): the
section with its add form, and the views that add, edit, toggle and remove a row."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from jxc.core.errors import DomainError
from jxc.web.generic.forms import apply_domain_error, drop_cost_fields
from jxc.web.generic.screen import Inline
from jxc.web.generic.views import ObjectDetailView, ScreenView


class InlineView(ScreenView):
    inline_name = ""

    @property
    def inline(self) -> Inline:
        for inline in self.screen.inlines:
            if inline.name == self.inline_name:
                return inline
        raise Http404

    def check_inline(self, request, action: str) -> None:
        self.check(request, "view")
        if not request.user.has_jxc_perm(f"{self.inline.resource}.{action}"):
            raise PermissionDenied


class InlineAddView(InlineView):
    def post(self, request, pk: int):
        self.check_inline(request, self.inline.add_action)
        inline = self.inline
        obj = self.get_object(request, pk)
        assert inline.form_class is not None and inline.create is not None
        form = inline.form_class(data=request.POST)
        drop_cost_fields(form, request.user)
        if form.is_valid():
            try:
                inline.create(obj, request.user, dict(form.cleaned_data))
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.screen.url("detail", obj.pk) + f"#inline-{inline.name}")
        detail = ObjectDetailView(screen=self.screen)
        return detail.render(request, obj, inline_forms={inline.name: form})


class InlineActiveView(InlineView):
    def post(self, request, pk: int, row: int):
        self.check_inline(request, "edit")
        inline = self.inline
        obj = self.get_object(request, pk)
        target = get_object_or_404(inline.rows(obj), pk=row)
        active = request.POST.get("active") == "1"
        from jxc.core.services import set_active

        set_active(target, active=active, user=request.user)
        messages.success(request, _("Activated.") if active else _("Deactivated."))
        return redirect(self.screen.url("detail", obj.pk) + f"#inline-{inline.name}")


class InlineEditView(InlineView):
    """修改 one related row (a contact's phone, a bin's name) with the inline's own form."""

    def row(self, request, pk: int, row: int):
        self.check_inline(request, self.inline.edit_action)
        obj = self.get_object(request, pk)
        return obj, get_object_or_404(self.inline.rows(obj), pk=row)

    def get(self, request, pk: int, row: int):
        obj, target = self.row(request, pk, row)
        return self.render(request, obj, target, self.form(request, target))

    def post(self, request, pk: int, row: int):
        obj, target = self.row(request, pk, row)
        inline = self.inline
        form = self.form(request, target, data=request.POST)
        if form.is_valid():
            assert inline.update is not None
            try:
                inline.update(target, request.user, dict(form.cleaned_data))
            except DomainError as exc:
                apply_domain_error(form, exc, request)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.screen.url("detail", obj.pk) + f"#inline-{inline.name}")
        return self.render(request, obj, target, form)

    def form(self, request, target, data=None):
        from django import forms as django_forms

        form_class = self.inline.form_class
        assert form_class is not None
        kwargs: dict[str, Any] = {"data": data}
        if issubclass(form_class, django_forms.ModelForm):
            kwargs["instance"] = target
        form = form_class(**kwargs)
        drop_cost_fields(form, request.user)
        return form

    def render(self, request, obj, target, form):
        context = {
            **self.base_context(request),
            "form": form,
            "obj": obj,
            "title": _("Edit %(name)s") % {"name": target},
            "cancel_url": self.screen.url("detail", obj.pk) + f"#inline-{self.inline.name}",
        }
        return TemplateResponse(request, "web/generic/object_form.html", context)


class InlineRemoveView(InlineView):
    def post(self, request, pk: int, row: int):
        self.check_inline(request, self.inline.edit_action)
        inline = self.inline
        obj = self.get_object(request, pk)
        target = get_object_or_404(inline.rows(obj), pk=row)
        assert inline.remove is not None
        try:
            inline.remove(target, request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Removed."))
        return redirect(self.screen.url("detail", obj.pk) + f"#inline-{inline.name}")
