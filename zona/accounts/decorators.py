"""`zona_login_required`: logged in, and past the TOTP step when the user has enrolled a device.

A page request from someone not (or no longer) logged in is redirected to the login page. A request made
by a script (HTMX, or fetch asking for JSON) gets `401` with a small JSON body and an `X-Zona-Login`
header instead: a login page swapped into an item card, or followed silently by fetch, would look like a
save that worked. The worksheet's autosave opens its re-login dialog on that answer and keeps the pending
answers until it can send them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device


def needs_otp(request: HttpRequest) -> bool:
    user = request.user
    verified = getattr(user, "is_verified", lambda: False)()
    return bool(user.is_authenticated and not verified and user_has_device(user, confirmed=True))


def is_script_request(request: HttpRequest) -> bool:
    """HTMX, XMLHttpRequest, or fetch asking for JSON rather than a page."""
    headers = request.headers
    if headers.get("HX-Request") == "true" or headers.get("X-Requested-With") == "XMLHttpRequest":
        return True
    accept = headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def login_needed_response(request: HttpRequest, *, otp: bool = False) -> JsonResponse:
    """401 for a script: where to log in (with `next` back to this page), never a login page."""
    if otp:
        base = reverse("accounts:otp_verify")
        message = _("Masukkan kode autentikator lagi untuk melanjutkan.")
    else:
        base = resolve_url(settings.LOGIN_URL)
        message = _("Sesi Anda telah berakhir. Masuk lagi untuk melanjutkan.")
    # the page the script runs on, not the fragment it asked for
    page = request.headers.get("HX-Current-URL") or request.get_full_path()
    login_url = f"{base}?{urlencode({'next': page})}"
    response = JsonResponse(
        {"error": "login_required", "otp": otp, "message": message, "login_url": login_url}, status=401
    )
    response["X-Zona-Login"] = login_url
    response["WWW-Authenticate"] = 'Zona-Session realm="zona"'
    response["Cache-Control"] = "no-store"
    return response


def zona_login_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            if is_script_request(request):
                return login_needed_response(request)
            return redirect_to_login(request.get_full_path())
        if needs_otp(request):
            if is_script_request(request):
                return login_needed_response(request, otp=True)
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:otp_verify')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
