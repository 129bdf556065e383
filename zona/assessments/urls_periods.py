from __future__ import annotations

from django.urls import URLPattern, path

from .views import periods

urlpatterns: list[URLPattern] = [
    path("periode/", periods.period_list, name="period_list"),
    path("periode/baru/", periods.period_create, name="period_create"),
    path("periode/<int:pk>/", periods.period_detail, name="period_detail"),
    path(
        "periode/<int:pk>/tahap/<int:stage_pk>/evaluator/", periods.stage_evaluators, name="stage_evaluators"
    ),
]
