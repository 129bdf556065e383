"""Staff survey pages (/survei/): campaigns per unit, creation, detail with results, actions, LKE feed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.accounts.permissions import Action
from zona.units.models import Unit

from . import computation, selectors, services
from .forms import CampaignForm, FeedForm, TargetForm
from .instruments import instrument_def
from .models import Campaign, Instrument


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _changeable_units(user: Any) -> Any:
    from zona.accounts.models import Role

    return permissions.visible_units(
        user, roles_in=[Role.KOORDINATOR, Role.KETUA_TIM, Role.OPERATOR]
    ).order_by("path")


@zona_login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    units = permissions.visible_units(request.user).order_by("path")
    unit_pk = _int(request.GET.get("unit"))
    unit = units.filter(pk=unit_pk).first() if unit_pk is not None else None
    year = _int(request.GET.get("tahun"))
    campaigns = list(selectors.campaign_list(user=request.user, unit=unit, year=year))
    years = sorted({c.year for c in campaigns} | {timezone.localdate().year}, reverse=True)
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "campaigns": campaigns,
            "units": units,
            "unit": unit,
            "year": year,
            "years": years,
            "can_create": _changeable_units(request.user).exists(),
        },
    )


@zona_login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    units = _changeable_units(request.user)
    if not units.exists():
        raise PermissionDenied
    fixed_unit = None
    if request.GET.get("unit"):
        unit_pk = _int(request.GET.get("unit"))
        fixed_unit = units.filter(pk=unit_pk).first() if unit_pk is not None else None
        if fixed_unit is None:
            raise Http404
    instruments = selectors.instrument_choices()
    form = CampaignForm(request.POST or None, units=units, instruments=instruments, fixed_unit=fixed_unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                unit=data["unit"],
                instrument=data["instrument"],
                title=data["title"],
                year=data["year"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                service_types=data["service_types"],
                population=data["population"],
                sample_method=data["sample_method"],
                require_code=data["require_code"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.apply_service_errors(exc)
        except PermissionDenied:
            form.add_error("unit", _("Anda tidak dapat membuat survei untuk unit ini."))
        else:
            messages.success(request, _("Survei %(title)s dibuat.") % {"title": campaign.title})
            return redirect("surveys:detail", pk=campaign.pk)
    return render(
        request,
        "surveys/campaign_form.html",
        {"form": form, "fixed_unit": fixed_unit, "no_instruments": not instruments.exists()},
    )


@zona_login_required
def sample_target(request: HttpRequest) -> HttpResponse:
    """HTMX: the target sample for a population and method, shown while the form is filled."""
    form = TargetForm(request.GET)
    target = None
    if form.is_valid() and form.cleaned_data.get("population"):
        target = computation.sample_size(
            form.cleaned_data.get("sample_method") or "krejcie_morgan", form.cleaned_data["population"]
        )
    return render(request, "surveys/partials/_target.html", {"target": target})


def _campaign(request: HttpRequest, pk: int, action: str = Action.VIEW) -> Campaign:
    return permissions.get_object_or_deny(request.user, action, selectors.campaign_detail_queryset(), pk=pk)


@zona_login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    results = selectors.campaign_results(campaign)
    n = campaign.n  # type: ignore[attr-defined]
    target = campaign.target_sample
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "results": results,
            "n": n,
            "progress": min(100, round(100 * n / target)) if target else None,
            "service_types": selectors.campaign_service_types(campaign),
            "can_change": permissions.can(request.user, Action.CHANGE, campaign),
            "can_publish": permissions.can(request.user, Action.MANAGE, campaign),
            "is_skm": campaign.instrument.kind == Instrument.Kind.SKM,
            "chart": _chart_spec(results),
        },
    )


def _chart_spec(results: selectors.CampaignResults) -> dict[str, Any]:
    data = results.chart
    return {
        "type": "bar",
        "labels": data["labels"],
        "datasets": [{"label": _("Rata-rata (NRR)"), "data": data["values"]}],
        "max": data["max"],
    }


ACTIONS = {
    "open": (services.campaign_open, _("Survei dibuka: tautan publik menerima respons.")),
    "close": (services.campaign_close, _("Survei ditutup.")),
    "publish": (services.campaign_publish, _("Hasil survei dipublikasikan di halaman publik unit.")),
    "unpublish": (services.campaign_unpublish, _("Publikasi hasil survei ditarik.")),
}


@zona_login_required
@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    campaign = _campaign(request, pk)
    service, done = ACTIONS[action]
    try:
        service(campaign=campaign, actor=request.user)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(done))
    return redirect("surveys:detail", pk=campaign.pk)


@zona_login_required
def campaign_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview and send a closed campaign's result to the unit's LKE (B.I.a, B.II.a or A.I.6.iv.a)."""
    campaign = _campaign(request, pk, Action.CHANGE)
    assessments = selectors.lke_assessments_for(campaign)
    form = FeedForm(request.POST or None, assessments=assessments)
    kind = campaign.instrument.kind
    item_code = services.FEED_ITEMS.get(kind, services.ITEM_SKM_COUNT)  # type: ignore[call-overload]
    preview: dict[str, Any] = {"item_code": item_code}
    if kind == Instrument.Kind.SKM:
        held = selectors.skm_rounds(
            unit=campaign.unit, year=campaign.year, rule=instrument_def(campaign.instrument).rounds
        )
        preview.update(
            value=services.skm_count_option(held.count),
            skm_rounds=held,
            skm_note=services.skm_rounds_note(held, campaign.year, services.skm_count_option(held.count)),
        )
    else:
        overall = selectors.campaign_results(campaign, breakdowns=False).overall
        preview.update(value=overall.index, result=overall)
    needs_confirm = None
    if request.method == "POST" and form.is_valid():
        assessment = next(a for a in assessments if a.pk == form.cleaned_data["assessment"])
        try:
            result = services.campaign_feed_lke(
                campaign=campaign,
                assessment=assessment,
                actor=request.user,
                confirm=form.cleaned_data["confirm"],
                base_url=request.build_absolute_uri("/"),
            )
        except services.FeedNeedsConfirmation as exc:
            needs_confirm = exc
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("Anda tidak dapat mengubah jawaban LKE ini."))
        else:
            messages.success(
                request,
                _("%(item)s diisi %(value)s; %(n)s data dukung ditambahkan.")
                % {"item": result.item_code, "value": result.value, "n": result.evidence_added},
            )
            return redirect("surveys:detail", pk=campaign.pk)
    current = [(a, selectors.lke_current_answer(a, item_code)) for a in assessments]
    return render(
        request,
        "surveys/campaign_feed.html",
        {
            "campaign": campaign,
            "form": form,
            "preview": preview,
            "assessments": assessments,
            "current": current,
            "needs_confirm": needs_confirm,
            "closed": campaign.status == Campaign.Status.CLOSED,
        },
    )


@zona_login_required
def unit_results(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = permissions.get_object_or_deny(request.user, Action.VIEW, Unit.objects.all(), pk=unit_pk)
    return render(
        request,
        "surveys/unit_results.html",
        {
            "unit": unit,
            "year": year,
            "results": selectors.unit_results(unit, year),
            "campaigns": list(selectors.campaign_list(user=request.user, unit=unit, year=year)),
        },
    )
