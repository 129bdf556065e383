"""Forms of the units pages: the dashboard filters and the unit create/update form (input only; the
services write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Instansi, Stage, Unit

SORT_CHOICES = [
    ("name", _("Nama (A–Z)")),
    ("-name", _("Nama (Z–A)")),
    ("stage", _("Tahap ZI (awal → akhir)")),
    ("-stage", _("Tahap ZI (akhir → awal)")),
    ("-stage_since", _("Sejak (terbaru dahulu)")),
    ("stage_since", _("Sejak (terlama dahulu)")),
]


class UnitFilterForm(forms.Form):
    """GET parameters of the dashboard: search by name, kind, stage, serves_public, sort."""

    q = forms.CharField(
        label=_("Cari nama unit"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    kind = forms.ChoiceField(
        label=_("Jenis"), required=False, choices=[("", _("Semua jenis")), *Unit.Kind.choices]
    )
    stage = forms.ChoiceField(
        label=_("Tahap ZI"), required=False, choices=[("", _("Semua tahap")), *Stage.choices]
    )
    serves_public = forms.ChoiceField(
        label=_("Layanan publik"),
        required=False,
        choices=[("", _("Semua")), ("ya", _("Melayani publik")), ("tidak", _("Tidak melayani publik"))],
    )
    sort = forms.ChoiceField(label=_("Urutkan"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.widget.attrs["class"] = "form-select"
                field.error_messages["invalid_choice"] = _("Pilihan tidak tersedia; saringan ini diabaikan.")

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for `units_dashboard`; an invalid parameter is simply not applied."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        serves = data.get("serves_public") or ""
        return {
            "search": data.get("q") or "",
            "kind": data.get("kind") or "",
            "stage": data.get("stage") or "",
            "serves_public": {"ya": True, "tidak": False}.get(serves),
            "sort": data.get("sort") or "name",
        }


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * obj.depth}{obj.name}"


class UnitForm(forms.Form):
    """A unit's own record. `instansi` is asked only when the koordinator manages more than one."""

    instansi = forms.ModelChoiceField(label=_("Instansi"), queryset=Instansi.objects.none())
    name = forms.CharField(label=_("Nama unit"), max_length=200)
    kind = forms.ChoiceField(label=_("Jenis unit"), choices=[("", _("— Pilih jenis —")), *Unit.Kind.choices])
    parent = UnitChoiceField(
        label=_("Unit induk"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— Tanpa induk (unit tingkat teratas) —"),
        help_text=_("Kosongkan bila unit ini tidak berada di bawah unit lain."),
    )
    head_name = forms.CharField(label=_("Nama kepala unit"), max_length=120, required=False)
    head_title = forms.CharField(label=_("Jabatan kepala unit"), max_length=120, required=False)
    serves_public = forms.BooleanField(
        label=_("Unit ini melayani publik secara langsung"),
        required=False,
        help_text=_("Unit pelayanan publik dinilai juga dengan survei persepsi pengguna layanan."),
    )
    stranas_type = forms.ChoiceField(
        label=_("Unit prioritas Stranas PK (PermenPANRB 5/2024)"),
        required=False,
        help_text=_(
            "PermenPANRB 5/2024: pada pemerintah daerah, unit jenis ini dapat diusulkan ke TPN meskipun "
            "masih dalam proses pemenuhan syarat pengusulan (Tabel 5)."
        ),
    )
    address = forms.CharField(label=_("Alamat"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    service_types = forms.CharField(
        label=_("Jenis layanan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Satu jenis layanan per baris, misalnya “Penerbitan KTP-el”."),
    )

    def __init__(
        self,
        *args: Any,
        instansi_choices: list[Instansi],
        parent_queryset: QuerySet[Unit],
        unit: Unit | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        from zona.lifecycle.policy import service_type_choices

        stranas = self.fields["stranas_type"]
        assert isinstance(stranas, forms.ChoiceField)
        stranas.choices = [("", _("— Bukan salah satunya —")), *service_type_choices()]
        self.unit = unit
        self.instansi_choices = instansi_choices
        if unit is not None or len(instansi_choices) == 1:
            del self.fields["instansi"]
        else:
            field = self.fields["instansi"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Instansi.objects.filter(pk__in=[i.pk for i in instansi_choices])
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = parent_queryset
        for field in self.fields.values():
            if field.required:
                field.error_messages["required"] = _("Kolom ini wajib diisi.")
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = _("Pilihan tidak tersedia; pilih dari daftar.")
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

    def selected_instansi(self) -> Instansi:
        if self.unit is not None:
            return self.unit.instansi
        if "instansi" in self.fields:
            return self.cleaned_data["instansi"]
        return self.instansi_choices[0]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Nama unit wajib diisi."))
        return name

    def clean_service_types(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("service_types", "").splitlines()]
        too_long = [line for line in lines if len(line) > 200]
        if too_long:
            raise ValidationError(_("Setiap jenis layanan paling banyak 200 karakter."))
        return [line for line in lines if line]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parent: Unit | None = data.get("parent")
        if parent is None:
            return data
        if self.unit is not None and (parent.pk == self.unit.pk or parent.path.startswith(self.unit.path)):
            self.add_error(
                "parent",
                _("Unit tidak dapat dipindah ke bawah dirinya sendiri atau ke bawah unit bawahannya."),
            )
        elif (
            self.unit is None
            and data.get("instansi") is not None
            and parent.instansi_id != data["instansi"].pk
        ):
            self.add_error("parent", _("Unit induk harus berada pada instansi yang sama."))
        return data

    def unit_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "parent": data.get("parent"),
            "head_name": data.get("head_name", "").strip(),
            "head_title": data.get("head_title", "").strip(),
            "serves_public": bool(data.get("serves_public")),
            "stranas_type": data.get("stranas_type") or "",
            "address": data.get("address", "").strip(),
        }

    def apply_service_errors(self, exc: ValidationError) -> None:
        """Show a service's ValidationError in the form (on its field when the form has that field)."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)
