"""Downloading a stored document, after the permission check; the download name is made safe."""

from __future__ import annotations

import re

from django.http import FileResponse, HttpRequest

from zona.accounts.decorators import zona_login_required
from zona.accounts.permissions import Action, can, deny, get_object_or_deny

from .models import Document

_UNSAFE = re.compile(r"[^\w\s.()\-]+", re.UNICODE)


def safe_filename(name: str, fallback: str = "dokumen") -> str:
    cleaned = _UNSAFE.sub("_", name).strip(" .") or fallback
    return cleaned[:150]


@zona_login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_deny(request.user, Action.VIEW, Document.objects.select_related("blob"), pk=pk)
    evidence = document.kind == Document.Kind.DATA_DUKUNG and document.unit_id is not None
    if evidence and not can(request.user, Action.VIEW_EVIDENCE, document):
        deny(request.user, Action.VIEW_EVIDENCE, document)
    name = document.original_name or document.title
    ext = (document.blob.file.name or "").rsplit(".", 1)[-1]
    if not name.lower().endswith(f".{ext}"):
        name = f"{name}.{ext}"
    inline = document.blob.shown_inline  # never a PDF with scripts or embedded files
    response = FileResponse(
        document.blob.file.open("rb"),
        as_attachment=not inline,
        filename=safe_filename(name),
        content_type=document.blob.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
