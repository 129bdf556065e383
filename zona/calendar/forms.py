from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CutiBersama


class DayForm(forms.Form):
    date = forms.DateField(
        label=_("Tanggal"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        error_messages={"invalid": _("Tanggal tidak valid; gunakan format hh-bb-tttt.")},
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
    )
    kind = forms.ChoiceField(
        label=_("Jenis"),
        choices=CutiBersama.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(
        label=_("Keterangan"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Misalnya: Cuti Bersama Hari Raya Idul Fitri."),
    )
    decree = forms.CharField(
        label=_("Dasar penetapan"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Misalnya: SKB 3 Menteri Nomor ... atau Keputusan Bupati Nomor ..."),
    )
