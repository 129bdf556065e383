"""Pages of submission and the TPI review: completeness check and submit, the review page, answer history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.accounts.permissions import Action

from ..forms_review import StageAnswerForm, SubmitForm, returned_items, stage_value
from ..models import Assessment, ReviewStage
from ..selectors import review as selectors
from ..selectors.core import engine_for
from ..services import review as services
from ..services.answers import AnswerConflict, answer_save
from ..services.review import IncompleteAssessment


def _assessment(request: HttpRequest, pk: int, action: str = Action.VIEW) -> Assessment:
    queryset = Assessment.objects.select_related("period", "unit", "current_stage")
    return permissions.get_object_or_deny(request.user, action, queryset, pk=pk)


def _review_url(assessment: Assessment, anchor: str = "") -> str:
    return reverse("assessments:review", kwargs={"pk": assessment.pk}) + anchor


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _posted_stage(request: HttpRequest, assessment: Assessment) -> ReviewStage | None:
    raw = request.POST.get("tahap", "")
    if not raw.isdigit():
        return None
    return ReviewStage.objects.filter(period_id=assessment.period_id, pk=int(raw)).first()


# --- submit -------------------------------------------------------------------------------------------


@zona_login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        assessment = _assessment(request, pk, Action.SUBMIT)
        form = SubmitForm(request.POST)
        if form.is_valid():
            try:
                services.assessment_submit(
                    assessment=assessment,
                    actor=request.user,
                    acknowledge_incomplete=form.cleaned_data["acknowledge_incomplete"],
                )
            except IncompleteAssessment as exc:
                form.add_error("acknowledge_incomplete", exc.messages[0])
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Penilaian diajukan ke TPI (tahap %(stage)s).") % {"stage": assessment.current_stage},
                )
                return redirect(_review_url(assessment))
        status = 400
    else:
        assessment = _assessment(request, pk)
        form = SubmitForm()
        status = 200
    context = {
        "assessment": assessment,
        "form": form,
        "check": selectors.submit_overview(assessment=assessment, user=request.user),
    }
    return render(request, "assessments/submit.html", context, status=status)


# --- review page --------------------------------------------------------------------------------------


def _render_review(
    request: HttpRequest,
    assessment: Assessment,
    *,
    return_errors: list[str] | None = None,
    return_data: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    query = request.GET
    only_different = query.get("beda") == "1"
    only_returned = query.get("dikembalikan") == "1"
    area = query.get("area", "")
    page = selectors.review_page(
        assessment=assessment,
        user=request.user,
        only_different=only_different,
        only_returned=only_returned,
        area=area,
    )
    filters = {"only_different": only_different, "only_returned": only_returned, "area": area}
    context: dict[str, Any] = {
        "assessment": assessment,
        "page": page,
        "filters": filters,
        "return_errors": return_errors or [],
        "return_data": return_data or {},
    }
    return render(request, "assessments/review.html", context, status=status)


@zona_login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_review(request, _assessment(request, pk))


@zona_login_required
@require_POST
def review_answer(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Save the current stage's answer and note for one item (HTMX: the item's form comes back)."""
    assessment = _assessment(request, pk, Action.REVIEW)
    framework = engine_for(assessment)
    item = framework.items.get(code)
    if item is None:
        raise Http404
    form = StageAnswerForm(request.POST)
    state: dict[str, Any] = {}
    if not selectors.may_review(request.user, assessment):
        state["error"] = _("Penilaian tidak sedang direviu; jawaban tahap tidak dapat diubah.")
    elif not form.is_valid():
        state["error"] = _("Isian butir %(code)s tidak valid: %(errors)s") % {
            "code": code,
            "errors": "; ".join(str(e) for errors in form.errors.values() for e in errors),
        }
    else:
        assert assessment.current_stage is not None
        try:
            result = answer_save(
                assessment=assessment,
                item_code=code,
                value=stage_value(framework, item, request.POST),
                actor=request.user,
                stage=assessment.current_stage,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except AnswerConflict as exc:
            state["conflict"] = selectors.conflict_info(assessment=assessment, code=code, answer=exc.answer)
            attempt = stage_value(framework, item, request.POST)
            if isinstance(attempt, dict):
                attempt = ", ".join(f"{key}={value}" for key, value in attempt["inputs"].items() if value)
            state["attempt"] = {"value": attempt or "", "note": form.cleaned_data["note"]}
        except ValidationError as exc:
            state["error"] = "; ".join(exc.messages)
        else:
            state["saved"] = True
            state["changed"] = result.changed
    if not _is_htmx(request):
        if "saved" in state:
            messages.success(request, _("Jawaban tahap untuk butir %(code)s tersimpan.") % {"code": code})
        elif "conflict" in state:
            messages.error(request, state["conflict"].message)
        else:
            messages.error(request, state["error"])
        return redirect(_review_url(assessment, f"#item-{code}"))
    row = selectors.review_item(assessment=assessment, user=request.user, code=code)
    context = {"assessment": assessment, "row": row, "state": state, "editable": True}
    return render(request, "assessments/partials/_rv_stage_form.html", context)


@zona_login_required
@require_POST
def review_return(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, Action.REVIEW)
    items = returned_items(request.POST)
    stage = _posted_stage(request, assessment)
    try:
        if stage is None:
            raise ValidationError(_("Tahap reviu tidak dikenal; muat ulang halaman."))
        rows = services.review_return(assessment=assessment, stage=stage, items=items, actor=request.user)
    except ValidationError as exc:
        return _render_review(request, assessment, return_errors=exc.messages, return_data=items, status=400)
    messages.success(
        request,
        _("%(count)s butir dikembalikan ke unit untuk diperbaiki.") % {"count": len(rows)},
    )
    return redirect(_review_url(assessment))


@zona_login_required
@require_POST
def review_advance(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, Action.REVIEW)
    stage = _posted_stage(request, assessment)
    try:
        if stage is None:
            raise ValidationError(_("Tahap reviu tidak dikenal; muat ulang halaman."))
        services.review_advance(assessment=assessment, stage=stage, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Reviu dilanjutkan ke tahap %(stage)s.") % {"stage": assessment.current_stage}
        )
    return redirect(_review_url(assessment))


@zona_login_required
@require_POST
def review_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, Action.REVIEW)
    stage = _posted_stage(request, assessment)
    try:
        if stage is None or stage.pk != assessment.current_stage_id:
            raise ValidationError(_("Tahap reviu sudah berubah; muat ulang halaman."))
        services.review_finalise(assessment=assessment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Penilaian difinalkan; nilai dan jawaban kini dibekukan."))
    return redirect(_review_url(assessment))


@zona_login_required
@require_POST
def review_area_note(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The last stage saves the TPI's findings and recommendations for one area (printed in the LHE)."""
    assessment = _assessment(request, pk, Action.REVIEW)
    try:
        services.area_note_save(
            assessment=assessment,
            area=number,
            findings=request.POST.get("findings", ""),
            recommendations=request.POST.get("recommendations", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _render_review(request, assessment, status=400)
    messages.success(request, _("Temuan dan rekomendasi area %(n)s tersimpan.") % {"n": number})
    return redirect(_review_url(assessment, f"#area-note-{number}"))


# --- history ------------------------------------------------------------------------------------------


@zona_login_required
@require_GET
def answer_history(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    if code not in engine_for(assessment).items:
        raise Http404
    history = selectors.answer_history(assessment=assessment, user=request.user, code=code)
    return render(request, "assessments/review_history.html", {"assessment": assessment, "history": history})
