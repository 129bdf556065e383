from __future__ import annotations

from django.urls import URLPattern, path

from .views import scores

urlpatterns: list[URLPattern] = [
    path("<int:pk>/nilai/", scores.scores, name="scores"),
]
