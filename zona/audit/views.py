"""The audit trail browser: read-only, for the coordinator, scoped to their instansi."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from zona.accounts import selectors as account_selectors
from zona.accounts.decorators import zona_login_required

from . import selectors


class AuditFilterForm(forms.Form):
    event = forms.ChoiceField(label=_("Peristiwa"), required=False)
    actor = forms.CharField(label=_("Pelaku (nama pengguna)"), required=False, max_length=150)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(
        label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, events: list[str], units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", _("Semua"))
        event_field = self.fields["event"]
        unit_field = self.fields["unit"]
        assert isinstance(event_field, forms.ChoiceField) and isinstance(unit_field, forms.ChoiceField)
        event_field.choices = [everything, *((e, selectors.event_label(e)) for e in events)]
        unit_field.choices = [everything, *units]
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
            if name in self.errors:
                field.widget.attrs["class"] += " is-invalid"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters only: a bad field is reported and ignored, never a 500."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "event": data.get("event") or "",
            "actor": data.get("actor") or "",
            "unit_id": data.get("unit"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


@zona_login_required
@require_safe
def audit_list(request: HttpRequest) -> HttpResponse:
    managed = account_selectors.managed_instansi(user=request.user)
    if not managed:
        raise PermissionDenied
    ids = [i.pk for i in managed]
    units = list(account_selectors.units_of(instansi=managed).values_list("pk", "name"))
    form = AuditFilterForm(
        request.GET or None, events=selectors.audit_event_types(instansi_ids=ids), units=units
    )
    filters = form.filters() if form.is_bound else {}
    events = selectors.audit_event_list(instansi_ids=ids, **filters)
    page = Paginator(events, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": selectors.audit_rows(page.object_list, unit_names=dict(units)),
        "filtered": any(filters.values()),
    }
    return render(request, "audit/list.html", context)
