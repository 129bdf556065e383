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


def _instrument_fields(definition: InstrumentDef, *, require_code: bool) -> dict[str, forms.Field]:
    """The fields every form of this instrument shares: the questions, the profile, suggestion, code,
    honeypot and timing token (everything but the campaign's service types), in page order."""
    fields: dict[str, forms.Field] = {}
    for question in definition.display_questions:
        fields[question_field_name(question)] = forms.TypedChoiceField(
            label=question.text,
            help_text=question.help,
            choices=[(str(value), label) for value, label in question.choices],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": _("Pilih salah satu jawaban untuk pertanyaan ini.")},
        )
    for profile_field in definition.profile:
        if profile_field.type == "choice":
            fields[profile_field.code] = forms.ChoiceField(
                label=profile_field.label,
                choices=list(profile_field.choices),
                required=False,
                widget=forms.RadioSelect,
            )
        elif profile_field.type == "integer":
            fields[profile_field.code] = forms.IntegerField(
                label=profile_field.label,
                required=False,
                min_value=profile_field.min,
                max_value=profile_field.max,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            )
    fields["suggestion"] = forms.CharField(
        label=_("Saran untuk perbaikan layanan (boleh dikosongkan)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    if require_code:
        fields["code"] = forms.CharField(
            label=_("Kode survei pada bukti layanan"),
            help_text=_(
                "Kode 8 huruf/angka yang tercetak pada bukti layanan Anda; hanya bisa dipakai sekali."
            ),
            max_length=20,
            error_messages={"required": _("Masukkan kode survei dari bukti layanan Anda.")},
            widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        )
    fields[HONEYPOT] = forms.CharField(
        label=_("Jangan isi kolom ini"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    fields[TOKEN] = forms.CharField(required=False, widget=forms.HiddenInput)
    return fields


# Built once per parsed instrument (definitions are cached per immutable instrument row) and code setting.
# Keyed by the definition's identity; the definition itself is kept in the entry so that the id cannot
# be reused by another object while the entry lives.
_shared: dict[tuple[int, bool], tuple[InstrumentDef, dict[str, forms.Field]]] = {}


def shared_fields(definition: InstrumentDef, *, require_code: bool) -> dict[str, forms.Field]:
    key = (id(definition), require_code)
    entry = _shared.get(key)
    if entry is None or entry[0] is not definition:
        if len(_shared) > 256:
            _shared.clear()
        entry = (definition, _instrument_fields(definition, require_code=require_code))
        _shared[key] = entry
    return entry[1]


class PublicResponseForm(forms.Form):
    """Service type, the questions (in questionnaire order), the optional profile, a suggestion, a code.

    Building a dozen choice fields per request was a large part of a submission's cost, so the fields
    that depend only on the instrument are built once per instrument and shared by every form instance
    (`shared_fields`), instead of Django's per-instance deep copy. That is safe because nothing here or
    in Django's validation and rendering changes a field or its widget after construction: the per-form
    state (data, errors, cleaned values, the service-type field with its per-campaign choices and initial
    value) lives on the form instance. Do not set attributes on `self.fields[...]` for a question, profile,
    suggestion, code, honeypot or token field; build a new field instead.
    """

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
        self._service_types = {str(s.pk): s for s in service_types}
        fields: dict[str, forms.Field] = {}
        if service_types:
            fields["service_type"] = forms.TypedChoiceField(
                label=_("Jenis layanan yang Anda terima"),
                choices=[(str(s.pk), str(s)) for s in service_types],
                coerce=self._service_type,
                empty_value=None,
                widget=forms.RadioSelect,
                initial=service_types[0].pk if len(service_types) == 1 else None,
                error_messages={
                    "required": _("Pilih jenis layanan yang Anda terima."),
                    # The same message as the ModelChoiceField this field replaces (no query to validate).
                    "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"],
                },
            )
        fields.update(shared_fields(definition, require_code=campaign.require_code))
        self.fields = fields

    def _service_type(self, value: str) -> ServiceType:
        """The chosen service type (from the campaign's list already loaded: no query to validate it)."""
        try:
            return self._service_types[str(value)]
        except KeyError:
            raise ValueError(value) from None

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
