"""Public perception surveys: SKM (PermenPANRB 14/2017), SPKP → IPKP and SPAK → IPAK (90/2021).

Instruments are versioned data files (zona/surveys/data/*.yaml) loaded like LKE frameworks; a question is
named by a stable code (U1..U9 for the SKM unsur in the order of the Permen body) and mapped to one answer
column `a1..a12` of `Response` by its position in the instrument, so results are plain SQL aggregates
(AVG/SUM per column) whatever the questionnaire order. Responses never store an IP address or any other
identifier of the device or person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_QUESTIONS = 12
ANSWER_COLUMNS = tuple(f"a{i}" for i in range(1, MAX_QUESTIONS + 1))


class Instrument(models.Model):
    class Kind(models.TextChoices):
        SKM = "skm", _("Survei Kepuasan Masyarakat (SKM)")
        SPKP = "spkp", _("Survei Persepsi Kualitas Pelayanan (SPKP → IPKP)")
        SPAK = "spak", _("Survei Persepsi Anti Korupsi (SPAK → IPAK)")

    code = models.SlugField(_("kode"), max_length=80)
    version = models.PositiveIntegerField(_("versi"))
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("nama"), max_length=255)
    scale_max = models.PositiveSmallIntegerField(_("skala maksimum"))
    definition = models.JSONField(_("definisi"))
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instrumen survei")
        verbose_name_plural = _("instrumen survei")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version_unique"),
            models.UniqueConstraint(fields=["code", "content_hash"], name="instrument_code_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Disiapkan")
        OPEN = "open", _("Berjalan")
        CLOSED = "closed", _("Selesai")

    class SampleMethod(models.TextChoices):
        KREJCIE_MORGAN = "krejcie_morgan", _("Krejcie & Morgan (95 %, 5 %)")
        SLOVIN_5 = "slovin_5", _("Slovin (e = 0,05)")
        SLOVIN_10 = "slovin_10", _("Slovin (e = 0,10)")

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="survey_campaigns")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField(_("judul"), max_length=200)
    year = models.PositiveSmallIntegerField(_("tahun"))
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    service_types = models.ManyToManyField("units.ServiceType", blank=True, related_name="+")
    population = models.PositiveIntegerField(_("jumlah pengguna layanan (populasi)"), null=True, blank=True)
    sample_method = models.CharField(
        _("metode sampel"), max_length=16, choices=SampleMethod.choices, default=SampleMethod.KREJCIE_MORGAN
    )
    target_sample = models.PositiveIntegerField(_("target responden"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    short_code = models.SlugField(_("kode tautan"), max_length=16, unique=True)
    require_code = models.BooleanField(_("wajib kode sekali pakai"), default=False)
    published_at = models.DateTimeField(_("dipublikasikan"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kampanye survei")
        verbose_name_plural = _("kampanye survei")
        ordering = ["-year", "unit", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="campaign_dates_ordered"
            ),
        ]
        indexes = [models.Index(fields=["unit", "year"], name="campaign_unit_year_idx")]

    def __str__(self) -> str:
        return self.title


class Response(models.Model):
    """One respondent's questionnaire. Deliberately holds nothing that identifies the device or person."""

    class Channel(models.TextChoices):
        WEB = "web", _("Formulir daring")
        KIOSK = "kiosk", _("Tablet di loket")
        PAPER = "paper", _("Kuesioner kertas")
        IMPORT = "import", _("Impor berkas")

    class Gender(models.TextChoices):
        L = "L", _("Laki-laki")
        P = "P", _("Perempuan")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    service_type = models.ForeignKey(
        "units.ServiceType", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("waktu"), db_index=True)
    channel = models.CharField(_("saluran"), max_length=8, choices=Channel.choices)
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices, blank=True)
    age = models.PositiveSmallIntegerField(_("usia"), null=True, blank=True)
    education = models.CharField(_("pendidikan"), max_length=16, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=16, blank=True)
    suggestion = models.TextField(_("saran"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    a1 = models.PositiveSmallIntegerField(null=True, blank=True)
    a2 = models.PositiveSmallIntegerField(null=True, blank=True)
    a3 = models.PositiveSmallIntegerField(null=True, blank=True)
    a4 = models.PositiveSmallIntegerField(null=True, blank=True)
    a5 = models.PositiveSmallIntegerField(null=True, blank=True)
    a6 = models.PositiveSmallIntegerField(null=True, blank=True)
    a7 = models.PositiveSmallIntegerField(null=True, blank=True)
    a8 = models.PositiveSmallIntegerField(null=True, blank=True)
    a9 = models.PositiveSmallIntegerField(null=True, blank=True)
    a10 = models.PositiveSmallIntegerField(null=True, blank=True)
    a11 = models.PositiveSmallIntegerField(null=True, blank=True)
    a12 = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("respons survei")
        verbose_name_plural = _("respons survei")
        indexes = [models.Index(fields=["campaign", "service_type"], name="response_campaign_service_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.campaign_id}"


class OneTimeCode(models.Model):
    """A code printed on a service receipt: one response each, never linked to who received it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=12)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kode sekali pakai")
        verbose_name_plural = _("kode sekali pakai")
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="one_time_code_unique")]

    def __str__(self) -> str:
        return self.code
