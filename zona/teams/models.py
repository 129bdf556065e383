"""A unit's ZI team per year (the SK, its members and their pokja areas) and its change agents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

AREA_NUMBERS = (1, 2, 3, 4, 5, 6)
# The six areas of change (area pengungkit) of PermenPANRB 90/2021, each worked on by a pokja.
AREA_NAMES = {
    1: _("Manajemen Perubahan"),
    2: _("Penataan Tatalaksana"),
    3: _("Penataan Sistem Manajemen SDM Aparatur"),
    4: _("Penguatan Akuntabilitas"),
    5: _("Penguatan Pengawasan"),
    6: _("Peningkatan Kualitas Pelayanan Publik"),
}


class ZiTeam(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="zi_teams")
    year = models.PositiveSmallIntegerField(_("tahun"))
    sk_number = models.CharField(_("nomor SK"), max_length=120, blank=True)
    sk_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    sk_document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tim ZI")
        verbose_name_plural = _("tim ZI")
        ordering = ["unit", "-year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="zi_team_unit_year_unique")]

    def __str__(self) -> str:
        return f"Tim ZI {self.unit} {self.year}"


class TeamMember(models.Model):
    class TeamRole(models.TextChoices):
        PENANGGUNG_JAWAB = "penanggung_jawab", _("Penanggung jawab")
        KETUA = "ketua", _("Ketua")
        SEKRETARIS = "sekretaris", _("Sekretaris")
        KOORDINATOR_AREA = "koordinator_area", _("Koordinator area (pokja)")
        ANGGOTA = "anggota", _("Anggota")

    team = models.ForeignKey(ZiTeam, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_memberships",
    )
    name = models.CharField(_("nama"), max_length=150)
    nip = models.CharField(_("NIP"), max_length=30, blank=True)
    position = models.CharField(_("jabatan"), max_length=150, blank=True)
    team_role = models.CharField(_("peran dalam tim"), max_length=20, choices=TeamRole.choices)
    areas = models.JSONField(_("area (pokja)"), default=list, blank=True)

    class Meta:
        verbose_name = _("anggota tim ZI")
        verbose_name_plural = _("anggota tim ZI")
        ordering = ["team", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "nip"], condition=~models.Q(nip=""), name="team_member_nip_unique"
            ),
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=models.Q(user__isnull=False),
                name="team_member_user_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChangeAgent(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="change_agents")
    year = models.PositiveSmallIntegerField(_("tahun"))
    name = models.CharField(_("nama"), max_length=150)
    nip = models.CharField(_("NIP"), max_length=30, blank=True)
    position = models.CharField(_("jabatan"), max_length=150, blank=True)
    sk_number = models.CharField(_("nomor SK"), max_length=120, blank=True)
    commitments = models.TextField(_("komitmen/rencana perubahan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agen perubahan")
        verbose_name_plural = _("agen perubahan")
        ordering = ["unit", "-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "nip"], condition=~models.Q(nip=""), name="change_agent_nip_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name
