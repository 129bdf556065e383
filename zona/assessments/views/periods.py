"""Period pages: the list, opening a period (koordinator), and a period's overview of its assessments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.accounts.permissions import Action
from zona.units.models import Instansi
from zona.units.selectors import manageable_instansi

from ..forms_periods import OverviewFilterForm, PeriodForm
from ..models import Period, ReviewStage
from ..selectors.overview import period_list_rows, period_overview
from ..services.periods import period_open


@zona_login_required
def period_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/period_list.html",
        {
            "rows": period_list_rows(user=request.user),
            "can_create": bool(manageable_instansi(user=request.user)),
        },
    )


@zona_login_required
def period_create(request: HttpRequest) -> HttpResponse:
    instansi_choices = manageable_instansi(user=request.user)
    if not instansi_choices:
        raise PermissionDenied
    form = PeriodForm(request.POST or None, instansi_choices=instansi_choices)
    if request.method == "POST" and form.is_valid():
        try:
            period = period_open(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(
                request,
                _("Periode %(name)s dibuka dengan %(count)s penilaian.")
                % {"name": period.name, "count": period.assessments.count()},
            )
            return redirect("assessments:period_detail", pk=period.pk)
    return render(request, "assessments/period_form.html", {"form": form})


@zona_login_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(Period.objects.select_related("framework", "instansi", "created_by"), pk=pk)
    # A period belongs to its instansi: whoever sees the instansi sees the period (and, below, only the
    # assessments of the units they may see); anyone else gets a 404, recorded as a denial.
    permissions.get_object_or_deny(request.user, Action.VIEW, Instansi.objects.all(), pk=period.instansi_id)
    stages = list(ReviewStage.objects.filter(period=period).order_by("order"))
    filter_form = OverviewFilterForm(request.GET or None, stages=stages)
    overview = period_overview(period=period, user=request.user, filters=filter_form.filters(), stages=stages)
    return render(
        request,
        "assessments/period_detail.html",
        {
            "period": period,
            "overview": overview,
            "filter_form": filter_form,
            "can_manage": permissions.can(request.user, Action.MANAGE, period.instansi),
        },
    )
