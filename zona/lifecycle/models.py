"""The dated history of a unit's ZI lifecycle, and the prerequisites checklist per year.

`Unit.stage` is the current stage; it changes only through `zona.lifecycle.services.stage_transition`,
which writes a LifecycleEvent and an audit record in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zona.units.models import Stage


class LifecycleEvent(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="lifecycle_events")
    from_stage = models.CharField(_("dari tahap"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("ke tahap"), max_length=20, choices=Stage.choices)
    date = models.DateField(_("tanggal"))
    note = models.TextField(_("catatan"), blank=True)
    sk_number = models.CharField(_("nomor SK"), max_length=120, blank=True)
    sk_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    signatory_count = models.PositiveIntegerField(_("jumlah penanda tangan"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("jumlah pegawai"), null=True, blank=True)
    leader_signed = models.BooleanField(_("pimpinan ikut menandatangani"), null=True, blank=True)
    exception_reason = models.TextField(_("alasan pengecualian (PermenPANRB 5/2024)"), blank=True)
    documents = models.ManyToManyField("documents.Document", blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat tahap ZI")
        verbose_name_plural = _("riwayat tahap ZI")
        ordering = ["unit", "date", "id"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_to_stage_display()} ({self.date})"


class Prerequisite(models.Model):
    """One line of the prerequisites checklist (lke-zi.md §5.2) for an instansi or a unit, per year.

    `code` names a prerequisite declared in the framework file; `value` is what was achieved
    (a percentage, a grade such as "BB", a level, "ya"/"tidak"), with its evidence.
    """

    instansi = models.ForeignKey("units.Instansi", on_delete=models.CASCADE, related_name="prerequisites")
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="prerequisites"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    code = models.CharField(_("prasyarat"), max_length=40)
    value = models.CharField(_("capaian"), max_length=40, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    documents = models.ManyToManyField("documents.Document", blank=True, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("prasyarat")
        verbose_name_plural = _("prasyarat")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "code"],
                condition=models.Q(unit__isnull=False),
                name="prereq_unit_unique",
            ),
            models.UniqueConstraint(
                fields=["instansi", "year", "code"],
                condition=models.Q(unit__isnull=True),
                name="prereq_instansi_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.year}"


class InstansiPencanangan(models.Model):
    """Tahap I of 90/2021 Lampiran I Bab II B: the instansi's leader declares ZI (pencanangan), the leader
    and all or most staff signing the Pakta Integritas; the designation of units (Tahap II) follows it."""

    instansi = models.ForeignKey("units.Instansi", on_delete=models.CASCADE, related_name="pencanangan")
    date = models.DateField(_("tanggal pencanangan"))
    leader_signed = models.BooleanField(_("pimpinan instansi menandatangani"))
    signatory_count = models.PositiveIntegerField(_("jumlah penanda tangan"))
    staff_count = models.PositiveIntegerField(_("jumlah pegawai"))
    note = models.TextField(_("catatan"), blank=True)
    documents = models.ManyToManyField("documents.Document", blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("pencanangan instansi")
        verbose_name_plural = _("pencanangan instansi")
        ordering = ["instansi", "-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(signatory_count__lte=models.F("staff_count")),
                name="pencanangan_signatories_within_staff",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instansi}: pencanangan {self.date}"


class KknOffence(models.Model):
    """An unlawful KKN act in a proposal year (90/2021 Lampiran II Bab IV Penutup): that year's proposals
    of the instansi are void. Recorded by the coordinator, never deleted (a correction is a new record)."""

    instansi = models.ForeignKey("units.Instansi", on_delete=models.CASCADE, related_name="kkn_offences")
    year = models.PositiveSmallIntegerField(_("tahun usulan"))
    date = models.DateField(_("tanggal diketahui"))
    by_top_leader = models.BooleanField(_("dilakukan pimpinan tertinggi"), default=False)
    description = models.TextField(_("uraian"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("tindak pidana KKN")
        verbose_name_plural = _("tindak pidana KKN")
        ordering = ["instansi", "-year", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.instansi}: KKN {self.year}"


class EvaluasiMandiri(models.Model):
    """5/2024 Lampiran II Bab II B: in this year the instansi runs the Menuju WBK evaluation itself; the
    predicate is equivalent to the TPN's. The Minister's conditions are not in the text: `basis` records
    what the instansi relies on."""

    instansi = models.ForeignKey("units.Instansi", on_delete=models.CASCADE, related_name="evaluasi_mandiri")
    year = models.PositiveSmallIntegerField(_("tahun"))
    basis = models.TextField(_("dasar penyelenggaraan"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluasi WBK mandiri")
        verbose_name_plural = _("evaluasi WBK mandiri")
        constraints = [models.UniqueConstraint(fields=["instansi", "year"], name="evaluasi_mandiri_unique")]

    def __str__(self) -> str:
        return f"{self.instansi}: evaluasi mandiri {self.year}"
