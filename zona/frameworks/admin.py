from django.contrib import admin

from .models import Framework, Item, Node


class ReadOnlyAdmin(admin.ModelAdmin):
    """Framework versions are loaded from files and never edited by hand."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["code", "version", "name", "complete", "loaded_at"]
    exclude = ["definition"]


@admin.register(Node)
class NodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "weight", "framework"]
    list_filter = ["framework", "kind"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "answer_type", "framework"]
    list_filter = ["framework", "answer_type"]
    search_fields = ["code", "question"]
