"""Forms for logging in, passwords, TOTP and the coordinator's users & roles pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zona.units.models import Instansi, TpiTeam, Unit

from . import services
from .models import Role, User


class BootstrapMixin:
    """Bootstrap classes on every widget, `is-invalid` on fields with errors (Django adds aria-invalid)."""

    fields: dict[str, forms.Field]
    errors: Any

    def style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


def apply_service_error(form: forms.BaseForm, exc: ValidationError, default_field: str | None = None) -> None:
    """Put a service's ValidationError on the form: on its fields where they exist, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        form.add_error(default_field, exc.messages)


class LoginForm(BootstrapMixin, auth_forms.AuthenticationForm):
    # Django's own message puts the username field's label into "Masukkan nama pengguna %(username)s",
    # which reads "Masukkan nama pengguna nama pengguna" in Indonesian: say it plainly, once.
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")
        self.style_widgets()


class PasswordResetForm(BootstrapMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Alamat e-mail")
        self.style_widgets()


class SetPasswordForm(BootstrapMixin, auth_forms.SetPasswordForm):
    """The new password after a reset link; saved through the audited service."""

    audit_event = "auth.password_reset"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Kata sandi baru")
        self.fields["new_password2"].label = _("Ulangi kata sandi baru")
        self.fields["new_password2"].help_text = _("Ketik ulang kata sandi yang sama untuk memastikan.")
        self.style_widgets()

    def save(self, commit: bool = True) -> Any:
        return services.user_password_set(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            actor=self.user,
            event=self.audit_event,
        )


class PasswordChangeForm(SetPasswordForm, auth_forms.PasswordChangeForm):
    audit_event = "auth.password_changed"
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Kata sandi lama")


class OtpTokenForm(BootstrapMixin, forms.Form):
    token = forms.CharField(
        label=_("Kode 6 angka"),
        min_length=6,
        max_length=6,
        strip=True,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
        error_messages={
            "required": _("Masukkan kode 6 angka dari aplikasi autentikator."),
            "min_length": _("Kode terdiri atas 6 angka."),
            "max_length": _("Kode terdiri atas 6 angka."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"]
        if not token.isdigit():
            raise ValidationError(_("Kode hanya berisi angka."))
        return token


ROLE_HELP = _(
    "Ketua tim, anggota tim dan operator wajib memilih unit. Evaluator wajib memilih tim penilai internal. "
    "Koordinator dan pimpinan tanpa unit berlaku untuk seluruh instansi."
)


class RoleFieldsMixin(BootstrapMixin):
    """Role + the scope the role needs (unit or TPI team), limited to the coordinator's instansi."""

    cleaned_data: dict[str, Any]

    def setup_role_fields(self, instansi: Sequence[Instansi]) -> None:
        self.managed = list(instansi)
        ids = [i.pk for i in self.managed]
        self.fields["role"] = forms.ChoiceField(
            label=_("Peran"), choices=[("", "---------"), *Role.choices], help_text=ROLE_HELP
        )
        self.fields["unit"] = forms.ModelChoiceField(
            label=_("Unit"),
            queryset=Unit.objects.filter(instansi_id__in=ids, is_active=True).order_by("path"),
            required=False,
        )
        self.fields["tpi_team"] = forms.ModelChoiceField(
            label=_("Tim penilai internal"),
            queryset=TpiTeam.objects.filter(instansi_id__in=ids).order_by("name"),
            required=False,
        )
        if len(self.managed) > 1:
            self.fields["instansi"] = forms.ModelChoiceField(
                label=_("Instansi"), queryset=Instansi.objects.filter(pk__in=ids), required=False
            )

    def clean_role_scope(self) -> None:
        data = self.cleaned_data
        unit, team = data.get("unit"), data.get("tpi_team")
        chosen = data.get("instansi")
        if unit is not None:
            instansi_id = unit.instansi_id
        elif team is not None:
            instansi_id = team.instansi_id
        elif chosen is not None:
            instansi_id = chosen.pk
        elif len(self.managed) == 1:
            instansi_id = self.managed[0].pk
        else:
            raise ValidationError({"instansi": _("Pilih instansi peran ini.")})
        data["role_instansi"] = next(i for i in self.managed if i.pk == instansi_id)


class RoleAssignForm(RoleFieldsMixin, forms.Form):
    def __init__(self, *args: Any, instansi: Sequence[Instansi], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_role_fields(instansi)
        self.style_widgets()

    def clean(self) -> dict[str, Any]:
        super().clean()
        self.clean_role_scope()
        return self.cleaned_data


class UserCreateForm(RoleFieldsMixin, auth_forms.SetPasswordMixin, forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    username = forms.CharField(
        label=_("Nama pengguna"),
        max_length=150,
        help_text=_("Huruf, angka dan @/./+/-/_ saja; dipakai untuk masuk."),
        validators=[User.username_validator],
    )
    email = forms.EmailField(
        label=_("Alamat e-mail"), help_text=_("Untuk mengatur ulang kata sandi bila lupa.")
    )
    nip = forms.CharField(label=_("NIP"), max_length=30, required=False)
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields(
        label1=_("Kata sandi awal"), label2=_("Ulangi kata sandi awal")
    )

    def __init__(self, *args: Any, instansi: Sequence[Instansi], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password2"].help_text = _("Ketik ulang kata sandi yang sama untuk memastikan.")
        self.setup_role_fields(instansi)
        self.style_widgets()

    def clean(self) -> dict[str, Any]:
        super().clean()
        self.validate_passwords()
        self.clean_role_scope()
        return self.cleaned_data


class OverseerPublishForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit yang dipublikasikan"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, instansi: Sequence[Instansi], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.filter(
            instansi_id__in=[i.pk for i in instansi], is_active=True
        ).order_by("path")
        self.style_widgets()
