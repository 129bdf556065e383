"""Read-only admin of the organisation: every change goes through the units pages (and so the audit trail)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import Instansi, ServiceType, TpiTeam, Unit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Instansi)
class InstansiAdmin(ReadOnlyAdmin):
    list_display = ["name", "short_name", "kind", "slug"]


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "instansi", "parent", "stage", "stage_since", "is_active"]
    list_filter = ["instansi", "kind", "stage", "serves_public"]
    list_select_related = ["instansi", "parent"]
    search_fields = ["name"]


@admin.register(ServiceType)
class ServiceTypeAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit"]
    list_select_related = ["unit"]
    search_fields = ["name", "unit__name"]


@admin.register(TpiTeam)
class TpiTeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "instansi", "sk_number", "sk_date"]
