"""The audit trail: append-only, each record carrying the hash of the one before it (tamper-evident).

Written only by `zona.audit.services.audit_record`, inside the transaction of the change it records.
`zona audit verify` recomputes the chain and reports the first broken link.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    # seq and hash are empty only between the COMMIT of a record and its linking into the chain right
    # after it (PostgreSQL, see zona.core.db); `zona audit verify` reports such records as pending.
    seq = models.PositiveBigIntegerField(_("nomor urut"), unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("waktu"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    actor_repr = models.CharField(_("pelaku (saat itu)"), max_length=150, blank=True)
    event = models.CharField(_("peristiwa"), max_length=64, db_index=True)
    instansi_id = models.BigIntegerField(_("instansi"), null=True, blank=True, db_index=True)
    unit_id = models.BigIntegerField(_("unit"), null=True, blank=True, db_index=True)
    object_type = models.CharField(_("jenis objek"), max_length=64, blank=True)
    object_id = models.CharField(_("id objek"), max_length=64, blank=True)
    object_repr = models.CharField(_("objek"), max_length=255, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("catatan audit")
        verbose_name_plural = _("jejak audit")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event}"


class AuditChainHead(models.Model):
    """A single row locked while appending, so the chain stays linear under concurrent writers."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"#{self.last_seq}"


class DenialTally(models.Model):
    """Refusals folded: one row per person (or anonymous / unknown username), kind and minute, with a count.

    Only the first refusal of a minute becomes an audit record (pointing to its tally in
    `changes["denial_tally"]`); the others add one to `count` here without touching the chain, so a prober
    cannot flood the audit trail or queue every request behind the chain's head row.
    """

    kind = models.CharField(_("jenis"), max_length=64)
    actor_key = models.CharField(_("pelaku"), max_length=160)
    minute = models.DateTimeField(_("menit"))
    count = models.PositiveIntegerField(_("jumlah"), default=1)
    last_at = models.DateTimeField(_("terakhir"))

    class Meta:
        verbose_name = _("penolakan terhimpun")
        verbose_name_plural = _("penolakan terhimpun")
        constraints = [
            models.UniqueConstraint(fields=["kind", "actor_key", "minute"], name="audit_denial_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.actor_key} {self.minute:%Y-%m-%d %H:%M} ×{self.count}"
