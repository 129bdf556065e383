"""Pages of a unit's ZI lifecycle: history, next move, prerequisites checklist, evidence downloads."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.units.models import Unit

from . import prerequisites as prereq_defs
from . import selectors, services
from .forms import (
    EvaluasiMandiriForm,
    InstansiPencananganForm,
    KknOffenceForm,
    PrerequisiteForm,
    TransitionForm,
)
from .models import Prerequisite

MIN_YEAR = 2000


def _unit(request: HttpRequest, unit_pk: int) -> Unit:
    return permissions.get_object_or_deny(
        request.user, permissions.Action.VIEW, Unit.objects.select_related("instansi"), pk=unit_pk
    )


def _year(raw: str | None) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(raw or this_year)
    except ValueError:
        return this_year
    return year if MIN_YEAR <= year <= this_year + 1 else this_year


def _overview_url(unit: Unit, year: int, anchor: str = "") -> str:
    url = reverse("lifecycle:overview", kwargs={"unit_pk": unit.pk})
    return f"{url}?tahun={year}{anchor}"


def _render_overview(
    request: HttpRequest, unit: Unit, year: int, *, failed: TransitionForm | None = None, status: int = 200
) -> HttpResponse:
    data = selectors.lifecycle_overview(unit=unit, user=request.user, year=year)
    forms = [
        failed if failed is not None and failed.stage == stage else TransitionForm(stage=stage)
        for stage in data.allowed
    ]
    this_year = timezone.localdate().year
    manages = permissions.can(request.user, permissions.Action.MANAGE, unit.instansi)
    context = {
        "unit": unit,
        "data": data,
        "instansi_forms": {
            "pencanangan": InstansiPencananganForm(),
            "kkn": KknOffenceForm(initial={"year": year}),
            "mandiri": EvaluasiMandiriForm(
                initial={
                    "year": year,
                    "enabled": data.evaluasi_mandiri is not None,
                    "basis": data.evaluasi_mandiri.basis if data.evaluasi_mandiri else "",
                }
            ),
        }
        if manages
        else None,
        "forms": forms,
        "failed": failed,
        "year": year,
        "years": list(range(this_year + 1, this_year - 6, -1)),
    }
    return render(request, "lifecycle/overview.html", context, status=status)


@zona_login_required
def overview(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    return _render_overview(request, unit, _year(request.GET.get("tahun")))


@zona_login_required
@require_POST
def transition(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    to_stage = request.POST.get("to_stage", "")
    if not permissions.can_transition(request.user, unit, to_stage):
        raise PermissionDenied
    year = _year(request.POST.get("tahun"))
    form = TransitionForm(request.POST, request.FILES, stage=to_stage)
    if form.is_valid():
        try:
            event = services.stage_transition(
                unit=unit, to_stage=to_stage, actor=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Unit dipindahkan ke tahap %(stage)s.") % {"stage": event.get_to_stage_display()},
            )
            return redirect(_overview_url(unit, year, "#riwayat"))
    return _render_overview(request, unit, year, failed=form, status=400)


@zona_login_required
@require_http_methods(["GET", "POST"])
def prerequisite_edit(request: HttpRequest, unit_pk: int, code: str) -> HttpResponse:
    unit = _unit(request, unit_pk)
    definition = prereq_defs.get(code)
    if definition is None or not definition.editable:
        raise Http404
    line_unit = unit if definition.level == "unit" else None
    if not services.can_edit_prerequisite(request.user, instansi=unit.instansi, unit=line_unit):
        raise PermissionDenied
    year = _year(request.POST.get("tahun") if request.method == "POST" else request.GET.get("tahun"))
    record = (
        Prerequisite.objects.filter(instansi=unit.instansi, unit=line_unit, year=year, code=code)
        .prefetch_related("documents")
        .first()
    )
    status = 200
    if request.method == "POST":
        form = PrerequisiteForm(request.POST, request.FILES, definition=definition)
        if form.is_valid():
            try:
                services.prerequisite_save(
                    instansi=unit.instansi,
                    unit=line_unit,
                    year=year,
                    code=code,
                    value=form.cleaned_data["value"],
                    note=form.cleaned_data["note"],
                    files=form.cleaned_data["attachments"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Prasyarat %(name)s disimpan.") % {"name": definition.short})
                return redirect(_overview_url(unit, year, "#prasyarat"))
        status = 400
    else:
        initial = {"value": record.value, "note": record.note} if record else {}
        form = PrerequisiteForm(initial=initial, definition=definition)
    context = {"unit": unit, "definition": definition, "form": form, "year": year, "record": record}
    return render(request, "lifecycle/prerequisite_edit.html", context, status=status)


@zona_login_required  # type: ignore[arg-type]  # the decorator is typed for HttpResponse only
def document(request: HttpRequest, unit_pk: int, doc_pk: int) -> FileResponse:
    unit = _unit(request, unit_pk)
    doc = selectors.unit_documents(unit=unit).filter(pk=doc_pk).first()
    if doc is None:
        raise Http404
    suffix = PurePosixPath(doc.blob.file.name or "").suffix.lower()
    stem = slugify(PurePosixPath(doc.original_name or doc.title).stem)[:80] or "dokumen"
    response = FileResponse(
        doc.blob.file.open("rb"),
        as_attachment=True,
        filename=f"{stem}{suffix}",
        content_type=doc.blob.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


INSTANSI_FORMS = {
    "pencanangan": InstansiPencananganForm,
    "kkn": KknOffenceForm,
    "mandiri": EvaluasiMandiriForm,
}


@zona_login_required
@require_POST
def instansi_record(request: HttpRequest, unit_pk: int, what: str) -> HttpResponse:
    """The coordinator records an instansi-level fact from a unit's page: pencanangan, KKN, evaluasi mandiri.

    The service checks the right (permissions module) and every rule; a refusal comes back as a message
    naming the field, and nothing is written."""
    unit = _unit(request, unit_pk)
    form_class = INSTANSI_FORMS.get(what)
    if form_class is None:
        raise Http404
    year = _year(request.POST.get("tahun"))
    form = form_class(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            if what == "pencanangan":
                services.instansi_pencanangan_record(
                    instansi=unit.instansi,
                    date=data["date"],
                    leader_signed=bool(data["leader_signed"]),
                    signatory_count=data["signatory_count"],
                    staff_count=data["staff_count"],
                    files=data["attachments"],
                    note=data["note"],
                    actor=request.user,
                )
                messages.success(request, _("Pencanangan instansi dicatat."))
            elif what == "kkn":
                services.kkn_offence_record(
                    instansi=unit.instansi,
                    year=data["year"],
                    date=data["date"],
                    description=data["description"],
                    by_top_leader=bool(data["by_top_leader"]),
                    actor=request.user,
                )
                messages.success(
                    request,
                    _("Tindak pidana KKN dicatat; usulan tahun %(year)s batal.") % {"year": data["year"]},
                )
            else:
                services.evaluasi_mandiri_set(
                    instansi=unit.instansi,
                    year=data["year"],
                    basis=data["basis"],
                    enabled=bool(data["enabled"]),
                    actor=request.user,
                )
                messages.success(request, _("Penyelenggaraan evaluasi mandiri disimpan."))
        except ValidationError as exc:
            for field, messages_of in exc.message_dict.items():
                label = form.fields[field].label if field in form.fields else ""
                errors.extend(f"{label}: {m}" if label else m for m in messages_of)
    else:
        for field, field_errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            errors.extend(f"{label}: {m}" if label else str(m) for m in field_errors)
    if errors:
        messages.error(request, _("Tidak disimpan. ") + " ".join(errors))
    return redirect(_overview_url(unit, year, "#instansi"))
