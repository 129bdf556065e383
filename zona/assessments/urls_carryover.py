from __future__ import annotations

from django.urls import URLPattern, path

from .views import carryover as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/bawa-jawaban/", views.carryover, name="carryover"),
]
