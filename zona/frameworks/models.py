"""LKE framework versions loaded from the data files, with their nodes and items as rows.

A version is immutable once loaded: assessments point to it. A changed file becomes a new version.
`definition` keeps the parsed file, from which the pure engine is rebuilt (`Framework.engine()`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from zona.lke.framework import Framework as EngineFramework


class Framework(models.Model):
    code = models.SlugField(_("kode"), max_length=80)
    version = models.PositiveIntegerField(_("versi"))
    name = models.CharField(_("nama"), max_length=255)
    regulation = models.CharField(_("dasar hukum"), max_length=255, blank=True)
    complete = models.BooleanField(_("lengkap"), default=True)
    notes = models.TextField(_("catatan"), blank=True)
    content_hash = models.CharField(_("sidik isi (SHA-256)"), max_length=64)
    source_file = models.CharField(_("berkas sumber"), max_length=255, blank=True)
    definition = models.JSONField(_("definisi"))
    loaded_at = models.DateTimeField(_("dimuat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("kerangka LKE")
        verbose_name_plural = _("kerangka LKE")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="framework_code_version_unique"),
            models.UniqueConstraint(fields=["code", "content_hash"], name="framework_code_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def engine(self) -> EngineFramework:
        """The pure engine's framework for this version (cached on the instance)."""
        cached = getattr(self, "_engine", None)
        if cached is None:
            from zona.lke.framework import build_framework

            cached = build_framework(self.definition)
            self._engine = cached
        return cached


class Node(models.Model):
    class Kind(models.TextChoices):
        COMPONENT = "component", _("komponen")
        ASPECT = "aspect", _("aspek")
        AREA = "area", _("area")
        GROUP = "group", _("kelompok")
        INDICATOR = "indicator", _("indikator")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("kode"), max_length=64)
    name = models.CharField(_("nama"), max_length=500)
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    weight = models.DecimalField(_("bobot"), max_digits=9, decimal_places=4, null=True, blank=True)
    area = models.PositiveSmallIntegerField(_("area"), null=True, blank=True)
    order = models.PositiveIntegerField(_("urutan"))

    class Meta:
        verbose_name = _("simpul LKE")
        verbose_name_plural = _("simpul LKE")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="node_framework_code_unique"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="node_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Item(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("kode"), max_length=64)
    question = models.TextField(_("pertanyaan"))
    answer_type = models.CharField(_("jenis jawaban"), max_length=16)
    options = models.JSONField(_("pilihan jawaban"), default=list, blank=True)
    evidence = models.TextField(_("data dukung yang diharapkan"), blank=True)
    inputs = models.JSONField(_("isian"), default=list, blank=True)
    area = models.PositiveSmallIntegerField(_("area"), null=True, blank=True)
    order = models.PositiveIntegerField(_("urutan"))

    class Meta:
        verbose_name = _("butir LKE")
        verbose_name_plural = _("butir LKE")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="item_framework_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code
