"""Staff entry pages of a campaign (at /survei/isi/): paper questionnaires, file import, one-time codes.

Every page looks the campaign up through `get_object_or_deny(..., CHANGE, ...)`: 404 for a campaign of a unit
the user cannot see, 403 for one they see but may not change (e.g. a pimpinan).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required

from . import services_entry as svc
from .forms_entry import CodesForm, ImportForm, PaperRowForm
from .instruments import instrument_def
from .models import Campaign, Response
from .poster import codes_pdf
from .views_public import public_url

RECENT_ROWS = 10


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return permissions.get_object_or_deny(
        request.user,
        permissions.Action.CHANGE,
        Campaign.objects.select_related("unit", "instrument"),
        pk=pk,
    )


def _detail_url(campaign: Campaign) -> str:
    for name in ("surveys:detail", "surveys:campaign_detail"):
        try:
            return reverse(name, kwargs={"pk": campaign.pk})
        except NoReverseMatch:
            continue
    return ""


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _base_context(campaign: Campaign) -> dict[str, Any]:
    return {
        "campaign": campaign,
        "unit": campaign.unit,
        "detail_url": _detail_url(campaign),
        "open": svc.entry_allowed(campaign),
        "n": Response.objects.filter(campaign=campaign).count(),
    }


@zona_login_required
def paper(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    definition = instrument_def(campaign.instrument)
    service_types = svc.campaign_service_types(campaign)

    def make(data: Any = None) -> PaperRowForm:
        return PaperRowForm(data, campaign=campaign, definition=definition, service_types=service_types)

    form = make()
    saved: Response | None = None
    if request.method == "POST":
        form = make(request.POST)
        if not svc.entry_allowed(campaign):
            messages.error(request, _("Kampanye ini tidak sedang berjalan; jawaban tidak dapat dimasukkan."))
            return redirect("survey_entry:paper", campaign_pk=campaign.pk)
        if form.is_valid():
            try:
                saved = svc.paper_response_save(
                    campaign=campaign, data=form.response_data(), actor=request.user
                )
            except svc.EntryClosed:
                messages.error(
                    request, _("Kampanye ini tidak sedang berjalan; jawaban tidak dapat dimasukkan.")
                )
                return redirect("survey_entry:paper", campaign_pk=campaign.pk)
            if not _htmx(request):
                messages.success(request, _("Kuesioner tersimpan (no. %(pk)s).") % {"pk": saved.pk})
                return redirect("survey_entry:paper", campaign_pk=campaign.pk)
            form = make()
    recent = list(
        Response.objects.filter(
            campaign=campaign, channel=Response.Channel.PAPER, entered_by_id=request.user.pk
        )
        .select_related("service_type")
        .order_by("-pk")[:RECENT_ROWS]
    )
    context = {
        **_base_context(campaign),
        "definition": definition,
        "form": form,
        "saved": saved,
        "service_types": service_types,
        "order": [q.code for q in definition.display_questions],
        "profile": {f.code: f for f in definition.profile},
        "recent": [
            {"response": r, "answers": [getattr(r, q.column) for q in definition.display_questions]}
            for r in recent
        ],
    }
    template = "surveys/entry/partials/_paper_panel.html" if _htmx(request) else "surveys/entry/paper.html"
    return render(request, template, context)


@zona_login_required
def import_responses(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    definition = instrument_def(campaign.instrument)
    form = ImportForm(numberings=definition.numberings)
    result: svc.ImportResult | None = None
    file_problems: list[str] = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, numberings=definition.numberings)
        if form.is_valid() and not svc.entry_allowed(campaign):
            file_problems = [_("Kampanye ini tidak sedang berjalan; jawaban tidak dapat diimpor.")]
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = svc.responses_import(
                    campaign=campaign,
                    name=upload.name or "",
                    content=upload.read(),
                    valid_only=form.cleaned_data["valid_only"],
                    actor=request.user,
                    numbering=form.cleaned_data.get("numbering") or "",
                )
            except svc.ImportFileInvalid as exc:
                file_problems = exc.problems
            except svc.EntryClosed:
                file_problems = [_("Kampanye ini tidak sedang berjalan; jawaban tidak dapat diimpor.")]
    context = {
        **_base_context(campaign),
        "definition": definition,
        "form": form,
        "result": result,
        "file_problems": file_problems,
        "problems_shown": result.problems[:500] if result else [],
        "profile_columns": ["layanan", "jenis_kelamin", "usia", "pendidikan", "pekerjaan", "saran"],
    }
    return render(request, "surveys/entry/import.html", context)


@zona_login_required
def import_template(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    response = HttpResponse(
        svc.import_template_csv(instrument_def(campaign.instrument)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="templat-impor-{campaign.short_code}.csv"'
    return response


@zona_login_required
def codes(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = _campaign(request, campaign_pk)
    form = CodesForm()
    if request.method == "POST":
        form = CodesForm(request.POST)
        if form.is_valid():
            new = svc.one_time_codes_generate(
                campaign=campaign, count=form.cleaned_data["count"], actor=request.user
            )
            if form.cleaned_data["format"] == "csv":
                response = HttpResponse(svc.codes_csv(new), content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = (
                    f'attachment; filename="kode-survei-{campaign.short_code}.csv"'
                )
                return response
            pdf = codes_pdf(campaign=campaign, codes=new, url=public_url(request, campaign))
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="kode-survei-{campaign.short_code}.pdf"'
            return response
    context = {**_base_context(campaign), "form": form, "counts": svc.one_time_code_counts(campaign)}
    return render(request, "surveys/entry/codes.html", context)
