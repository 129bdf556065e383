"""LKE assessments: periods pinned to a framework version, one assessment per unit, answers per stage.

The unit's own answers have `stage = NULL`; each TPI review stage (rows of `ReviewStage`) keeps its own
answer and note per item beside it. Every saved answer leaves an `AnswerRevision`; `Answer.version` is
the optimistic-concurrency counter (a save based on an older version is refused, never lost silently).
Scores are never stored as inputs: they are recomputed by the engine; only a finalised assessment keeps
a frozen copy of its result (`final_result`) for the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Period(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Berjalan")
        CLOSED = "closed", _("Ditutup")

    instansi = models.ForeignKey("units.Instansi", on_delete=models.PROTECT, related_name="periods")
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="periods")
    year = models.PositiveSmallIntegerField(_("tahun"))
    semester = models.PositiveSmallIntegerField(_("semester"), null=True, blank=True)
    name = models.CharField(_("nama periode"), max_length=120)
    self_start = models.DateField(_("penilaian mandiri mulai"))
    self_end = models.DateField(_("penilaian mandiri selesai"))
    review_start = models.DateField(_("reviu TPI mulai"))
    review_end = models.DateField(_("reviu TPI selesai"))
    revision_end = models.DateField(_("batas perbaikan"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("periode penilaian")
        verbose_name_plural = _("periode penilaian")
        ordering = ["-year", "-semester", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "year", "semester"], name="period_instansi_year_semester_unique"
            ),
            models.CheckConstraint(
                condition=Q(self_start__lte=F("self_end")), name="period_self_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(review_start__lte=F("review_end")), name="period_review_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(self_start__lte=F("review_start")), name="period_self_before_review"
            ),
            models.CheckConstraint(
                condition=Q(review_end__lte=F("revision_end")), name="period_revision_last"
            ),
            models.CheckConstraint(
                condition=Q(semester__isnull=True) | Q(semester__in=[1, 2]), name="period_semester_1_or_2"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReviewStage(models.Model):
    """One stage of the TPI review of a period, in order.

    Default: anggota tim, ketua tim, pengendali teknis.
    """

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("urutan"))
    name = models.CharField(_("nama tahap"), max_length=80)
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("evaluator yang bertugas"),
        help_text=_("Kosong: setiap evaluator TPI unit dapat bertindak pada tahap ini."),
    )

    class Meta:
        verbose_name = _("tahap reviu")
        verbose_name_plural = _("tahap reviu")
        ordering = ["period", "order"]
        constraints = [models.UniqueConstraint(fields=["period", "order"], name="review_stage_order_unique")]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Penilaian mandiri")
        SUBMITTED = "submitted", _("Diajukan")
        IN_REVIEW = "in_review", _("Reviu TPI")
        RETURNED = "returned", _("Dikembalikan untuk perbaikan")
        FINAL = "final", _("Final")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    current_stage = models.ForeignKey(
        ReviewStage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tahap reviu"),
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("difinalkan"), null=True, blank=True)
    final_result = models.JSONField(_("hasil final (dibekukan)"), null=True, blank=True)
    lhe_document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("penilaian")
        verbose_name_plural = _("penilaian")
        ordering = ["period", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="assessment_period_unit_unique")
        ]
        indexes = [models.Index(fields=["period", "status"], name="assessment_period_status_idx")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.period}"


class Answer(models.Model):
    """One answer to one LKE item: the unit's (stage NULL) or a review stage's."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    stage = models.ForeignKey(
        ReviewStage, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    item_code = models.CharField(_("kode butir"), max_length=64)
    value = models.JSONField(_("jawaban"), null=True, blank=True)
    narrative = models.TextField(_("penjelasan"), blank=True)
    note = models.TextField(_("catatan reviu"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item_code"], condition=Q(stage__isnull=True), name="answer_unit_unique"
            ),
            models.UniqueConstraint(
                fields=["assessment", "item_code", "stage"],
                condition=Q(stage__isnull=False),
                name="answer_stage_unique",
            ),
        ]
        indexes = [models.Index(fields=["assessment", "stage"], name="answer_assessment_stage_idx")]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.value}"


class AnswerRevision(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    value = models.JSONField(null=True, blank=True)
    narrative = models.TextField(blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat jawaban")
        verbose_name_plural = _("riwayat jawaban")
        ordering = ["answer", "version"]
        constraints = [models.UniqueConstraint(fields=["answer", "version"], name="answer_revision_unique")]

    def __str__(self) -> str:
        return f"{self.answer_id} v{self.version}"


class Evidence(models.Model):
    """A document or a link attached to an item of an assessment (data dukung); removal keeps the row."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    item_code = models.CharField(_("kode butir"), max_length=64)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    title = models.CharField(_("judul"), max_length=255)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("data dukung")
        verbose_name_plural = _("data dukung")
        ordering = ["assessment", "item_code", "added_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=False) | ~Q(url=""), name="evidence_document_or_url"
            ),
        ]
        indexes = [models.Index(fields=["assessment", "item_code"], name="evidence_item_idx")]

    def __str__(self) -> str:
        return self.title


class ReturnedItem(models.Model):
    """An item a review stage sent back to the unit.

    While the assessment is returned, only these items are unlocked for the unit.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="returned_items")
    stage = models.ForeignKey(ReviewStage, on_delete=models.PROTECT, related_name="+")
    item_code = models.CharField(_("kode butir"), max_length=64)
    comment = models.TextField(_("catatan perbaikan"))
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("butir dikembalikan")
        verbose_name_plural = _("butir dikembalikan")
        ordering = ["assessment", "returned_at"]

    def __str__(self) -> str:
        return self.item_code


class AreaReviewNote(models.Model):
    """The TPI's findings and recommendations for one LKE area, written at the last review stage.

    PermenPANRB 90/2021 Lampiran II Bab I A.3 asks for an LHE with the evaluation's findings and
    recommendations; the LHE prints these per area (finding F6).
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="area_notes")
    area = models.PositiveSmallIntegerField(_("area"))
    findings = models.TextField(_("temuan"), blank=True)
    recommendations = models.TextField(_("rekomendasi"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("temuan dan rekomendasi area")
        verbose_name_plural = _("temuan dan rekomendasi area")
        ordering = ["assessment", "area"]
        constraints = [models.UniqueConstraint(fields=["assessment", "area"], name="area_review_note_unique")]

    def __str__(self) -> str:
        return f"{self.assessment_id} area {self.area}"


class ItemAssignment(models.Model):
    """Pokja: which team member (user) is responsible for an area or an item of an assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    area = models.PositiveSmallIntegerField(_("area"), null=True, blank=True)
    item_code = models.CharField(_("kode butir"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("penugasan butir")
        verbose_name_plural = _("penugasan butir")
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False) | ~Q(item_code=""), name="assignment_area_or_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.item_code or self.area}"


class Comment(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    item_code = models.CharField(_("kode butir"), max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("komentar"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("komentar")
        verbose_name_plural = _("komentar")
        ordering = ["assessment", "item_code", "created_at"]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.text[:40]}"
