"""The public questionnaire as a Django form built from the instrument's definition (no JavaScript needed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zona.units.models import ServiceType

from .instruments import InstrumentDef, Question
from .models import Campaign
from .services_public import ResponseData

HONEYPOT = "website"
TOKEN = "started"  # noqa: S105 - a form field name, not a secret


def question_field_name(question: Question) -> str:
    return f"q_{question.code}"


class PublicResponseForm(forms.Form):
    """Service type, the questions (in questionnaire order), the optional profile, a suggestion, a code."""

    def __init__(
        self,
        *args: Any,
        campaign: Campaign,
        definition: InstrumentDef,
        service_types: list[ServiceType],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.definition = definition
        if service_types:
            self.fields["service_type"] = forms.ModelChoiceField(
                label=_("Jenis layanan yang Anda terima"),
                queryset=ServiceType.objects.filter(pk__in=[s.pk for s in service_types]),
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={"required": _("Pilih jenis layanan yang Anda terima.")},
            )
            if len(service_types) == 1:
                self.fields["service_type"].initial = service_types[0].pk
        for question in definition.display_questions:
            self.fields[question_field_name(question)] = forms.TypedChoiceField(
                label=question.text,
                help_text=question.help,
                choices=[(str(value), label) for value, label in question.choices],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Pilih salah satu jawaban untuk pertanyaan ini.")},
            )
        for profile_field in definition.profile:
            if profile_field.type == "choice":
                self.fields[profile_field.code] = forms.ChoiceField(
                    label=profile_field.label,
                    choices=list(profile_field.choices),
                    required=False,
                    widget=forms.RadioSelect,
                )
            elif profile_field.type == "integer":
                self.fields[profile_field.code] = forms.IntegerField(
                    label=profile_field.label,
                    required=False,
                    min_value=profile_field.min,
                    max_value=profile_field.max,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                )
        self.fields["suggestion"] = forms.CharField(
            label=_("Saran untuk perbaikan layanan (boleh dikosongkan)"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        if campaign.require_code:
            self.fields["code"] = forms.CharField(
                label=_("Kode survei pada bukti layanan"),
                help_text=_(
                    "Kode 8 huruf/angka yang tercetak pada bukti layanan Anda; hanya bisa dipakai sekali."
                ),
                max_length=20,
                error_messages={"required": _("Masukkan kode survei dari bukti layanan Anda.")},
                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
            )
        self.fields[HONEYPOT] = forms.CharField(
            label=_("Jangan isi kolom ini"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        self.fields[TOKEN] = forms.CharField(required=False, widget=forms.HiddenInput)

    # --- groups for the template ------------------------------------------------------------------

    def question_fields(self) -> list[forms.BoundField]:
        return [self[question_field_name(q)] for q in self.definition.display_questions]

    def profile_fields(self) -> list[forms.BoundField]:
        return [
            self[f.code]
            for f in self.definition.profile
            if f.type != "service_type" and f.code in self.fields
        ]

    def error_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if self.errors.get(name)]

    # --- results ----------------------------------------------------------------------------------

    @property
    def honeypot_filled(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())

    @property
    def token(self) -> str:
        return str(self.data.get(TOKEN) or "")

    def response_data(self) -> ResponseData:
        data = self.cleaned_data
        return ResponseData(
            answers={q.code: data[question_field_name(q)] for q in self.definition.questions},
            service_type=data.get("service_type"),
            gender=data.get("gender") or "",
            age=data.get("age"),
            education=data.get("education") or "",
            occupation=data.get("occupation") or "",
            suggestion=data.get("suggestion") or "",
        )
