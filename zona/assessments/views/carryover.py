"""Carrying an earlier LKE under another regulation over to a new draft: the preview, then the confirmation.

GET shows what would be copied (nothing is written); POST applies exactly that preview (its fingerprint
travels in the form) and goes back to the worksheet. The assessment is looked up through
`permissions.get_object_or_deny` with CHANGE: another unit's operator gets 404, who may only see it 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.accounts.permissions import Action

from ..models import Assessment
from ..selectors.carryover import (
    CarryoverUnavailable,
    carryover_candidates,
    carryover_mapping,
    carryover_preview,
    carryover_source,
)
from ..services.carryover import carryover_apply, carryover_check


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@zona_login_required
@require_http_methods(["GET", "POST"])
def carryover(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = permissions.get_object_or_deny(
        request.user,
        Action.CHANGE,
        Assessment.objects.select_related("period__instansi", "period__framework", "unit__instansi"),
        pk=pk,
    )
    wanted = _int(request.POST.get("dari") if request.method == "POST" else request.GET.get("dari"))
    error = ""
    preview = None
    try:
        source = carryover_source(assessment, wanted)
        preview = carryover_preview(source=source, target=assessment)
    except CarryoverUnavailable as exc:
        error = str(exc)
    blocked = ""
    try:
        carryover_check(target=assessment, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        blocked = " ".join(getattr(exc, "messages", [str(exc)]))
    status = 200
    if request.method == "POST" and preview is not None and not blocked:
        try:
            result = carryover_apply(
                source=preview.source,
                target=assessment,
                actor=request.user,
                token=request.POST.get("token", ""),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
            preview = carryover_preview(source=preview.source, target=assessment)
            status = 409
        else:
            messages.success(
                request,
                _("%(answers)s jawaban dan %(evidence)s data dukung dibawa dari penilaian %(year)s.")
                % {
                    "answers": result.answers,
                    "evidence": result.evidence,
                    "year": preview.source.period.year,
                },
            )
            return redirect("assessments:worksheet", pk=assessment.pk)
    elif request.method == "POST":
        status = 400 if blocked or error else 200
    candidates = [c for c in carryover_candidates(assessment) if carryover_mapping(c, assessment) is not None]
    return render(
        request,
        "assessments/carryover.html",
        {
            "assessment": assessment,
            "preview": preview,
            "error": error,
            "blocked": blocked,
            "candidates": candidates,
            "crumb": _("Bawa jawaban periode sebelumnya"),
        },
        status=status,
    )
