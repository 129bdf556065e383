"""Users in the admin (for operators of the server). Roles and overseer grants are read-only here:
they are permission changes and go through the audited services (the coordinator's pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import OverseerGrant, RoleAssignment, User


class UserCreationForm(auth_forms.UserCreationForm):
    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username",)


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("username", "full_name", "email", "nip", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email", "nip")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Data ASN"), {"fields": ("full_name", "nip", "phone")}),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "instansi", "unit", "tpi_team", "created_at", "revoked_at")
    list_filter = ("role", "instansi")
    search_fields = ("user__username", "user__full_name")
    list_select_related = ("user", "instansi", "unit", "tpi_team")


@admin.register(OverseerGrant)
class OverseerGrantAdmin(ReadOnlyAdmin):
    list_display = ("user", "unit", "granted_by", "created_at")
    list_select_related = ("user", "unit", "granted_by")
