"""Logging in (password, then TOTP when enrolled), passwords, and the coordinator's users & roles pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from zona.units.models import Instansi

from . import forms, permissions, selectors, services
from .decorators import needs_otp, zona_login_required
from .models import Role, User

# --- logging in and out --------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Password first; a user with a confirmed TOTP device then goes to the OTP step."""

    template_name = "accounts/login.html"
    form_class = forms.LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if user_has_device(form.get_user(), confirmed=True):
            query = urlencode({"next": self.get_success_url()})
            return redirect(f"{reverse('accounts:otp_verify')}?{query}")
        return response


@never_cache
@require_GET
@zona_login_required
def session_state(request: HttpRequest) -> JsonResponse:
    """For scripts after a re-login: the session is good, and the CSRF token to send from now on.

    Logging in rotates the CSRF token, so a page that was open before must take the new one; anonymous
    or not past TOTP, `zona_login_required` answers 401 with where to log in.
    """
    user = cast(User, request.user)
    return JsonResponse({"authenticated": True, "username": user.username, "csrf_token": get_token(request)})


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step after the password, for a user who has confirmed a TOTP device."""
    if not request.user.is_authenticated:
        return auth_views.redirect_to_login(request.get_full_path())
    next_url = _safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if not needs_otp(request):
        return HttpResponseRedirect(next_url)
    assert isinstance(request.user, User)
    form = forms.OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.otp_check(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(next_url)
        form.add_error("token", _("Kode salah atau sudah kedaluwarsa. Coba kode yang baru."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@zona_login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP app (koordinator and evaluator): scan the QR code, confirm with a code."""
    if not permissions.has_role(request.user, Role.KOORDINATOR, Role.EVALUATOR):
        raise PermissionDenied
    assert isinstance(request.user, User)
    if user_has_device(request.user, confirmed=True):
        return render(request, "accounts/otp_setup.html", {"enabled": True})
    device = services.otp_device_prepare(user=request.user)
    form = forms.OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.otp_confirm(device=device, token=form.cleaned_data["token"], actor=request.user):
            otp_login(request, device)
            messages.success(
                request, _("Verifikasi dua langkah aktif. Berikutnya Anda akan diminta kodenya.")
            )
            return redirect("accounts:otp_setup")
        form.add_error("token", _("Kode tidak cocok. Periksa jam ponsel Anda lalu coba kode yang baru."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=5, title=_("Kode QR untuk aplikasi autentikator")),
        "secret": services.otp_secret_text(device),
    }
    return render(request, "accounts/otp_setup.html", context)


# --- passwords ------------------------------------------------------------------------------------

password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    form_class=forms.PasswordResetForm,
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    form_class=forms.SetPasswordForm,
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
password_change = zona_login_required(
    cast(
        "Callable[..., HttpResponse]",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change_form.html",
            form_class=forms.PasswordChangeForm,
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
    )
)
password_change_done = zona_login_required(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)


# --- users & roles (coordinator) ------------------------------------------------------------------


def _managed(request: HttpRequest) -> list[Instansi]:
    """The instansi whose users the requester manages; 403 for anyone who is not such a coordinator."""
    managed = selectors.managed_instansi(user=request.user)
    if not managed:
        raise PermissionDenied
    return managed


def _target(managed: list[Instansi], pk: int) -> User:
    target = selectors.user_get(instansi=managed, pk=pk)
    if target is None:
        raise Http404
    return target


@zona_login_required
def users(request: HttpRequest) -> HttpResponse:
    managed = _managed(request)
    return render(
        request,
        "accounts/user_list.html",
        {"users": selectors.user_list(instansi=managed), "instansi": managed},
    )


@zona_login_required
def user_create(request: HttpRequest) -> HttpResponse:
    managed = _managed(request)
    form = forms.UserCreateForm(request.POST or None, instansi=managed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_onboard(
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                email=data["email"],
                nip=data["nip"],
                role=data["role"],
                instansi=data["role_instansi"],
                unit=data["unit"],
                tpi_team=data["tpi_team"],
                actor=request.user,
            )
        except ValidationError as exc:
            forms.apply_service_error(form, exc, default_field="password1")
        else:
            messages.success(request, _("Pengguna %(name)s dibuat.") % {"name": user})
            return redirect("accounts:user_detail", pk=user.pk)
    context = {"form": form}
    return render(request, "accounts/user_form.html", context, status=400 if form.errors else 200)


def _detail(
    request: HttpRequest,
    managed: list[Instansi],
    target: User,
    *,
    role_form: forms.RoleAssignForm | None = None,
    publish_form: forms.OverseerPublishForm | None = None,
) -> HttpResponse:
    context = {
        "target": target,
        "role_form": role_form or forms.RoleAssignForm(instansi=managed),
        "is_overseer": selectors.is_overseer(target),
        "publish_form": publish_form or forms.OverseerPublishForm(instansi=managed),
        "grants": selectors.overseer_grants(instansi=managed, user=target),
    }
    bad = bool((role_form and role_form.errors) or (publish_form and publish_form.errors))
    return render(request, "accounts/user_detail.html", context, status=400 if bad else 200)


@zona_login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    managed = _managed(request)
    return _detail(request, managed, _target(managed, pk))


@zona_login_required
@require_POST
def role_assign(request: HttpRequest, pk: int) -> HttpResponse:
    managed = _managed(request)
    target = _target(managed, pk)
    form = forms.RoleAssignForm(request.POST, instansi=managed)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.role_assign(
                user=target,
                role=data["role"],
                instansi=data["role_instansi"],
                unit=data["unit"],
                tpi_team=data["tpi_team"],
                actor=request.user,
            )
        except ValidationError as exc:
            forms.apply_service_error(form, exc)
        else:
            messages.success(request, _("Peran diberikan."))
            return redirect("accounts:user_detail", pk=target.pk)
    return _detail(request, managed, target, role_form=form)


@zona_login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    managed = _managed(request)
    target = _target(managed, pk)
    assignment = selectors.role_assignment_get(instansi=managed, user=target, pk=role_pk)
    if assignment is None:
        raise Http404
    try:
        services.role_revoke(assignment=assignment, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Peran dicabut."))
    return redirect("accounts:user_detail", pk=target.pk)


@zona_login_required
@require_POST
def overseer_publish(request: HttpRequest, pk: int) -> HttpResponse:
    managed = _managed(request)
    target = _target(managed, pk)
    form = forms.OverseerPublishForm(request.POST, instansi=managed)
    if form.is_valid():
        try:
            services.overseer_publish(user=target, unit=form.cleaned_data["unit"], actor=request.user)
        except ValidationError as exc:
            forms.apply_service_error(form, exc, default_field="unit")
        else:
            messages.success(request, _("Unit dipublikasikan ke pengawas."))
            return redirect("accounts:user_detail", pk=target.pk)
    return _detail(request, managed, target, publish_form=form)


@zona_login_required
@require_POST
def overseer_unpublish(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    managed = _managed(request)
    target = _target(managed, pk)
    grant = selectors.overseer_grant_get(instansi=managed, user=target, pk=grant_pk)
    if grant is None:
        raise Http404
    services.overseer_unpublish(grant=grant, actor=request.user)
    messages.success(request, _("Publikasi unit ke pengawas dihentikan."))
    return redirect("accounts:user_detail", pk=target.pk)
