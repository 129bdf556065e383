"""The editable part of the working-day calendar: cuti bersama and days declared working, by decree."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CutiBersama(models.Model):
    """One day the calendar changes: a cuti bersama (off) or a hari kerja pengganti (declared working).

    `instansi` empty = national (the SKB 3 Menteri, shipped as data and kept by the administrator); an
    instansi's own entries are its koordinator's, and an instansi's "working" entry overrides a national
    day off for that instansi.
    """

    class Kind(models.TextChoices):
        OFF = "libur", _("Cuti bersama / libur")
        ON = "masuk", _("Hari kerja pengganti")

    instansi = models.ForeignKey(
        "units.Instansi", null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_days"
    )
    date = models.DateField(_("tanggal"))
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices, default=Kind.OFF)
    name = models.CharField(_("keterangan"), max_length=200)
    decree = models.CharField(_("dasar penetapan"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("date", "pk")
        verbose_name = _("cuti bersama / hari kerja pengganti")
        verbose_name_plural = _("cuti bersama / hari kerja pengganti")
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "date"],
                condition=Q(instansi__isnull=False),
                name="calendar_day_unique_per_instansi",
            ),
            models.UniqueConstraint(
                fields=["date"], condition=Q(instansi__isnull=True), name="calendar_day_unique_national"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"

    @property
    def is_national(self) -> bool:
        return self.instansi_id is None
