"""Forms that parse input for the lifecycle services; the rules themselves live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zona.units.models import Stage

from .prerequisites import PrerequisiteDef


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more uploaded files, as a list."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ServiceErrorsMixin:
    """Put a service's ValidationError on the fields it names (the rest on the form)."""

    # service argument -> form field ("files" is taken by Form.files, the raw uploads)
    error_fields: dict[str, str] = {"files": "attachments"}

    def add_service_errors(self, exc: ValidationError) -> None:
        form: Any = self
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc)
            return
        for name, errors in exc.message_dict.items():
            name = self.error_fields.get(name, name)
            target = name if name in form.fields else None
            for message in errors:
                form.add_error(target, message)


# The fields each move asks for beyond its date and note.
STAGE_FIELDS: dict[str, tuple[str, ...]] = {
    Stage.PENCANANGAN: ("signatory_count", "staff_count", "leader_signed", "attachments"),
    Stage.DIUSULKAN: ("exception_reason", "attachments"),
    Stage.WBK: ("sk_number", "sk_date", "attachments"),
    Stage.WBBM: ("sk_number", "sk_date", "attachments"),
    Stage.DICABUT: ("sk_number", "sk_date", "attachments"),
}
FILE_LABELS: dict[str, Any] = {
    Stage.PENCANANGAN: _("Pakta Integritas (PDF, boleh lebih dari satu berkas)"),
    Stage.WBK: _("SK penetapan predikat (PDF)"),
    Stage.WBBM: _("SK penetapan predikat (PDF)"),
    Stage.DICABUT: _("SK pencabutan predikat (PDF)"),
}


class TransitionForm(ServiceErrorsMixin, forms.Form):
    date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    signatory_count = forms.IntegerField(
        label=_("Jumlah penanda tangan Pakta Integritas"), required=False, min_value=0
    )
    staff_count = forms.IntegerField(
        label=_("Jumlah pegawai unit"),
        required=False,
        min_value=1,
        help_text=_("Pakta Integritas ditandatangani pimpinan dan seluruh atau sebagian besar pegawai."),
    )
    leader_signed = forms.BooleanField(
        label=_("Pimpinan unit ikut menandatangani Pakta Integritas"), required=False
    )
    sk_number = forms.CharField(label=_("Nomor SK"), required=False, max_length=120)
    sk_date = forms.DateField(
        label=_("Tanggal SK"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    exception_reason = forms.CharField(
        label=_("Keterangan pengusulan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Dicatat bersama usulan. Pengecualian syarat PermenPANRB 5/2024 berlaku otomatis untuk unit "
            "pemerintah daerah jenis RSUD, Dukcapil, Samsat, PTSP, pendidikan atau ketenagakerjaan "
            "(jenis unit prioritas Stranas PK pada data unit); keterangan ini tidak membebaskan syarat."
        ),
    )
    attachments = MultipleFileField(label=_("Dokumen pendukung (PDF, bila ada)"))
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, stage: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"ke-{stage}")
        super().__init__(*args, **kwargs)
        self.stage = stage
        keep = {"date", "note", *STAGE_FIELDS.get(stage, ("attachments",))}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "attachments" in self.fields:
            self.fields["attachments"].label = FILE_LABELS.get(stage, self.fields["attachments"].label)
            self.fields["attachments"].widget.attrs["accept"] = "application/pdf,.pdf"
        if stage in (Stage.WBK, Stage.WBBM):
            self.fields["sk_number"].required = True
            self.fields["sk_date"].required = True
        if stage == Stage.PENCANANGAN:
            self.fields["signatory_count"].required = True
            self.fields["staff_count"].required = True
            self.fields["leader_signed"].required = True
        _bootstrap(self)

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label) if self.stage in Stage.values else self.stage

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "date": data.get("date"),
            "note": data.get("note", ""),
            "sk_number": data.get("sk_number", ""),
            "sk_date": data.get("sk_date"),
            "signatory_count": data.get("signatory_count"),
            **(
                {"staff_count": data.get("staff_count"), "leader_signed": bool(data.get("leader_signed"))}
                if self.stage == Stage.PENCANANGAN
                else {}
            ),
            "exception_reason": data.get("exception_reason", ""),
            "files": data.get("attachments", []),
        }


class PrerequisiteForm(ServiceErrorsMixin, forms.Form):
    value = forms.CharField(label=_("Capaian"), required=False, max_length=40)
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label=_("Bukti (PDF, gambar, atau dokumen kantor)"))

    def __init__(self, *args: Any, definition: PrerequisiteDef, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        field = self.fields["value"]
        field.label = definition.label
        field.help_text = definition.help
        choices = definition.choices()
        if choices:
            self.fields["value"] = forms.ChoiceField(
                label=definition.label,
                required=False,
                choices=[("", _("— belum diisi —")), *choices],
                help_text=definition.help,
            )
        elif definition.kind == "percent":
            field.widget.attrs.update({"inputmode": "decimal"})
            field.help_text = definition.help or _("Persentase 0–100, mis. 100 atau 97,5.")
        _bootstrap(self)


class InstansiPencananganForm(ServiceErrorsMixin, forms.Form):
    date = forms.DateField(label=_("Tanggal pencanangan"), widget=forms.DateInput(attrs={"type": "date"}))
    leader_signed = forms.BooleanField(
        label=_("Pimpinan instansi menandatangani Pakta Integritas"), required=False
    )
    signatory_count = forms.IntegerField(label=_("Jumlah penanda tangan"), min_value=0)
    staff_count = forms.IntegerField(label=_("Jumlah pegawai instansi"), min_value=1)
    attachments = MultipleFileField(label=_("Pakta Integritas (PDF)"))
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "pencanangan-instansi")
        super().__init__(*args, **kwargs)
        self.fields["attachments"].widget.attrs["accept"] = "application/pdf,.pdf"
        _bootstrap(self)


class KknOffenceForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label=_("Tahun usulan"), min_value=2000)
    date = forms.DateField(label=_("Tanggal diketahui"), widget=forms.DateInput(attrs={"type": "date"}))
    by_top_leader = forms.BooleanField(label=_("Dilakukan pimpinan tertinggi instansi"), required=False)
    description = forms.CharField(label=_("Uraian dan sumber"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "kkn")
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class EvaluasiMandiriForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label=_("Tahun"), min_value=2000)
    enabled = forms.BooleanField(
        label=_("Instansi menyelenggarakan evaluasi Menuju WBK secara mandiri"), required=False
    )
    basis = forms.CharField(label=_("Dasar penyelenggaraan"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "mandiri")
        super().__init__(*args, **kwargs)
        _bootstrap(self)
