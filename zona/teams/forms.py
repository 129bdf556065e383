"""Forms for the team pages: they only give input its shape; the rules live in `services.py`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zona.accounts.models import User

from .models import AREA_NAMES, TeamMember


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (the labels, help and errors come from `_field.html`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class TeamForm(StyledForm):
    sk_number = forms.CharField(label=_("Nomor SK tim"), max_length=120, required=False)
    sk_date = forms.DateField(
        label=_("Tanggal SK"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sk_file = forms.FileField(
        label=_("Dokumen SK (PDF)"),
        required=False,
        help_text=_("Hanya berkas PDF. Kosongkan bila tidak mengganti dokumen yang sudah ada."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        user: User = obj
        name = user.full_name or user.username
        return f"{name} ({user.username})"


class MemberForm(StyledForm):
    name = forms.CharField(
        label=_("Nama"),
        max_length=150,
        required=False,
        help_text=_("Boleh dikosongkan bila memilih pengguna tertaut; namanya yang dipakai."),
    )
    nip = forms.CharField(label=_("NIP"), max_length=30, required=False)
    position = forms.CharField(label=_("Jabatan"), max_length=150, required=False)
    team_role = forms.ChoiceField(label=_("Peran dalam tim"), choices=TeamMember.TeamRole.choices)
    areas = forms.TypedMultipleChoiceField(
        label=_("Area (pokja)"),
        choices=[(n, f"{n}. {name}") for n, name in AREA_NAMES.items()],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    user = UserChoiceField(
        label=_("Pengguna tertaut (opsional)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— tidak ditautkan —"),
        help_text=_(
            "Hanya pegawai unit ini yang sudah memiliki akun "
            "(ketua tim, anggota tim, operator, pimpinan unit)."
        ),
    )

    def __init__(self, *args: Any, users: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if users is not None:
            self.fields["user"].queryset = users  # type: ignore[attr-defined]


class AgentForm(StyledForm):
    name = forms.CharField(label=_("Nama"), max_length=150)
    nip = forms.CharField(label=_("NIP"), max_length=30, required=False)
    position = forms.CharField(label=_("Jabatan"), max_length=150, required=False)
    sk_number = forms.CharField(label=_("Nomor SK agen perubahan"), max_length=120, required=False)
    commitments = forms.CharField(
        label=_("Komitmen / rencana perubahan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
