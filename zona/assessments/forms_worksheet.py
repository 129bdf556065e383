"""Forms of the worksheet: they only shape input; the rules live in the services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zona.accounts.models import User
from zona.lke.framework import Framework, Item


def posted_answer(framework: Framework, item: Item, data: Mapping[str, Any]) -> dict[str, Any]:
    """{"value", "narrative", "version"} of an item form: the raw value as the engine's parser takes it."""
    kind = framework.answer_type(item).kind
    value: Any
    if kind == "choice":
        value = (data.get("value") or "").strip()
    elif kind == "percent" and item.inputs:
        value = {
            "inputs": {entry.key: (data.get(f"input_{entry.key}") or "").strip() for entry in item.inputs}
        }
    elif kind == "percent":
        # the field is labelled %: what the user types is the percentage itself ("1" is 1 %)
        text = (data.get("value") or "").strip()
        value = {"percent": text} if text else ""
    else:
        value = (data.get("value") or "").strip()
    raw_version = (data.get("version") or "").strip()
    version = int(raw_version) if raw_version.isdigit() else None
    return {"value": value, "narrative": data.get("narrative", ""), "version": version}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(entry, initial) for entry in data]
        return [single(data, initial)] if data else []


class EvidenceUploadForm(forms.Form):
    uploads = MultipleFileField(label=_("Berkas data dukung"))
    title = forms.CharField(label=_("Judul (opsional)"), max_length=200, required=False)


class EvidenceLinkForm(forms.Form):
    url = forms.CharField(label=_("Tautan"), max_length=500)
    title = forms.CharField(label=_("Judul"), max_length=200, required=False)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Komentar"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.username)


class AssignmentForm(forms.Form):
    user = UserChoiceField(label=_("Anggota"), queryset=User.objects.none())
    areas = forms.TypedMultipleChoiceField(
        label=_("Area"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    item_codes = forms.CharField(
        label=_("Butir tertentu"),
        required=False,
        help_text=_("Kode butir dipisah koma, misalnya A.I.1.i.a, A.II.2.i.b"),
    )

    def __init__(self, *args: Any, users: Any, areas: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = users
        areas_field = self.fields["areas"]
        assert isinstance(areas_field, forms.TypedMultipleChoiceField)
        areas_field.choices = areas

    def codes(self) -> list[str]:
        raw = self.cleaned_data.get("item_codes") or ""
        return [part.strip() for part in raw.replace(";", ",").replace("\n", ",").split(",") if part.strip()]
