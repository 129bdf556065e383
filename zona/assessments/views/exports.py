"""Downloads of an assessment (Excel, LHE PDF, evidence ZIP), the Excel import, and the period recap."""

from __future__ import annotations

import io
import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.accounts.models import Role
from zona.accounts.permissions import Action

from ..forms_exports import ImportApplyForm, ImportUploadForm
from ..models import Assessment, Evidence, Period
from ..selectors.core import tpi_visible
from ..selectors.review import stage_layers_visible
from ..services import evidence_zip as zip_service
from ..services import lhe as lhe_service
from ..services import official_io
from ..services import recap as recap_service
from ..services.answers import AnswerConflict
from ..services.excel_io import (
    LAYER_TPI,
    LAYER_UNIT,
    ImportPreview,
    assessment_workbook,
    export_filename,
    import_apply,
    import_preview,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECAP_ROLES = (Role.KOORDINATOR, Role.PIMPINAN)


def _assessments() -> Any:
    return Assessment.objects.select_related(
        "period__framework", "unit__instansi", "current_stage", "lhe_document"
    )


def _session_key(assessment: Assessment) -> str:
    return f"assessment-import-{assessment.pk}"


def _may_import(user: Any, assessment: Assessment) -> bool:
    return (
        permissions.can(user, Action.CHANGE, assessment)
        and assessment.period.status == Period.Status.OPEN
        and assessment.status in (Assessment.Status.DRAFT, Assessment.Status.RETURNED)
    )


def _download(
    content: bytes | io.BytesIO | Any, *, filename: str, content_type: str, inline: bool = False
) -> FileResponse:
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    response = FileResponse(stream, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _render_page(
    request: HttpRequest,
    assessment: Assessment,
    form: ImportUploadForm | None = None,
    status: int = 200,
    official_form: ImportUploadForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "assessments/exports.html",
        {
            "assessment": assessment,
            "form": form or ImportUploadForm(),
            "can_import": _may_import(request.user, assessment),
            "evidence_count": Evidence.objects.filter(assessment=assessment, removed_at__isnull=True).count(),
            "can_recap": permissions.has_role(request.user, *RECAP_ROLES),
            "can_read_lhe": permissions.may_read_lhe(
                request.user, assessment, final=assessment.status == Assessment.Status.FINAL
            ),
            "can_view_evidence": permissions.can(request.user, Action.VIEW_EVIDENCE, assessment),
            "is_final": assessment.status == Assessment.Status.FINAL,
            "official_available": official_io.official_available(assessment),
            "can_import_official": official_io.official_may_import(assessment, request.user),
            "official_form": official_form or ImportUploadForm(prefix="resmi"),
        },
        status=status,
    )


@zona_login_required
@require_GET
def exports_page(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = permissions.get_object_or_deny(request.user, Action.VIEW, _assessments(), pk=pk)
    return _render_page(request, assessment)


@zona_login_required
@require_GET
def export_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    assessment = permissions.get_object_or_deny(request.user, Action.VIEW, _assessments(), pk=pk)
    layer = LAYER_TPI if request.GET.get("lapis") == LAYER_TPI else LAYER_UNIT
    if layer == LAYER_TPI and not tpi_visible(request.user, assessment):
        permissions.deny(request.user, "view_tpi", assessment)
    content = assessment_workbook(assessment=assessment, layer=layer)
    suffix = " TPI" if layer == LAYER_TPI else ""
    return _download(content, filename=export_filename(assessment, suffix), content_type=XLSX)


@zona_login_required
@require_http_methods(["GET", "POST"])
def import_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    """POST a sheet → preview kept in the session; POST its token → apply all of it, or nothing."""
    assessment = permissions.get_object_or_deny(request.user, Action.CHANGE, _assessments(), pk=pk)
    if request.method == "GET":
        return redirect("assessments:exports", pk=assessment.pk)
    if "token" in request.POST:
        return _import_apply(request, assessment)
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_page(request, assessment, form)
    uploaded = form.cleaned_data["sheet"]
    try:
        preview = import_preview(
            assessment=assessment, source=uploaded, file_name=uploaded.name, actor=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error("sheet", message)
        return _render_page(request, assessment, form)
    token = _stash_preview(request, _session_key(assessment), preview.to_payload())
    return render(
        request,
        "assessments/exports_import_preview.html",
        {
            "assessment": assessment,
            "preview": preview,
            "apply_form": ImportApplyForm(initial={"token": token}),
        },
    )


def _stash_preview(request: HttpRequest, key: str, payload: Any) -> str:
    """Keep an import preview in the session until it is confirmed; the token names it in the form."""
    token = secrets.token_urlsafe(16)
    request.session[key] = {"token": token, "user": request.user.pk, "preview": payload}
    return token


def _stashed_preview(request: HttpRequest, key: str) -> Any | None:
    """The preview payload the posted token names, if it is this user's; None when missing or expired."""
    form = ImportApplyForm(request.POST)
    stored = request.session.get(key)
    if (
        not form.is_valid()
        or not stored
        or not secrets.compare_digest(str(stored.get("token", "")), form.cleaned_data["token"])
        or stored.get("user") != request.user.pk
    ):
        return None
    return stored["preview"]


def _import_apply(request: HttpRequest, assessment: Assessment) -> HttpResponseBase:
    stored = _stashed_preview(request, _session_key(assessment))
    if stored is None:
        messages.error(
            request, _("Pratinjau impor tidak ditemukan atau kedaluwarsa. Unggah ulang lembar kerjanya.")
        )
        return redirect("assessments:exports", pk=assessment.pk)
    preview = ImportPreview.from_payload(stored)
    try:
        applied = import_apply(assessment=assessment, preview=preview, actor=request.user)
    except AnswerConflict as exc:
        messages.error(
            request,
            _(
                "Butir %(code)s sudah diubah orang lain sejak pratinjau dibuat. Tidak ada perubahan yang "
                "diterapkan; unggah ulang lembar kerja untuk pratinjau baru."
            )
            % {"code": exc.answer.item_code},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages) + " " + _("Tidak ada perubahan yang diterapkan."))
    else:
        messages.success(request, _("%(count)s butir diperbarui dari lembar kerja.") % {"count": applied})
    request.session.pop(_session_key(assessment), None)
    return redirect("assessments:exports", pk=assessment.pk)


@zona_login_required
@require_GET
def export_official(request: HttpRequest, pk: int) -> FileResponse:
    """The official LKE shape ("LKE resmi"): unit answers, and the TPI's beside them for who may see them."""
    assessment = permissions.get_object_or_deny(request.user, Action.VIEW, _assessments(), pk=pk)
    try:
        content = official_io.official_workbook(assessment=assessment, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessments:exports", pk=assessment.pk)  # type: ignore[return-value]
    return _download(content, filename=official_io.official_filename(assessment), content_type=XLSX)


def _official_key(assessment: Assessment) -> str:
    return f"assessment-import-resmi-{assessment.pk}"


@zona_login_required
@require_http_methods(["GET", "POST"])
def import_official(request: HttpRequest, pk: int) -> HttpResponseBase:
    """POST an official-shape sheet → mapping preview in the session; POST its token → apply all, or nothing.

    The unit team and the TPI evaluators both come here; the service decides which layer each may write."""
    assessment = permissions.get_object_or_deny(request.user, Action.VIEW, _assessments(), pk=pk)
    if request.method == "GET":
        return redirect("assessments:exports", pk=assessment.pk)
    if "token" in request.POST:
        return _official_apply(request, assessment)
    form = ImportUploadForm(request.POST, request.FILES, prefix="resmi")
    if not form.is_valid():
        return _render_page(request, assessment, official_form=form)
    uploaded = form.cleaned_data["sheet"]
    try:
        preview = official_io.official_import_preview(
            assessment=assessment, source=uploaded, file_name=uploaded.name, actor=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error("sheet", message)
        return _render_page(request, assessment, official_form=form)
    token = _stash_preview(request, _official_key(assessment), preview.to_payload())
    return render(
        request,
        "assessments/exports_official_preview.html",
        {
            "assessment": assessment,
            "preview": preview,
            "apply_form": ImportApplyForm(initial={"token": token}),
        },
    )


def _official_apply(request: HttpRequest, assessment: Assessment) -> HttpResponseBase:
    stored = _stashed_preview(request, _official_key(assessment))
    if stored is None:
        messages.error(
            request, _("Pratinjau impor tidak ditemukan atau kedaluwarsa. Unggah ulang lembar kerjanya.")
        )
        return redirect("assessments:exports", pk=assessment.pk)
    preview = official_io.OfficialPreview.from_payload(stored)
    try:
        applied = official_io.official_import_apply(
            assessment=assessment, preview=preview, actor=request.user
        )
    except AnswerConflict as exc:
        messages.error(
            request,
            _(
                "Butir %(code)s sudah diubah orang lain sejak pratinjau dibuat. Tidak ada perubahan yang "
                "diterapkan; unggah ulang lembar kerja untuk pratinjau baru."
            )
            % {"code": exc.answer.item_code},
        )
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text + " " + _("Tidak ada perubahan yang diterapkan."))
    else:
        messages.success(request, _("%(count)s perubahan diterapkan dari LKE resmi.") % {"count": applied})
    request.session.pop(_official_key(assessment), None)
    return redirect("assessments:exports", pk=assessment.pk)


@zona_login_required
@require_GET
def lhe_pdf(request: HttpRequest, pk: int) -> FileResponse:
    assessment = permissions.get_object_or_deny(request.user, Action.VIEW, _assessments(), pk=pk)
    final = assessment.status == Assessment.Status.FINAL
    if not permissions.may_read_lhe(request.user, assessment, final=final):
        permissions.deny(request.user, Action.READ_LHE if final else Action.READ_DRAFT_LHE, assessment)
    if final and assessment.lhe_document_id is None:
        # Finalised before the LHE was written at finalisation: only a reviewer or the coordinator
        # writes the official record; anyone else gets the same report, rendered, not stored.
        if permissions.can(request.user, Action.REVIEW, assessment) or permissions.can(
            request.user, Action.MANAGE, assessment
        ):
            lhe_service.lhe_generate(assessment=assessment, actor=request.user)
            assessment.refresh_from_db(fields=["lhe_document"])
        else:
            return _download(
                lhe_service.lhe_render(assessment, draft=False),
                filename=lhe_service.lhe_filename(assessment, draft=False),
                content_type="application/pdf",
                inline=True,
            )
    if assessment.status == Assessment.Status.FINAL:
        document = assessment.lhe_document
        assert document is not None
        return _download(
            document.blob.file.open("rb"),
            filename=lhe_service.lhe_filename(assessment, draft=False),
            content_type="application/pdf",
            inline=True,
        )
    if not stage_layers_visible(request.user, assessment):  # the draft carries the stages' notes
        permissions.deny(request.user, "view_tpi", assessment)
    content = lhe_service.lhe_render(assessment, draft=True)
    return _download(
        content,
        filename=lhe_service.lhe_filename(assessment, draft=True),
        content_type="application/pdf",
        inline=True,
    )


@zona_login_required
@require_GET
def evidence_zip(request: HttpRequest, pk: int) -> FileResponse:
    assessment = permissions.get_object_or_deny(request.user, Action.VIEW_EVIDENCE, _assessments(), pk=pk)
    archive = zip_service.evidence_zip_build(assessment=assessment)
    return _download(
        archive, filename=zip_service.evidence_zip_filename(assessment), content_type="application/zip"
    )


@zona_login_required
@require_GET
def period_recap_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    period = permissions.get_object_or_deny(
        request.user, Action.VIEW, Period.objects.select_related("framework"), pk=pk
    )
    if not permissions.has_role(request.user, *RECAP_ROLES):
        raise PermissionDenied
    content = recap_service.period_recap_workbook(period=period, user=request.user)
    return _download(content, filename=recap_service.recap_filename(period), content_type=XLSX)
