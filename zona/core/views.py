from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zona.accounts import permissions
from zona.accounts.decorators import zona_login_required
from zona.audit.services import audit_denial
from zona.frameworks import selectors as framework_selectors
from zona.units.views import render_dashboard


def home(request: HttpRequest) -> HttpResponseBase:
    """Anonymous: a short landing page; logged in: the units dashboard of what the user may see."""
    if request.user.is_authenticated:
        return _dashboard(request)
    return render(request, "core/home.html", {"frameworks": framework_selectors.framework_list()})


@zona_login_required
def _dashboard(request: HttpRequest) -> HttpResponse:
    return render_dashboard(request, title=_("Beranda"), is_home=True)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Every 403 is recorded as `access.denied`, folded per person and minute (see `audit_denial`; once:
    `permissions.deny` may have recorded it)."""
    if not isinstance(exception, permissions.RecordedDenial):
        audit_denial(
            event="access.denied",
            actor=request.user,
            changes={"path": request.path[:200], "method": request.method, "reason": "forbidden"},
        )
    return render(request, "403.html", status=403)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
