from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zona.accounts.decorators import zona_login_required
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


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
