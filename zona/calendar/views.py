"""The koordinator's calendar page: national holidays (read-only) and the instansi's own days."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.accounts.permissions import Action
from zona.units.models import Instansi

from . import selectors, services
from .forms import DayForm
from .models import CutiBersama


def _instansi(request: HttpRequest) -> Instansi:
    """The instansi whose calendar is asked for (?instansi=, else the user's first): 404 / 403 as usual."""
    raw = request.GET.get("instansi") or request.POST.get("instansi")
    if raw is None:
        first = permissions.visible_instansi(request.user).order_by("pk").first()
        if first is None:
            raise Http404
        raw = str(first.pk)
    return permissions.get_object_or_deny(request.user, Action.MANAGE, Instansi.objects.all(), pk=raw)


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("tahun", ""))
    except ValueError:
        return timezone.localdate().year
    return year if services.MIN_YEAR <= year <= services.MAX_YEAR else timezone.localdate().year


@zona_login_required
def index(request: HttpRequest) -> HttpResponse:
    instansi = _instansi(request)
    year = _year(request)
    form = DayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.day_add(instansi=instansi, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("%(name)s ditambahkan ke kalender.") % {"name": entry.name})
            return redirect(f"{reverse('calendar:index')}?instansi={instansi.pk}&tahun={entry.date.year}")
    return render(
        request,
        "calendar/index.html",
        {
            "instansi": instansi,
            "year": year,
            "years": (year - 1, year + 1),
            "form": form,
            "overview": selectors.year_overview(instansi, year),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@zona_login_required
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = permissions.get_object_or_deny(
        request.user, Action.MANAGE, CutiBersama.objects.select_related("instansi"), pk=pk
    )
    services.day_remove(entry=entry, actor=request.user)
    messages.success(request, _("%(name)s dihapus dari kalender.") % {"name": entry.name})
    return redirect(f"{reverse('calendar:index')}?instansi={entry.instansi_id}&tahun={entry.date.year}")
