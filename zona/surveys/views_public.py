"""The public pages behind a campaign's short link `/s/<kode>/`: the form, the thanks page, the QR poster.

The form and thanks pages need no login and use their own light template (`surveys/public/base.html`:
one small stylesheet, no Bootstrap or chart scripts) so that they load on a slow connection.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required

from . import services_public as svc
from .forms_public import TOKEN, PublicResponseForm
from .instruments import instrument_def
from .models import Campaign, Response
from .poster import poster_pdf


def _campaign(short_code: str) -> Campaign:
    campaign = svc.public_campaign(short_code=short_code)
    if campaign is None or campaign.status == Campaign.Status.DRAFT:
        raise Http404  # a campaign never opened is not public yet, not even its title
    return campaign


def _kiosk(request: HttpRequest) -> bool:
    return (request.GET.get("kiosk") or "") == "1"


def _form_url(campaign: Campaign, *, kiosk: bool) -> str:
    url = reverse("survey_public:form", kwargs={"short_code": campaign.short_code})
    return f"{url}?kiosk=1" if kiosk else url


def _thanks_url(campaign: Campaign, *, kiosk: bool) -> str:
    url = reverse("survey_public:thanks", kwargs={"short_code": campaign.short_code})
    return f"{url}?kiosk=1" if kiosk else url


def _render_form(
    request: HttpRequest,
    campaign: Campaign,
    form: PublicResponseForm,
    *,
    kiosk: bool,
    notice: str = "",
    kiosk_enabled: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "surveys/public/form.html",
        {
            "campaign": campaign,
            "unit": campaign.unit,
            "form": form,
            "kiosk": kiosk,
            "kiosk_enabled": kiosk_enabled,
            "notice": notice,
            "form_url": _form_url(campaign, kiosk=kiosk),
        },
        status=status,
    )


def _fresh_token(form: PublicResponseForm) -> PublicResponseForm:
    data = dict(form.data.items())
    data[TOKEN] = svc.form_token()
    form.data = data
    return form


@never_cache
def form(request: HttpRequest, short_code: str) -> HttpResponse:
    found = svc.public_form_campaign(short_code=short_code)
    if found is None or found[0].status == Campaign.Status.DRAFT:
        raise Http404  # a campaign never opened is not public yet, not even its title
    campaign, service_types = found
    kiosk = _kiosk(request)
    if not svc.accepts_responses(campaign):
        return render(request, "surveys/public/closed.html", {"campaign": campaign, "unit": campaign.unit})
    definition = instrument_def(campaign.instrument)

    def make_form(data: Any = None, initial: dict[str, Any] | None = None) -> PublicResponseForm:
        return PublicResponseForm(
            data, initial=initial, campaign=campaign, definition=definition, service_types=service_types
        )

    if request.method != "POST":
        kiosk_enabled = kiosk and permissions.can(request.user, permissions.Action.CHANGE, campaign)
        page = _render_form(
            request,
            campaign,
            make_form(initial={TOKEN: svc.form_token()}),
            kiosk=kiosk,
            kiosk_enabled=kiosk_enabled,
        )
        if kiosk_enabled:
            svc.kiosk_cookie_set(page, campaign)
        return page

    throttle = svc.throttle_state(request, kiosk=kiosk and svc.is_kiosk_device(request, campaign))
    if throttle.blocked:
        page = render(
            request,
            "surveys/public/throttled.html",
            {"campaign": campaign, "unit": campaign.unit},
            status=429,
        )
        page["Retry-After"] = str(svc.WINDOW_SECONDS)
        svc.throttle_cookie(page, throttle)
        return page

    bound = make_form(request.POST)
    timing = svc.timing_check(bound.token)
    if timing == svc.Timing.TOO_FAST and not bound.honeypot_filled and not bound.is_valid():
        # An empty or incomplete form sent quickly is a person who pressed send too soon, not a bot
        # (a bot fills every field): hand it back with the required-field errors, store nothing, and
        # keep the original start token so the timing check still counts from when the form opened.
        return _render_form(request, campaign, bound, kiosk=kiosk)
    if bound.honeypot_filled or timing == svc.Timing.TOO_FAST:
        svc.throttle_hit(throttle)
        page = HttpResponseRedirect(_thanks_url(campaign, kiosk=kiosk))
        svc.throttle_cookie(page, throttle)
        return page
    if timing in (svc.Timing.EXPIRED, svc.Timing.INVALID):
        bound.is_valid()
        notice = _("Formulir ini sudah terlalu lama terbuka. Periksa kembali jawaban Anda, lalu kirim ulang.")
        return _render_form(request, campaign, _fresh_token(bound), kiosk=kiosk, notice=notice)
    if not bound.is_valid():
        return _render_form(request, campaign, bound, kiosk=kiosk)

    try:
        svc.response_submit(
            campaign=campaign,
            data=bound.response_data(),
            channel=Response.Channel.KIOSK if kiosk else Response.Channel.WEB,
            code=bound.cleaned_data.get("code") or "",
            definition=definition,
        )
    except svc.CodeRejected as exc:
        svc.throttle_hit(throttle)
        bound.add_error("code", exc.messages[0])
        page = _render_form(request, campaign, bound, kiosk=kiosk)
        svc.throttle_cookie(page, throttle)
        return page
    except ValidationError as exc:
        campaign.refresh_from_db(fields=["status"])
        if not svc.accepts_responses(campaign):
            return render(
                request, "surveys/public/closed.html", {"campaign": campaign, "unit": campaign.unit}
            )
        for message in exc.messages:
            bound.add_error(None, message)
        return _render_form(request, campaign, bound, kiosk=kiosk)
    svc.throttle_hit(throttle)
    page = HttpResponseRedirect(_thanks_url(campaign, kiosk=kiosk))
    svc.throttle_cookie(page, throttle)
    return page


def _published_results(campaign: Campaign) -> Any:
    """The unit's current published results, when the results module offers them (else None)."""
    try:
        selectors = importlib.import_module("zona.surveys.selectors")
    except ImportError:
        return None
    published = getattr(selectors, "published_results", None)
    if published is None:
        return None
    return published(campaign.unit)


def thanks(request: HttpRequest, short_code: str) -> HttpResponse:
    campaign = _campaign(short_code)
    kiosk = _kiosk(request)
    return render(
        request,
        "surveys/public/thanks.html",
        {
            "campaign": campaign,
            "unit": campaign.unit,
            "kiosk": kiosk,
            "kiosk_seconds": int(getattr(settings, "ZONA_SURVEY_KIOSK_RESET_SECONDS", 8)),
            "form_url": _form_url(campaign, kiosk=kiosk),
            "results": _published_results(campaign),
        },
    )


def public_url(request: HttpRequest, campaign: Campaign) -> str:
    """The absolute short link (ZONA_PUBLIC_URL when set, e.g. behind a proxy; else from the request)."""
    path = reverse("survey_public:form", kwargs={"short_code": campaign.short_code})
    base = str(getattr(settings, "ZONA_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@zona_login_required
def poster(request: HttpRequest, short_code: str) -> HttpResponse:
    campaign = permissions.get_object_or_deny(
        request.user,
        permissions.Action.VIEW,
        Campaign.objects.select_related("unit", "instrument"),
        short_code=short_code,
    )
    pdf = poster_pdf(
        campaign=campaign,
        url=public_url(request, campaign),
        instrument_name=instrument_def(campaign.instrument).name,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-survei-{campaign.short_code}.pdf"'
    return response
