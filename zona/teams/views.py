"""The team pages of a unit: its ZI team of a year (SK, members, pokja areas) and its change agents.

Every object is looked up within the unit of the URL; the unit itself through `get_object_or_deny`
(404 when the user may not see it), changes checked with `permissions.can(user, "change", obj)` (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.accounts.models import User
from zona.units.models import Unit

from . import selectors, services
from .forms import AgentForm, MemberForm, TeamForm, apply_errors
from .models import ChangeAgent, TeamMember, ZiTeam


def _unit(request: HttpRequest, unit_pk: int) -> Unit:
    return permissions.get_object_or_deny(
        request.user, permissions.Action.VIEW, Unit.objects.select_related("instansi"), pk=unit_pk
    )


def _year(request: HttpRequest, *, lenient: bool = False) -> int:
    """The `?tahun=` of the request (default: this year). Invalid: 404, or this year when `lenient`."""
    raw = (request.GET.get("tahun") or "").strip()
    if not raw:
        return timezone.localdate().year
    try:
        return services.year_check(raw)
    except ValidationError:
        if lenient:
            messages.warning(request, _("Tahun %(year)s tidak valid; ditampilkan tahun ini.") % {"year": raw})
            return timezone.localdate().year
        raise Http404 from None


def _require_change(request: HttpRequest, obj: Any) -> None:
    if not permissions.can(request.user, permissions.Action.CHANGE, obj):
        permissions.deny(request.user, permissions.Action.CHANGE, obj)


def _detail_url(unit: Unit, year: int, anchor: str = "") -> str:
    url = reverse("teams:detail", kwargs={"unit_pk": unit.pk}) + f"?tahun={year}"
    return f"{url}#{anchor}" if anchor else url


def _document_url(document: Any) -> str | None:
    """The download address of a document, once the documents app offers one."""
    if document is None:
        return None
    try:
        return reverse("documents:download", kwargs={"pk": document.pk})
    except NoReverseMatch:
        return None


def _page_context(request: HttpRequest, unit: Unit, year: int) -> dict[str, Any]:
    page = selectors.team_page(unit=unit, year=year)
    this_year = timezone.localdate().year
    return {
        "year_options": sorted(set(page.years) | {this_year, this_year + 1}, reverse=True),
        "unit": unit,
        "year": year,
        "page": page,
        "can_change": permissions.can(request.user, permissions.Action.CHANGE, ZiTeam(unit=unit, year=year)),
        "sk_document_url": _document_url(page.team.sk_document if page.team else None),
    }


@zona_login_required
def detail(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    year = _year(request, lenient=True)
    return render(request, "teams/detail.html", _page_context(request, unit, year))


@zona_login_required
def team_edit(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    year = _year(request)
    team = ZiTeam.objects.filter(unit=unit, year=year).select_related("sk_document").first()
    _require_change(request, team or ZiTeam(unit=unit, year=year))
    if request.method == "POST":
        form = TeamForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.team_save(
                    unit=unit,
                    year=year,
                    sk_number=form.cleaned_data["sk_number"],
                    sk_date=form.cleaned_data["sk_date"],
                    sk_file=form.cleaned_data["sk_file"] or None,
                    actor=request.user,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Data tim ZI tahun %(year)s disimpan.") % {"year": year})
                return redirect(_detail_url(unit, year))
    else:
        initial = {"sk_number": team.sk_number, "sk_date": team.sk_date} if team else {}
        form = TeamForm(initial=initial)
    return render(
        request,
        "teams/team_form.html",
        {
            "unit": unit,
            "year": year,
            "team": team,
            "form": form,
            "sk_document_url": _document_url(team.sk_document if team else None),
        },
    )


def _member_kwargs(form: MemberForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "nip": data["nip"],
        "position": data["position"],
        "team_role": data["team_role"],
        "areas": data["areas"],
        "user": data["user"],
    }


@zona_login_required
def member_add(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    year = _year(request)
    _require_change(request, ZiTeam(unit=unit, year=year))
    team = ZiTeam.objects.filter(unit=unit, year=year).select_related("unit").first()
    if team is None:
        messages.info(
            request,
            _("Tim ZI tahun %(year)s belum dibentuk. Isi data SK tim dahulu, lalu tambahkan anggota.")
            % {"year": year},
        )
        return redirect(reverse("teams:team_edit", kwargs={"unit_pk": unit.pk}) + f"?tahun={year}")
    users = services.linkable_users(unit, request.user)
    if request.method == "POST":
        form = MemberForm(request.POST, users=users)
        if form.is_valid():
            try:
                member = services.member_add(team=team, actor=request.user, **_member_kwargs(form))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("%(name)s ditambahkan ke tim.") % {"name": member.name})
                return redirect(_detail_url(unit, year, "tim-anggota"))
    else:
        form = MemberForm(users=users)
    return render(
        request, "teams/member_form.html", {"unit": unit, "year": year, "form": form, "member": None}
    )


def _member(request: HttpRequest, unit: Unit, member_pk: int) -> TeamMember:
    return permissions.get_object_or_deny(
        request.user,
        permissions.Action.CHANGE,
        TeamMember.objects.select_related("team__unit__instansi", "user").filter(team__unit=unit),
        pk=member_pk,
    )


@zona_login_required
def member_edit(request: HttpRequest, unit_pk: int, member_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    member = _member(request, unit, member_pk)
    year = member.team.year
    users = services.linkable_users(unit, request.user)
    if member.user_id is not None:  # a link made before stays selectable
        users = users | User.objects.filter(pk=member.user_id)
    if request.method == "POST":
        form = MemberForm(request.POST, users=users)
        if form.is_valid():
            try:
                member = services.member_update(member=member, actor=request.user, **_member_kwargs(form))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Data %(name)s disimpan.") % {"name": member.name})
                return redirect(_detail_url(unit, year, "tim-anggota"))
    else:
        form = MemberForm(
            users=users,
            initial={
                "name": member.name,
                "nip": member.nip,
                "position": member.position,
                "team_role": member.team_role,
                "areas": member.areas,
                "user": member.user_id,
            },
        )
    return render(
        request, "teams/member_form.html", {"unit": unit, "year": year, "form": form, "member": member}
    )


def _after_remove(
    request: HttpRequest, unit: Unit, year: int, partial: str, anchor: str, message: str
) -> HttpResponse:
    if getattr(request, "htmx", False):
        return render(request, partial, _page_context(request, unit, year))
    messages.success(request, message)
    return HttpResponseRedirect(_detail_url(unit, year, anchor))


@require_POST
@zona_login_required
def member_remove(request: HttpRequest, unit_pk: int, member_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    member = _member(request, unit, member_pk)
    year, name = member.team.year, member.name
    services.member_remove(member=member, actor=request.user)
    return _after_remove(
        request,
        unit,
        year,
        "teams/partials/_members.html",
        "tim-anggota",
        _("%(name)s dikeluarkan dari tim.") % {"name": name},
    )


def _agent_kwargs(form: AgentForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "nip": data["nip"],
        "position": data["position"],
        "sk_number": data["sk_number"],
        "commitments": data["commitments"],
    }


@zona_login_required
def agent_add(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    year = _year(request)
    _require_change(request, ChangeAgent(unit=unit, year=year))
    if request.method == "POST":
        form = AgentForm(request.POST)
        if form.is_valid():
            try:
                agent = services.agent_add(unit=unit, year=year, actor=request.user, **_agent_kwargs(form))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Agen perubahan %(name)s ditambahkan.") % {"name": agent.name})
                return redirect(_detail_url(unit, year, "agen-perubahan"))
    else:
        form = AgentForm()
    return render(request, "teams/agent_form.html", {"unit": unit, "year": year, "form": form, "agent": None})


def _agent(request: HttpRequest, unit: Unit, agent_pk: int) -> ChangeAgent:
    return permissions.get_object_or_deny(
        request.user,
        permissions.Action.CHANGE,
        ChangeAgent.objects.select_related("unit__instansi").filter(unit=unit),
        pk=agent_pk,
    )


@zona_login_required
def agent_edit(request: HttpRequest, unit_pk: int, agent_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    agent = _agent(request, unit, agent_pk)
    if request.method == "POST":
        form = AgentForm(request.POST)
        if form.is_valid():
            try:
                agent = services.agent_update(agent=agent, actor=request.user, **_agent_kwargs(form))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Data agen perubahan %(name)s disimpan.") % {"name": agent.name})
                return redirect(_detail_url(unit, agent.year, "agen-perubahan"))
    else:
        form = AgentForm(
            initial={
                "name": agent.name,
                "nip": agent.nip,
                "position": agent.position,
                "sk_number": agent.sk_number,
                "commitments": agent.commitments,
            }
        )
    return render(
        request, "teams/agent_form.html", {"unit": unit, "year": agent.year, "form": form, "agent": agent}
    )


@require_POST
@zona_login_required
def agent_remove(request: HttpRequest, unit_pk: int, agent_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    agent = _agent(request, unit, agent_pk)
    year, name = agent.year, agent.name
    services.agent_remove(agent=agent, actor=request.user)
    return _after_remove(
        request,
        unit,
        year,
        "teams/partials/_agents.html",
        "agen-perubahan",
        _("Agen perubahan %(name)s dihapus.") % {"name": name},
    )
