"""Request-body limits: an oversized body is refused before a byte of it is read.

`RequestBodyLimitMiddleware` looks at CONTENT_LENGTH before anything touches `request.POST`/`FILES`
(those are parsed lazily, after every middleware's `__call__`): a body over `ZONA_REQUEST_MAX_MB` gets a
413 with an Indonesian message at once. Django reads a WSGI body only up to CONTENT_LENGTH (a chunked body
without one is read as empty), so the header is the whole story for the amount read.

`CappedTemporaryFileUploadHandler` keeps one file's bytes only up to `ZONA_UPLOAD_MAX_MB` (+1 byte) while
it streams and reports the real size, so `check_upload` refuses that one file by name without a
full copy of it on disk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import gettext as _

BODY_METHODS = {"POST", "PUT", "PATCH"}


def request_max_bytes() -> int:
    return int(settings.ZONA_REQUEST_MAX_MB) * 1024 * 1024


def file_max_bytes() -> int:
    return int(settings.ZONA_UPLOAD_MAX_MB) * 1024 * 1024


def too_large_message() -> str:
    return _(
        "Kiriman terlalu besar: paling banyak %(mb)s MB sekaligus "
        "(tiap berkas paling banyak %(file_mb)s MB). Perkecil berkas atau unggah satu per satu."
    ) % {"mb": settings.ZONA_REQUEST_MAX_MB, "file_mb": settings.ZONA_UPLOAD_MAX_MB}


def too_large_response(request: HttpRequest) -> HttpResponse:
    message = too_large_message()
    if request.headers.get("HX-Request") == "true":
        # htmx does not swap a 4xx by default; zona/static/zona/uploads.js lets a 413 through, and the
        # alert goes on top of the element the form targets.
        response = HttpResponse(
            format_html('<div class="alert alert-danger py-2 small mb-2" role="alert">{}</div>', message),
            status=413,
        )
        target = request.headers.get("HX-Target", "")
        if target:
            response["HX-Retarget"] = f'[id="{target}"]'
            response["HX-Reswap"] = "afterbegin"
        else:
            response["HX-Reswap"] = "none"
        return response
    return render(request, "413.html", {"message": message}, status=413)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in BODY_METHODS:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0  # Django reads nothing of a body whose length it cannot read
            if length > request_max_bytes():
                return too_large_response(request)
        return self.get_response(request)


class CappedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Stops writing a file once it passes the per-file limit; the UploadedFile's size stays the real one."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.seen = 0
        self.limit = file_max_bytes()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.seen += len(raw_data)
        room = self.limit + 1 - (self.seen - len(raw_data))
        if room > 0:
            self.file.write(raw_data[:room])

    def file_complete(self, file_size: int) -> Any:
        uploaded = super().file_complete(file_size)
        if uploaded is not None:
            uploaded.size = self.seen
        return uploaded
