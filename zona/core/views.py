from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from zona.frameworks import selectors as framework_selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"frameworks": framework_selectors.framework_list()})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
