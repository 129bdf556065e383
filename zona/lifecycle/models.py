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
