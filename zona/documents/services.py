"""Storing uploaded files: checked by content (not only the name), size-limited, kept once by SHA-256."""

from __future__ import annotations

import hashlib
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zona.audit.services import audit_record
from zona.units.models import Instansi, Unit

from .inspection import OFFICE_ZIP, inspect_office, pdf_active_content
from .models import Blob, Document

# extension -> the content types the bytes may show; the name's extension must agree with the content.
ALLOWED: dict[str, set[str]] = {
    "pdf": {"application/pdf"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "webp": {"image/webp"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    "odt": {"application/vnd.oasis.opendocument.text"},
    "ods": {"application/vnd.oasis.opendocument.spreadsheet"},
    "doc": {"application/msword", "application/vnd.ms-excel", "application/x-ole-storage"},
    "xls": {"application/vnd.ms-excel", "application/msword", "application/x-ole-storage"},
}
PDF_ONLY = {"pdf"}
OLE_MACRO_MARK = "_VBA_PROJECT".encode("utf-16-le")  # the VBA storage's name in an OLE2 directory


def max_bytes() -> int:
    return int(settings.ZONA_UPLOAD_MAX_MB) * 1024 * 1024


def check_upload(uploaded: UploadedFile, *, allowed: set[str] | None = None) -> tuple[bytes, str, str]:
    """(content, sha256, content type) of an acceptable upload, or a ValidationError in Indonesian."""
    name = uploaded.name or "berkas"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    permitted = allowed or set(ALLOWED)
    if ext not in permitted:
        raise ValidationError(
            _("Berkas %(name)s tidak diterima: hanya %(types)s.")
            % {"name": name, "types": ", ".join(sorted(permitted))}
        )
    if uploaded.size is not None and uploaded.size > max_bytes():
        raise ValidationError(
            _("Berkas %(name)s terlalu besar (maksimal %(mb)s MB).")
            % {"name": name, "mb": settings.ZONA_UPLOAD_MAX_MB}
        )
    content = b"".join(uploaded.chunks())
    if len(content) > max_bytes():
        raise ValidationError(
            _("Berkas %(name)s terlalu besar (maksimal %(mb)s MB).")
            % {"name": name, "mb": settings.ZONA_UPLOAD_MAX_MB}
        )
    if not content:
        raise ValidationError(_("Berkas %(name)s kosong.") % {"name": name})
    kind = filetype.guess(content)
    detected = (
        kind.mime
        if kind
        else ("application/x-ole-storage" if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" else "")
    )
    if detected not in ALLOWED[ext]:
        raise ValidationError(
            _("Isi berkas %(name)s bukan %(ext)s yang sebenarnya; unggah dokumen aslinya.")
            % {"name": name, "ext": ext.upper()}
        )
    if ext in OFFICE_ZIP:
        inspect_office(content, name)
    elif ext in {"doc", "xls"} and OLE_MACRO_MARK in content:
        raise ValidationError(
            _("Berkas %(name)s ditolak: berisi makro (VBA). Simpan ulang sebagai dokumen tanpa makro.")
            % {"name": name}
        )
    return content, hashlib.sha256(content).hexdigest(), detected


def blob_for(content: bytes, sha256: str, content_type: str, name: str) -> Blob:
    """The blob for these bytes, stored once however often they are uploaded."""
    existing = Blob.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    blob = Blob(
        sha256=sha256,
        size=len(content),
        content_type=content_type,
        active_content=content_type == "application/pdf" and bool(pdf_active_content(content)),
    )
    blob.file.save(name, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            blob.save()
    except IntegrityError:  # a concurrent upload of the same bytes won
        blob.file.delete(save=False)
        return Blob.objects.get(sha256=sha256)
    return blob


@transaction.atomic
def document_store(
    *,
    instansi: Instansi,
    uploaded: UploadedFile,
    kind: str,
    actor: Any,
    unit: Unit | None = None,
    title: str = "",
    allowed: set[str] | None = None,
) -> Document:
    content, sha256, content_type = check_upload(uploaded, allowed=allowed)
    blob = blob_for(content, sha256, content_type, uploaded.name or "berkas")
    document = Document.objects.create(
        instansi=instansi,
        unit=unit,
        blob=blob,
        kind=kind,
        title=(title or uploaded.name or "")[:255],
        original_name=(uploaded.name or "")[:255],
        uploaded_by=actor,
    )
    audit_record(
        event="document.uploaded",
        actor=actor,
        obj=document,
        instansi_id=instansi.pk,
        unit_id=unit.pk if unit else None,
        changes={"title": document.title, "kind": kind, "sha256": sha256, "size": blob.size},
    )
    return document
