from django.contrib import admin

from .models import CutiBersama


@admin.register(CutiBersama)
class CutiBersamaAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "kind", "instansi", "decree")
    list_filter = ("kind", "instansi")
    date_hierarchy = "date"
    search_fields = ("name", "decree")
