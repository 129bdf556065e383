"""The self-assessment worksheet: the LKE tree, autosave per item over HTMX, evidence, comments, pokja.

Every view looks the assessment up through `permissions.get_object_or_deny` (404 for another unit's, 403
with an audit record for what the user sees but may not do). HTMX requests get fragments (the item, its
evidence or comments, plus out-of-band score badges); without JavaScript the same forms post normally and
redirect back to `#item-<code>` (or show the item on its own page when it needs the person's attention).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePath
from typing import Any

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.accounts.permissions import Action
from zona.documents.views import safe_filename
from zona.lke.answers import InvalidAnswer, answer_display, parse_answer
from zona.lke.framework import Framework

from ..forms_worksheet import AssignmentForm, CommentForm, EvidenceLinkForm, EvidenceUploadForm, posted_answer
from ..models import Answer, Assessment, Evidence
from ..selectors.carryover import carryover_offer
from ..selectors.core import canonical, engine_for
from ..selectors.worksheet import (
    Filters,
    ItemRow,
    assignable_users,
    attachable_documents,
    person,
    with_posted,
    worksheet_page,
)
from ..services.answers import AnswerConflict, answer_save
from ..services.collab import assignment_set, comment_add
from ..services.evidence import evidence_attach_document, evidence_link, evidence_remove, evidence_upload

# what became of an HTMX save, for the autosave script: saved, conflict (the newer value is shown) or
# invalid (refused with a message); the fragments themselves are the same as for plain HTMX
SAVE_OUTCOME = "X-Zona-Save"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _assessment(request: HttpRequest, pk: int, action: str = Action.VIEW) -> Assessment:
    return permissions.get_object_or_deny(
        request.user,
        action,
        Assessment.objects.select_related("period__instansi", "unit__instansi", "current_stage"),
        pk=pk,
    )


def _code(assessment: Assessment, code: str) -> str:
    if code not in engine_for(assessment).items:
        raise Http404
    return code


def _worksheet_url(assessment: Assessment, code: str = "") -> str:
    url = reverse("assessments:worksheet", kwargs={"pk": assessment.pk})
    return f"{url}#item-{code}" if code else url


def _deny(request: HttpRequest, obj: Any, action: str) -> PermissionDenied:
    try:
        permissions.deny(request.user, action, obj)
    except PermissionDenied as exc:
        return exc


def _errors(form: Any) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@zona_login_required
@require_GET
def worksheet(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    framework = engine_for(assessment)
    filters = Filters.from_query(request.GET, [area.number for area in framework.areas])
    page = worksheet_page(assessment=assessment, user=request.user, filters=filters)
    return render(
        request,
        "assessments/worksheet.html",
        {
            "assessment": assessment,
            "page": page,
            "filters": filters,
            "area_choices": [(str(area.number), f"{area.number}. {area.name}") for area in framework.areas],
            "autosave_texts": autosave_texts(),
            "carryover_from": carryover_offer(request.user, assessment),
        },
    )


def _item_context(
    request: HttpRequest,
    assessment: Assessment,
    code: str,
    *,
    posted: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    page = worksheet_page(assessment=assessment, user=request.user, only=code)
    row = page.items[code]
    if posted is not None:
        row = with_posted(row, page.framework, page.result, posted)
    context = {
        "assessment": assessment,
        "page": page,
        "row": row,
        "section": page.section_of(code),
        "indicator": page.indicator_of(code),
    }
    context.update(extra)
    return context


def autosave_texts() -> dict[str, str]:
    """What the autosave script says, translated here (the script is a static file)."""
    return {
        "saving": _("Menyimpan…"),
        "queued": _("Belum tersimpan: menunggu giliran…"),
        "failed": _("Gagal menyimpan — coba lagi."),
        "failed_retry": _("Gagal menyimpan — mencoba lagi dalam %(s)s detik."),
        "offline": _(
            "Gagal menyimpan: tidak ada jaringan. Jawaban disimpan di peramban ini dan dikirim lagi."
        ),
        "server_error": _("Gagal menyimpan: server menjawab %(status)s."),
        "refused": _("Tidak disimpan: server menolak isian ini (lihat pesan di atas)."),
        "forbidden": _("Tidak disimpan: Anda tidak lagi dapat mengubah butir ini."),
        "conflict": _("Belum disimpan: butir ini diubah orang lain; pilih nilai yang dipakai."),
        "restored": _("Jawaban yang belum terkirim dipulihkan dari peramban ini; mengirim…"),
        "restored_saved": _("(dipulihkan dari peramban ini)"),
        "restored_hidden": _(
            "%(n)s jawaban belum terkirim untuk butir yang tidak tampil dengan saringan ini: %(codes)s."
        ),
        "login_needed": _("Belum disimpan: sesi Anda berakhir. Masuk lagi; jawaban dikirim setelahnya."),
        "invalid": _("Belum disimpan: perbaiki isian yang ditandai."),
        "retry": _("Coba lagi"),
        "nan": _("%(field)s: “%(raw)s” bukan angka. Tulis misalnya 3,12."),
        "ambiguous": _(
            "%(field)s: “%(raw)s” bisa berarti dua hal. Tulis ribuan tanpa titik (1234) "
            "atau desimal dengan koma (1,234)."
        ),
        "negative": _("%(field)s: tidak boleh negatif."),
        "too_big": _("%(field)s: paling besar %(max)s."),
        "too_long": _("%(field)s: terlalu panjang."),
        "login_failed": _("Nama pengguna atau kata sandi salah, atau akun dikunci sementara."),
        "login_otp": _("Akun Anda memakai kode autentikator: masuk di tab baru, lalu tekan Coba lagi."),
        "login_error": _("Tidak dapat menghubungi server. Periksa jaringan, lalu coba lagi."),
        "unsaved": _("Ada jawaban yang belum tersimpan."),
    }


def _item_response(
    request: HttpRequest, context: dict[str, Any], status: int = 200, outcome: str = ""
) -> HttpResponse:
    """The whole item (with the score badges out of band); as a page of its own without HTMX."""
    if not _is_htmx(request):
        context.setdefault("autosave_texts", autosave_texts())
        return render(request, "assessments/worksheet_item.html", context, status=status)
    response = render(request, "assessments/partials/_ws_item_response.html", context)
    response["HX-Retarget"] = f'[id="item-{context["row"].item.code}"]'
    response["HX-Reswap"] = "outerHTML"
    if outcome:
        response[SAVE_OUTCOME] = outcome
    return response


@zona_login_required
@require_http_methods(["GET", "POST"])
def answer_save_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """GET: the item (fresh from the database). POST: save its answer and narrative with its version."""
    if request.method == "GET":
        assessment = _assessment(request, pk)
        code = _code(assessment, code)
        return _item_response(request, _item_context(request, assessment, code))

    assessment = _assessment(request, pk, Action.CHANGE)
    code = _code(assessment, code)
    framework = engine_for(assessment)
    posted = posted_answer(framework, framework.items[code], request.POST)
    try:
        result = answer_save(
            assessment=assessment,
            item_code=code,
            value=posted["value"],
            narrative=posted["narrative"],
            expected_version=posted["version"],
            actor=request.user,
        )
    except AnswerConflict as exc:
        newer = exc.answer
        if _already_saved(framework, code, newer, posted, request.user):
            # a retried autosave whose first attempt was stored but whose answer was lost on the way back
            return _saved_response(request, assessment, code, newer.updated_at)
        newer_by = person(newer.updated_by) if newer.updated_by_id else ""
        context = _item_context(
            request,
            assessment,
            code,
            posted=posted,
            conflict={
                "value": answer_display(canonical(framework, code, newer.value), framework.items[code])
                or _("(kosong)"),
                "narrative": newer.narrative,
                "by": newer_by,
                "at": newer.updated_at,
                "version": newer.version,
            },
        )
        context["row"] = _with_version(context["row"], newer.version)
        return _item_response(request, context, status=409, outcome="conflict")
    except PermissionDenied:
        raise _deny(request, assessment, Action.CHANGE) from None
    except ValidationError as exc:
        context = _item_context(request, assessment, code, posted=posted, error=" ".join(exc.messages))
        if posted["version"] is not None:
            context["row"] = _with_version(context["row"], posted["version"])
        return _item_response(request, context, status=400, outcome="invalid")
    return _saved_response(request, assessment, code, result.answer.updated_at)


def _already_saved(framework: Framework, code: str, newer: Answer, posted: dict[str, Any], user: Any) -> bool:
    """The newer answer is this very one, saved by this person (same value and narrative)."""
    if newer.pk is None or newer.updated_by_id != user.pk:
        return False
    if newer.narrative != (posted["narrative"] or "").strip():
        return False
    try:
        mine = parse_answer(framework, framework.items[code], posted["value"])
    except InvalidAnswer:
        return False
    return canonical(framework, code, newer.value) == mine


def _saved_response(request: HttpRequest, assessment: Assessment, code: str, updated_at: Any) -> HttpResponse:
    saved_at = timezone.localtime(updated_at)
    if not _is_htmx(request):
        messages.success(
            request,
            _("Butir %(code)s tersimpan %(time)s.") % {"code": code, "time": saved_at.strftime("%H:%M")},
        )
        return redirect(_worksheet_url(assessment, code))
    context = _item_context(request, assessment, code, saved_at=saved_at)
    if request.POST.get("whole"):  # after a conflict or an error: redraw the item without the message
        return _item_response(request, context, outcome="saved")
    response = render(request, "assessments/partials/_ws_saved.html", context)
    response[SAVE_OUTCOME] = "saved"
    return response


def _with_version(row: ItemRow, version: int) -> ItemRow:
    return replace(row, version=version)


def _evidence_response(
    request: HttpRequest, assessment: Assessment, code: str, *, error: str = "", done: str = ""
) -> HttpResponse:
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        elif done:
            messages.success(request, done)
        return redirect(_worksheet_url(assessment, code))
    context = _item_context(request, assessment, code, evidence_error=error, evidence_done=done)
    return render(request, "assessments/partials/_ws_evidence_response.html", context)


@zona_login_required
@require_POST
def evidence_upload_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _assessment(request, pk, Action.CHANGE)
    code = _code(assessment, code)
    form = EvidenceUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _evidence_response(request, assessment, code, error=f"{code}: {_errors(form)}")
    try:
        created = evidence_upload(
            assessment=assessment,
            item_code=code,
            files=form.cleaned_data["uploads"],
            title=form.cleaned_data["title"],
            actor=request.user,
        )
    except PermissionDenied:
        raise _deny(request, assessment, Action.CHANGE) from None
    except ValidationError as exc:
        return _evidence_response(request, assessment, code, error=" ".join(exc.messages))
    done = _("%(n)s data dukung diunggah ke butir %(code)s.") % {"n": len(created), "code": code}
    return _evidence_response(request, assessment, code, done=done)


@zona_login_required
@require_POST
def evidence_link_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _assessment(request, pk, Action.CHANGE)
    code = _code(assessment, code)
    form = EvidenceLinkForm(request.POST)
    if not form.is_valid():
        return _evidence_response(request, assessment, code, error=f"{code}: {_errors(form)}")
    try:
        evidence_link(
            assessment=assessment,
            item_code=code,
            url=form.cleaned_data["url"],
            title=form.cleaned_data["title"],
            actor=request.user,
        )
    except PermissionDenied:
        raise _deny(request, assessment, Action.CHANGE) from None
    except ValidationError as exc:
        return _evidence_response(request, assessment, code, error=" ".join(exc.messages))
    return _evidence_response(
        request, assessment, code, done=_("Tautan ditambahkan ke butir %(code)s.") % {"code": code}
    )


@zona_login_required
@require_http_methods(["GET", "POST"])
def evidence_attach_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """GET: the unit's existing documents to choose from. POST: attach the chosen one to the item."""
    assessment = _assessment(request, pk, Action.CHANGE)
    code = _code(assessment, code)
    documents = attachable_documents(assessment=assessment)
    if request.method == "GET":
        context = {
            "assessment": assessment,
            "code": code,
            "slug": code.replace(".", "-"),
            "documents": list(documents[:300]),
        }
        template = (
            "assessments/partials/_ws_attach.html"
            if _is_htmx(request)
            else "assessments/worksheet_attach.html"
        )
        return render(request, template, context)
    raw = (request.POST.get("document") or "").strip()
    document = documents.filter(pk=int(raw)).first() if raw.isdigit() else None
    if document is None:
        return _evidence_response(
            request,
            assessment,
            code,
            error=_("%(code)s: pilih dokumen yang akan dilampirkan.") % {"code": code},
        )
    try:
        evidence_attach_document(assessment=assessment, item_code=code, document=document, actor=request.user)
    except PermissionDenied:
        raise _deny(request, assessment, Action.CHANGE) from None
    except ValidationError as exc:
        return _evidence_response(request, assessment, code, error=" ".join(exc.messages))
    return _evidence_response(
        request,
        assessment,
        code,
        done=_("Dokumen %(title)s dilampirkan ke butir %(code)s.") % {"title": document.title, "code": code},
    )


@zona_login_required
@require_POST
def evidence_remove_view(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, Action.CHANGE)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, assessment=assessment)
    try:
        evidence_remove(evidence=evidence, actor=request.user)
    except PermissionDenied:
        raise _deny(request, assessment, Action.CHANGE) from None
    except ValidationError as exc:
        return _evidence_response(request, assessment, evidence.item_code, error=" ".join(exc.messages))
    return _evidence_response(
        request,
        assessment,
        evidence.item_code,
        done=_("Data dukung %(title)s dihapus dari butir %(code)s.")
        % {"title": evidence.title, "code": evidence.item_code},
    )


def download_name(evidence: Evidence, ext: str) -> str:
    """`A.I.1.i.a - SK Tim.pdf`: the LKE code, the title, the file's own extension; safe characters only."""
    title = evidence.title
    if ext and title.lower().endswith(f".{ext.lower()}"):
        title = title[: -len(ext) - 1]
    base = safe_filename(f"{evidence.item_code} - {title}", fallback=evidence.item_code)[:140].rstrip(" .")
    return f"{base}.{ext}" if ext else base


@zona_login_required
@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF], "object-src": [SELF]})  # type: ignore[arg-type]  # PDF preview frame
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    assessment = _assessment(request, pk)
    if not permissions.can(request.user, Action.VIEW_EVIDENCE, assessment):
        permissions.deny(request.user, Action.VIEW_EVIDENCE, assessment)
    evidence = get_object_or_404(
        Evidence.objects.select_related("document__blob"),
        pk=evidence_pk,
        assessment=assessment,
        document__isnull=False,
    )
    assert evidence.document is not None
    blob = evidence.document.blob
    ext = PurePath(blob.file.name or "").suffix.lstrip(".").lower()
    inline = blob.shown_inline  # never a PDF with scripts or embedded files
    response = FileResponse(
        blob.file.open("rb"),
        as_attachment=not inline,
        filename=download_name(evidence, ext),
        content_type=blob.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if blob.content_type != "application/pdf":  # Chromium's PDF viewer does not run in a sandboxed document
        response["Content-Security-Policy"] = "sandbox"
    return response


@zona_login_required
@require_POST
def comment_add_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    code = _code(assessment, code)
    form = CommentForm(request.POST)
    error = ""
    if not form.is_valid():
        error = f"{code}: {_errors(form)}"
    else:
        try:
            comment_add(
                assessment=assessment, item_code=code, text=form.cleaned_data["text"], actor=request.user
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Komentar ditambahkan pada butir %(code)s.") % {"code": code})
        return redirect(_worksheet_url(assessment, code))
    context = _item_context(
        request,
        assessment,
        code,
        comment_error=error,
        comment_text="" if not error else request.POST.get("text", ""),
    )
    return render(request, "assessments/partials/_ws_comments.html", context)


@zona_login_required
@require_POST
def assignment_set_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, Action.SUBMIT)
    framework = engine_for(assessment)
    form = AssignmentForm(
        request.POST,
        users=assignable_users(assessment=assessment, actor=request.user),
        areas=[(area.number, f"{area.number}. {area.name}") for area in framework.areas],
    )
    back = _worksheet_url(assessment) + "#pokja"
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(back)
    user = form.cleaned_data["user"]
    try:
        assignment_set(
            assessment=assessment,
            user=user,
            areas=form.cleaned_data["areas"],
            item_codes=form.codes(),
            actor=request.user,
        )
    except PermissionDenied:
        raise _deny(request, assessment, Action.SUBMIT) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _("Tugas pokja %(name)s disimpan.") % {"name": person(user)})
    return redirect(back)
