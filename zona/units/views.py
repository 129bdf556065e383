"""Units pages: the dashboard table (also the logged-in home page), create, detail, update."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.accounts.models import Role
from zona.accounts.permissions import Action

from . import selectors, services
from .forms import UnitFilterForm, UnitForm
from .models import Unit


def render_dashboard(request: HttpRequest, *, title: str, is_home: bool) -> HttpResponse:
    """The units dashboard of what `request.user` may see, filtered and sorted by GET parameters."""
    filter_form = UnitFilterForm(request.GET or None)
    dashboard = selectors.units_dashboard(user=request.user, **filter_form.filters())
    return render(
        request,
        "units/dashboard.html",
        {
            "title": title,
            "is_home": is_home,
            "dashboard": dashboard,
            "filter_form": filter_form,
            "can_create": bool(selectors.manageable_instansi(user=request.user)),
            "is_koordinator": permissions.has_role(request.user, Role.KOORDINATOR),
        },
    )


@zona_login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    return render_dashboard(request, title=_("Unit kerja"), is_home=False)


@zona_login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    instansi_choices = selectors.manageable_instansi(user=request.user)
    if not instansi_choices:
        raise PermissionDenied
    form = UnitForm(
        request.POST or None,
        instansi_choices=instansi_choices,
        parent_queryset=selectors.unit_parent_choices(user=request.user, instansi=instansi_choices),
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create_with_service_types(
                instansi=form.selected_instansi(),
                actor=request.user,
                service_types=form.cleaned_data["service_types"],
                **form.unit_fields(),
            )
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Unit kerja %(name)s ditambahkan.") % {"name": unit.name})
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "unit": None})


@zona_login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = permissions.get_object_or_deny(request.user, Action.VIEW, selectors.unit_detail_queryset(), pk=pk)
    return render(
        request,
        "units/unit_detail.html",
        {
            "detail": selectors.unit_detail(user=request.user, unit=unit),
            "unit": unit,
            "can_change": permissions.can(request.user, Action.CHANGE, unit),
            "stranas_label": _stranas_label(unit.stranas_type),
        },
    )


def _stranas_label(value: str) -> str:
    from zona.lifecycle.policy import policy

    return policy().early_types.get(value, value)


@zona_login_required
def unit_update(request: HttpRequest, pk: int) -> HttpResponse:
    unit: Unit = permissions.get_object_or_deny(
        request.user, Action.CHANGE, selectors.unit_detail_queryset(), pk=pk
    )
    initial = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id,
        "head_name": unit.head_name,
        "head_title": unit.head_title,
        "serves_public": unit.serves_public,
        "stranas_type": unit.stranas_type,
        "address": unit.address,
        "service_types": "\n".join(st.name for st in unit.service_types.all()),
    }
    form = UnitForm(
        request.POST or None,
        initial=initial,
        unit=unit,
        instansi_choices=[unit.instansi],
        parent_queryset=selectors.unit_parent_choices(
            user=request.user, instansi=[unit.instansi], include=unit.parent
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update_with_service_types(
                unit=unit,
                actor=request.user,
                service_types=form.cleaned_data["service_types"],
                **form.unit_fields(),
            )
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Perubahan unit kerja disimpan."))
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "unit": unit})
