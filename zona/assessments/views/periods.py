"""Period pages: the list, opening a period (koordinator), and a period's overview of its assessments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.accounts.permissions import Action
from zona.units.models import Instansi
from zona.units.selectors import manageable_instansi

from ..forms_periods import OverviewFilterForm, PeriodForm
from ..models import Period, ReviewStage
from ..selectors.overview import period_evaluators, period_list_rows, period_overview, period_stage_rows
from ..services.periods import period_open, stage_evaluators_set


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
    can_manage = permissions.can(request.user, Action.MANAGE, period.instansi)
    return render(
        request,
        "assessments/period_detail.html",
        {
            "period": period,
            "overview": overview,
            "filter_form": filter_form,
            "can_manage": can_manage,
            "stage_rows": period_stage_rows(stages=stages),
            "evaluators": period_evaluators(period=period) if can_manage else [],
        },
    )


@zona_login_required
@require_POST
def stage_evaluators(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    period = get_object_or_404(Period.objects.select_related("instansi"), pk=pk)
    permissions.get_object_or_deny(request.user, Action.MANAGE, Instansi.objects.all(), pk=period.instansi_id)
    stage = get_object_or_404(
        ReviewStage.objects.select_related("period__instansi"), pk=stage_pk, period=period
    )
    wanted = {value for value in request.POST.getlist("evaluators") if value.isdigit()}
    users = [user for user in period_evaluators(period=period) if str(user.pk) in wanted]
    try:
        stage_evaluators_set(stage=stage, users=users, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Evaluator tahap %(stage)s disimpan.") % {"stage": stage.name})
    return redirect("assessments:period_detail", pk=period.pk)
