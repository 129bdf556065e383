"""Parsing the submission and review forms; the rules themselves live in `services/review.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zona.lke.framework import Framework, Item

MAX_NOTE = 5000


class SubmitForm(forms.Form):
    acknowledge_incomplete = forms.BooleanField(
        label=_("Ajukan walau belum lengkap"),
        required=False,
        help_text=_("Butir yang belum dijawab bernilai nol; butir tanpa data dukung dapat diturunkan TPI."),
    )


class StageAnswerForm(forms.Form):
    """One item's stage answer: the value (read by `stage_value`), the note, the version it started from."""

    version = forms.IntegerField(min_value=0)
    note = forms.CharField(label=_("Catatan reviu"), required=False, max_length=MAX_NOTE)


def stage_value(framework: Framework, item: Item, data: Mapping[str, Any]) -> Any:
    """The raw value the form sent for `item` (validated later by the engine through answer_save).

    Choice and index answers come in `value`; a % item with inputs sends one `input-<key>` per input, else
    the percentage in `value`. An empty control means "no own answer: keep the previous layer's".
    """
    if framework.answer_type(item).kind == "percent" and item.inputs:
        inputs = {entry.key: str(data.get(f"input-{entry.key}", "")).strip() for entry in item.inputs}
        if not any(inputs.values()):
            return None
        return {"inputs": inputs}
    raw = str(data.get("value", "")).strip()
    if raw and framework.answer_type(item).kind == "percent":
        return {"percent": raw}  # the field is labelled %: "1" is 1 %
    return raw or None


def returned_items(data: Any) -> dict[str, str]:
    """{item code: comment} for every ticked item of the return form (`kembalikan` + `komentar-<code>`)."""
    return {code: str(data.get(f"komentar-{code}", "")) for code in data.getlist("kembalikan") if code}
