"""Files kept once by content (SHA-256) and the documents that name them.

A `Blob` is the bytes, stored once however many times they are uploaded; a `Document` is what a person
attached (title, kind, unit, who, when). Pakta Integritas, SK Tim and later LKE evidence all are Documents.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/webp"})


def blob_path(instance: Blob, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"blobs/{instance.sha256[:2]}/{instance.sha256}.{ext}"


class Blob(models.Model):
    sha256 = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to=blob_path, max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    # A PDF with JavaScript, launch actions or embedded files (inspection.py): download only, never inline.
    active_content = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("berkas")
        verbose_name_plural = _("berkas")

    def __str__(self) -> str:
        return self.sha256[:12]

    @property
    def shown_inline(self) -> bool:
        """Whether the browser may show the file itself (a preview) rather than only download it."""
        return self.content_type in INLINE_TYPES and not self.active_content


class Document(models.Model):
    class Kind(models.TextChoices):
        PAKTA_INTEGRITAS = "pakta_integritas", _("Pakta Integritas")
        SK_TIM = "sk_tim", _("SK Tim ZI")
        SK_AGEN = "sk_agen", _("SK Agen Perubahan")
        SK_PREDIKAT = "sk_predikat", _("SK Predikat")
        PRASYARAT = "prasyarat", _("Bukti prasyarat")
        DATA_DUKUNG = "data_dukung", _("Data dukung LKE")
        LHE = "lhe", _("Laporan Hasil Evaluasi")
        LAINNYA = "lainnya", _("Lainnya")

    instansi = models.ForeignKey("units.Instansi", on_delete=models.PROTECT, related_name="documents")
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("judul"), max_length=255)
    original_name = models.CharField(_("nama berkas asli"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
