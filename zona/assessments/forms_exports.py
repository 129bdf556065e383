"""Forms of the exports page: uploading a filled LKE sheet, and confirming its preview."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services.excel_io import MAX_IMPORT_BYTES


class ImportUploadForm(forms.Form):
    sheet = forms.FileField(
        label=_("Lembar kerja LKE terisi (.xlsx)"),
        help_text=_(
            "Unduh lembar kerja penilaian ini, isi kolom Jawaban, lalu unggah di sini. "
            "Sel kosong tidak menghapus jawaban yang ada."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm"}),
    )

    def clean_sheet(self) -> object:
        sheet = self.cleaned_data["sheet"]
        name = (sheet.name or "").lower()
        if not name.endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Unggah berkas Excel .xlsx (lembar kerja LKE dari Zona)."))
        if sheet.size and sheet.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": MAX_IMPORT_BYTES // 2**20}
            )
        return sheet


class ImportApplyForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
