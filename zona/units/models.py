"""The organisation that builds Zona Integritas: instansi, their tree of work units, TPI teams.

Several instansi live in one database; every query for a page goes through `zona.accounts.permissions`
so that each user sees only their own instansi (and, for unit roles, their own unit subtree).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Instansi(models.Model):
    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Pemerintah Kabupaten")
        KOTA = "kota", _("Pemerintah Kota")
        PROVINSI = "provinsi", _("Pemerintah Provinsi")
        KEMENTERIAN = "kementerian", _("Kementerian")
        LEMBAGA = "lembaga", _("Lembaga")

    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("nama singkat"), max_length=80, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    address = models.TextField(_("alamat"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pemda(self) -> bool:
        return self.kind in (self.Kind.KABUPATEN, self.Kind.KOTA, self.Kind.PROVINSI)


class Stage(models.TextChoices):
    """The ZI lifecycle of a unit (PermenPANRB 90/2021 Lampiran I–II; lke-zi.md §5.3)."""

    BELUM = "belum", _("Belum ditetapkan")
    DITETAPKAN = "ditetapkan", _("Ditetapkan")
    PENCANANGAN = "pencanangan", _("Pencanangan")
    PEMBANGUNAN = "pembangunan", _("Pembangunan")
    PENILAIAN_MANDIRI = "penilaian_mandiri", _("Penilaian mandiri")
    EVALUASI_TPI = "evaluasi_tpi", _("Evaluasi TPI")
    DIUSULKAN = "diusulkan", _("Diusulkan ke KemenPANRB")
    WBK = "wbk", _("Predikat Menuju WBK")
    WBBM = "wbbm", _("Predikat Menuju WBBM")
    DICABUT = "dicabut", _("Predikat dicabut")


class Unit(models.Model):
    class Kind(models.TextChoices):
        SEKRETARIAT = "sekretariat", _("Sekretariat")
        BAGIAN = "bagian", _("Bagian")
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        INSPEKTORAT = "inspektorat", _("Inspektorat")
        SATPOL = "satpol", _("Satuan Polisi Pamong Praja")
        KECAMATAN = "kecamatan", _("Kecamatan")
        KELURAHAN = "kelurahan", _("Kelurahan")
        UPT = "upt", _("UPT")
        RSUD = "rsud", _("RSUD")
        PUSKESMAS = "puskesmas", _("Puskesmas")
        SATKER = "satker", _("Satuan kerja")
        LAINNYA = "lainnya", _("Lainnya")

    instansi = models.ForeignKey(
        Instansi, on_delete=models.PROTECT, related_name="units", verbose_name=_("instansi")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("induk"),
    )
    name = models.CharField(_("nama unit"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    head_name = models.CharField(_("nama kepala unit"), max_length=120, blank=True)
    head_title = models.CharField(_("jabatan kepala unit"), max_length=120, blank=True)
    serves_public = models.BooleanField(_("melayani publik langsung"), default=False)
    # A type of zona/lifecycle/data/rules-5-2024.yaml `early_proposal` (RSUD, Dukcapil, ...), or blank. Not a
    # choices= list: the regulation's list is data, read where it is used.
    stranas_type = models.CharField(
        _("jenis unit prioritas Stranas PK (PermenPANRB 5/2024)"), max_length=20, blank=True, default=""
    )
    address = models.TextField(_("alamat"), blank=True)
    stage = models.CharField(_("tahap ZI"), max_length=20, choices=Stage.choices, default=Stage.BELUM)
    stage_since = models.DateField(_("sejak"), null=True, blank=True)
    path = models.CharField(_("jalur"), max_length=255, db_index=True, editable=False, default="")
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "slug"], name="unit_instansi_slug_unique"),
        ]
        indexes = [models.Index(fields=["instansi", "stage"], name="unit_instansi_stage_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1 if self.path else 0


class ServiceType(models.Model):
    """A service a unit offers the public (jenis layanan), used by surveys and complaints."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="service_types", verbose_name=_("unit")
    )
    name = models.CharField(_("jenis layanan"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)

    class Meta:
        verbose_name = _("jenis layanan")
        verbose_name_plural = _("jenis layanan")
        ordering = ["unit", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="service_type_unit_name_unique")]

    def __str__(self) -> str:
        return self.name


class TpiTeam(models.Model):
    """A Tim Penilai Internal (usually the Inspektorat) and the units assigned to it."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="tpi_teams")
    name = models.CharField(_("nama tim"), max_length=120)
    sk_number = models.CharField(_("nomor SK"), max_length=120, blank=True)
    sk_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    units = models.ManyToManyField(
        Unit, related_name="tpi_teams", blank=True, verbose_name=_("unit yang dinilai")
    )

    class Meta:
        verbose_name = _("tim penilai internal")
        verbose_name_plural = _("tim penilai internal")
        ordering = ["instansi", "name"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "name"], name="tpi_team_instansi_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
