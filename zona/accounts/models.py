"""Users and their roles. A role is scoped to an instansi, or to a unit subtree, or to a TPI team."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)
    nip = models.CharField(_("NIP"), max_length=30, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    KOORDINATOR = "koordinator", _("Koordinator")
    EVALUATOR = "evaluator", _("Evaluator TPI")
    KETUA_TIM = "ketua_tim", _("Ketua tim ZI")
    ANGGOTA_TIM = "anggota_tim", _("Anggota tim ZI")
    OPERATOR = "operator", _("Operator unit")
    PIMPINAN = "pimpinan", _("Pimpinan")
    PENGAWAS = "pengawas", _("Pengawas eksternal")


UNIT_ROLES = (Role.KETUA_TIM, Role.ANGGOTA_TIM, Role.OPERATOR)


class RoleAssignment(models.Model):
    """One role of one user, in one instansi; `unit` narrows it to that unit's subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices)
    instansi = models.ForeignKey("units.Instansi", on_delete=models.CASCADE, related_name="role_assignments")
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    tpi_team = models.ForeignKey(
        "units.TpiTeam", on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("diberikan"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        verbose_name = _("peran pengguna")
        verbose_name_plural = _("peran pengguna")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=[r.value for r in UNIT_ROLES]) | models.Q(unit__isnull=False),
                name="role_unit_roles_need_unit",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.EVALUATOR) | models.Q(tpi_team__isnull=False),
                name="role_evaluator_needs_tpi_team",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="role_user_active_idx")]

    def __str__(self) -> str:
        scope = self.unit or self.tpi_team or self.instansi
        return f"{self.user} — {self.get_role_display()} ({scope})"


class OverseerGrant(models.Model):
    """What the coordinator publishes to an external overseer (pengawas eksternal): one unit each."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="overseer_grants")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="overseer_grants")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("publikasi ke pengawas")
        verbose_name_plural = _("publikasi ke pengawas")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="overseer_grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"
