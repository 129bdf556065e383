"""Login lock-out: django-axes' limit per username+address, plus a limit per address across usernames.

Axes compares one failure limit with every lockout parameter, so it cannot say "5 per username and
address, 20 per address". This handler keeps axes' own rule (`AXES_FAILURE_LIMIT` failures of one username
from one address) and adds `ZONA_LOGIN_FAILURES_PER_ADDRESS` failures from one address whatever the
usernames, counted from axes' own rows (one per username+address) within the same cool-off. Someone trying
4 passwords on each of 5 accounts is stopped at the 20th failure; an office behind one NAT address still has
room for its people's typos. Behind a reverse proxy, configure axes' client-address settings
(`AXES_IPWARE_PROXY_COUNT` / `AXES_IPWARE_META_PRECEDENCE_ORDER`) or every client shares the proxy's address.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def address_limit() -> int:
    return int(settings.ZONA_LOGIN_FAILURES_PER_ADDRESS)


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address within the cool-off, summed over every username."""
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if axes_settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class ZonaAxesHandler(AxesDatabaseHandler):
    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if axes_settings.AXES_LOCK_OUT_AT_FAILURE and address_failures(request) >= address_limit():
            request.zona_address_locked = True  # type: ignore[attr-defined]
            return True
        return False

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if axes_settings.AXES_LOCK_OUT_AT_FAILURE and address_failures(request) >= address_limit():
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            request.zona_address_locked = True  # type: ignore[attr-defined]
            user_locked_out.send(
                "axes",
                request=request,
                username=credentials.get("username"),
                ip_address=getattr(request, "axes_ip_address", None),
            )
