"""Forms of the staff entry pages: one paper questionnaire as a row, a file to import, codes to generate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zona.units.models import ServiceType

from .instruments import InstrumentDef
from .models import Campaign
from .services_entry import MAX_CODES, ParsedRow, paper_row_parse
from .services_public import ResponseData

ROW_FIELDS = ("service_type", "gender", "age", "education", "occupation", "answers", "suggestion")


def _short(attrs: dict[str, Any] | None = None, **more: Any) -> forms.TextInput:
    base = {"autocomplete": "off", "class": "form-control", "spellcheck": "false"}
    base.update(attrs or {})
    base.update(more)
    return forms.TextInput(attrs=base)


class PaperRowForm(forms.Form):
    """One paper questionnaire; every field is short text so the operator never leaves the keyboard."""

    service_type = forms.CharField(label=_("Layanan"), required=False, max_length=200)
    gender = forms.CharField(label=_("JK"), required=False, max_length=20)
    age = forms.CharField(label=_("Usia"), required=False, max_length=5)
    education = forms.CharField(label=_("Pendidikan"), required=False, max_length=40)
    occupation = forms.CharField(label=_("Pekerjaan"), required=False, max_length=40)
    answers = forms.CharField(
        label=_("Jawaban"), max_length=80, error_messages={"required": _("Ketik jawaban kuesioner.")}
    )
    suggestion = forms.CharField(label=_("Saran"), required=False, max_length=2000)

    def __init__(
        self,
        *args: Any,
        campaign: Campaign,
        definition: InstrumentDef,
        service_types: Sequence[ServiceType],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.definition = definition
        self.service_types = service_types
        self.parsed: ParsedRow | None = None
        n = len(definition.questions)
        self.fields["answers"].widget = _short(
            inputmode="numeric",
            placeholder=" ".join(str(definition.scale) for _q in range(n)),
            attrs={"aria-describedby": "urutan-jawaban"},
        )
        self.fields["answers"].help_text = _("%(n)s angka 1–%(max)s, dengan atau tanpa spasi") % {
            "n": n,
            "max": definition.scale,
        }
        self.fields["service_type"].widget = _short({"aria-describedby": "kode-layanan"}, inputmode="numeric")
        self.fields["gender"].widget = _short({"aria-describedby": "kode-profil"}, size=2)
        self.fields["age"].widget = _short(inputmode="numeric", size=3)
        self.fields["education"].widget = _short({"aria-describedby": "kode-profil"}, size=4)
        self.fields["occupation"].widget = _short({"aria-describedby": "kode-profil"}, size=4)
        self.fields["suggestion"].widget = _short()
        self.fields["service_type"].required = bool(service_types)
        self.fields["service_type"].error_messages["required"] = _("Ketik nomor jenis layanan.")
        first = "service_type" if service_types else "gender"
        self.fields[first].widget.attrs["autofocus"] = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        raw = {name: str(cleaned.get(name) or "") for name in ROW_FIELDS}
        self.parsed = paper_row_parse(
            raw, campaign=self.campaign, definition=self.definition, service_types=self.service_types
        )
        for column, message in self.parsed.problems:
            target = column if column in self.fields else "answers"
            self.add_error(target, message)
        return cleaned

    def response_data(self) -> ResponseData:
        assert self.parsed is not None and self.parsed.data is not None
        return self.parsed.data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV atau Excel (.xlsx)"),
        help_text=_("Baris pertama: kode pertanyaan (mis. U1 … U9) dan, bila ada, kolom profil."),
        error_messages={"required": _("Pilih berkas yang akan diimpor.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv", "class": "form-control"}),
    )
    numbering = forms.ChoiceField(
        label=_("Penomoran kolom dalam berkas"),
        required=False,
        choices=[("", _("Sesuai instrumen"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    valid_only = forms.BooleanField(
        label=_("Impor hanya baris yang valid"),
        help_text=_("Tanpa centang ini, tidak ada yang diimpor bila ada satu baris pun yang salah."),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, numberings: Mapping[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["numbering"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Sesuai instrumen")),
            *((code, n.label) for code, n in (numberings or {}).items()),
        ]
        if not numberings:
            field.widget = forms.HiddenInput()


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label=_("Jumlah kode baru"),
        min_value=1,
        max_value=MAX_CODES,
        initial=100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    format = forms.ChoiceField(
        label=_("Unduh sebagai"),
        choices=[
            ("pdf", _("PDF (potongan kertas untuk dicetak)")),
            ("csv", _("CSV (untuk dicetak pada bukti layanan)")),
        ],
        initial="pdf",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
