"""Forms of the period pages: opening a period, and the overview filters (input only; services write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zona.frameworks.models import Framework
from zona.units.models import Instansi, Stage, Unit

from .models import Assessment, ReviewStage
from .selectors.overview import OverviewFilters
from .services.periods import DEFAULT_STAGES

# A unit that has reached pembangunan (or any later stage) is ready to be assessed.
READY_STAGES = frozenset(
    {
        Stage.PEMBANGUNAN,
        Stage.PENILAIAN_MANDIRI,
        Stage.EVALUASI_TPI,
        Stage.DIUSULKAN,
        Stage.WBK,
        Stage.WBBM,
    }
)


def complete_frameworks() -> list[Framework]:
    """Framework versions that can be used to assess, newest regulation first, then newest version."""
    frameworks = list(
        Framework.objects.filter(complete=True).only("pk", "code", "version", "name", "definition")
    )
    frameworks.sort(
        key=lambda fw: (str((fw.definition or {}).get("effective", "")), fw.version, fw.pk), reverse=True
    )
    return frameworks


class FrameworkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} (v{obj.version})"


class UnitCheckboxes(forms.CheckboxSelectMultiple):
    """Unit checkboxes carrying their ZI stage, so the "select ready units" button can find them."""

    def create_option(
        self,
        name: str,
        value: Any,
        label: int | str,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        option["attrs"]["class"] = "form-check-input"
        if instance is not None and instance.stage in READY_STAGES:
            option["attrs"]["data-zona-ready"] = "1"
        return option


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * max(obj.depth - 1, 0)}{obj.name} ({obj.get_stage_display()})"


class PeriodForm(forms.Form):
    instansi = forms.ModelChoiceField(label=_("Instansi"), queryset=Instansi.objects.none())
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    semester = forms.TypedChoiceField(
        label=_("Semester"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Tanpa semester (satu penilaian setahun)")),
            ("1", _("Semester 1")),
            ("2", _("Semester 2")),
        ],
    )
    name = forms.CharField(
        label=_("Nama periode"),
        required=False,
        max_length=120,
        help_text=_("Kosongkan untuk memakai nama baku, misalnya “Penilaian ZI 2025”."),
    )
    framework = FrameworkChoiceField(
        label=_("Kerangka LKE"),
        queryset=Framework.objects.none(),
        empty_label=None,
        help_text=_("Hanya kerangka yang lengkap; versi terbaru di atas."),
    )
    self_start = forms.DateField(
        label=_("Penilaian mandiri mulai"), widget=forms.DateInput(attrs={"type": "date"})
    )
    self_end = forms.DateField(
        label=_("Penilaian mandiri selesai"), widget=forms.DateInput(attrs={"type": "date"})
    )
    review_start = forms.DateField(label=_("Reviu TPI mulai"), widget=forms.DateInput(attrs={"type": "date"}))
    review_end = forms.DateField(label=_("Reviu TPI selesai"), widget=forms.DateInput(attrs={"type": "date"}))
    revision_end = forms.DateField(label=_("Batas perbaikan"), widget=forms.DateInput(attrs={"type": "date"}))
    stage_names = forms.CharField(
        label=_("Tahap reviu TPI"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="\n".join(DEFAULT_STAGES),
        help_text=_("Satu tahap per baris, berurutan dari yang pertama mereviu."),
    )
    units = UnitsField(
        label=_("Unit kerja yang dinilai"),
        queryset=Unit.objects.none(),
        widget=UnitCheckboxes,
    )
    copy_previous = forms.BooleanField(
        label=_("Mulai dari periode sebelumnya"),
        required=False,
        help_text=_("Jawaban dan tautan data dukung penilaian terakhir tiap unit disalin sebagai draf."),
    )

    def __init__(self, *args: Any, instansi_choices: list[Instansi], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.instansi_choices = instansi_choices
        ids = [i.pk for i in instansi_choices]
        if len(instansi_choices) == 1:
            del self.fields["instansi"]
        else:
            instansi_field = self.fields["instansi"]
            assert isinstance(instansi_field, forms.ModelChoiceField)
            instansi_field.queryset = Instansi.objects.filter(pk__in=ids)
        frameworks = complete_frameworks()
        framework_field = self.fields["framework"]
        assert isinstance(framework_field, forms.ModelChoiceField)
        framework_field.queryset = Framework.objects.filter(pk__in=[fw.pk for fw in frameworks])
        framework_field.choices = [(fw.pk, framework_field.label_from_instance(fw)) for fw in frameworks]
        units_field = self.fields["units"]
        assert isinstance(units_field, forms.ModelMultipleChoiceField)
        units_field.queryset = self.unit_queryset(ids)
        for name, field in self.fields.items():
            if field.required:
                field.error_messages["required"] = _("Kolom ini wajib diisi.")
            if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                field.error_messages["invalid_choice"] = _("Pilihan tidak tersedia; pilih dari daftar.")
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = _("Tanggal tidak valid.")
            if isinstance(field, forms.IntegerField):
                field.error_messages["invalid"] = _("Masukkan bilangan bulat.")
                field.error_messages["min_value"] = _("Tahun paling awal %(limit_value)s.")
                field.error_messages["max_value"] = _("Tahun paling akhir %(limit_value)s.")
            if name == "stage_names":
                field.error_messages["required"] = _("Sedikitnya satu tahap reviu TPI.")
            if name == "units":
                field.error_messages["required"] = _("Pilih sedikitnya satu unit kerja.")
                continue
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            if isinstance(widget, forms.Select):
                css = "form-select"
            widget.attrs.setdefault("class", css)

    @staticmethod
    def unit_queryset(instansi_ids: list[int]) -> QuerySet[Unit]:
        return Unit.objects.filter(instansi_id__in=instansi_ids, is_active=True).order_by(
            "instansi_id", "path"
        )

    def selected_instansi(self) -> Instansi:
        if "instansi" in self.fields:
            return self.cleaned_data["instansi"]
        return self.instansi_choices[0]

    def clean_stage_names(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["stage_names"].splitlines() if line.strip()]
        if not names:
            raise ValidationError(_("Sedikitnya satu tahap reviu TPI."))
        if any(len(name) > 80 for name in names):
            raise ValidationError(_("Nama tahap paling panjang 80 karakter."))
        return names

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "instansi": self.selected_instansi(),
            "framework": data["framework"],
            "year": data["year"],
            "semester": data["semester"],
            "name": data["name"],
            "self_start": data["self_start"],
            "self_end": data["self_end"],
            "review_start": data["review_start"],
            "review_end": data["review_end"],
            "revision_end": data["revision_end"],
            "stage_names": data["stage_names"],
            "units": list(data["units"]),
            "copy_previous": data["copy_previous"],
        }

    def apply_service_errors(self, exc: ValidationError) -> None:
        """Put the service's refusal on the fields it names (the rest above the form)."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class OverviewFilterForm(forms.Form):
    """GET parameters of the period overview; an invalid one is simply not applied."""

    q = forms.CharField(
        label=_("Cari unit"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    stage = forms.TypedChoiceField(label=_("Tahap reviu"), required=False, coerce=int, empty_value=None)
    wbk = forms.ChoiceField(
        label=_("Memenuhi syarat WBK"),
        required=False,
        choices=[("", _("Semua")), ("ya", _("Memenuhi")), ("tidak", _("Belum memenuhi"))],
    )
    overdue = forms.BooleanField(label=_("Hanya yang melewati batas waktu"), required=False)

    def __init__(self, *args: Any, stages: list[ReviewStage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("Semua status")), *Assessment.Status.choices]
        stage = self.fields["stage"]
        assert isinstance(stage, forms.ChoiceField)
        stage.choices = [("", _("Semua tahap")), *((str(s.pk), s.name) for s in stages)]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def filters(self) -> OverviewFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return OverviewFilters(
            status=data.get("status") or "",
            stage=data.get("stage") or None,
            wbk=data.get("wbk") or "",
            overdue=bool(data.get("overdue")),
            search=data.get("q") or "",
        )
