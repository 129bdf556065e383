"""Staff forms for survey campaigns (validation of shape only; the rules are in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zona.units.models import ServiceType, Unit

from .models import Campaign, Instrument


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * getattr(obj, 'depth', 0)}{obj.name}"


class ServiceTypeField(forms.ModelMultipleChoiceField):
    def __init__(self, *args: Any, show_unit: bool = False, **kwargs: Any) -> None:
        self.show_unit = show_unit
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.name}: {obj.name}" if self.show_unit else obj.name


class InstrumentField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} (v{obj.version})"


class CampaignForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit kerja"), queryset=Unit.objects.none(), empty_label=None)
    instrument = InstrumentField(
        label=_("Instrumen"),
        queryset=Instrument.objects.none(),
        empty_label=None,
        help_text=_("SKM untuk kepuasan masyarakat; SPKP (IPKP) dan SPAK (IPAK) untuk komponen hasil LKE."),
    )
    title = forms.CharField(label=_("Judul survei"), max_length=200)
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    starts_on = forms.DateField(label=_("Mulai"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Selesai"), widget=forms.DateInput(attrs={"type": "date"}))
    service_types = ServiceTypeField(
        label=_("Jenis layanan yang disurvei"),
        queryset=ServiceType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kosongkan bila semua jenis layanan unit disurvei."),
    )
    population = forms.IntegerField(
        label=_("Jumlah pengguna layanan dalam periode (populasi N)"),
        min_value=1,
        required=False,
        help_text=_("Dipakai untuk menghitung target responden."),
    )
    sample_method = forms.ChoiceField(
        label=_("Metode penentuan sampel"), choices=Campaign.SampleMethod.choices, initial="krejcie_morgan"
    )
    require_code = forms.BooleanField(
        label=_("Wajibkan kode sekali pakai (dicetak pada bukti layanan)"), required=False
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        instruments: QuerySet[Instrument],
        fixed_unit: Unit | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["instrument"].queryset = instruments  # type: ignore[attr-defined]
        service_types = ServiceType.objects.filter(unit__in=units).select_related("unit")
        if fixed_unit is not None:
            self.fields["unit"].initial = fixed_unit.pk
            self.fields["unit"].widget = forms.HiddenInput()
            service_types = service_types.filter(unit=fixed_unit)
        else:
            self.fields["service_types"] = ServiceTypeField(
                label=self.fields["service_types"].label,
                queryset=service_types,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Pilih jenis layanan milik unit yang dipilih; kosongkan bila semua disurvei."),
                show_unit=True,
            )
        self.fields["service_types"].queryset = service_types  # type: ignore[attr-defined]
        if not self.is_bound:
            self.fields["year"].initial = timezone.localdate().year
        for field in self.fields.values():
            if isinstance(
                field.widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput, forms.HiddenInput)
            ):
                if isinstance(field.widget, forms.CheckboxInput):
                    field.widget.attrs["class"] = "form-check-input"
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Tanggal selesai tidak boleh sebelum tanggal mulai."))
        return data

    def apply_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


class FeedForm(forms.Form):
    assessment = forms.TypedChoiceField(label=_("Penilaian LKE"), coerce=int)
    confirm = forms.BooleanField(
        label=_("Ganti jawaban yang sudah ada dengan hasil survei ini"),
        required=False,
    )

    def __init__(self, *args: Any, assessments: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessment"].choices = [(a.pk, str(a.period)) for a in assessments]  # type: ignore[attr-defined]
        self.fields["assessment"].widget.attrs["class"] = "form-select"
        self.fields["confirm"].widget.attrs["class"] = "form-check-input"


class TargetForm(forms.Form):
    population = forms.IntegerField(min_value=1, required=False)
    sample_method = forms.ChoiceField(choices=Campaign.SampleMethod.choices, required=False)
