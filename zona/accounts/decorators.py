"""`zona_login_required`: logged in, and past the TOTP step when the user has enrolled a device."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device


def needs_otp(request: HttpRequest) -> bool:
    user = request.user
    verified = getattr(user, "is_verified", lambda: False)()
    return bool(user.is_authenticated and not verified and user_has_device(user, confirmed=True))


def zona_login_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if needs_otp(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:otp_verify')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
