"""Public survey pages (no login), mounted at /s/: the form behind a campaign's short link and its poster."""

from __future__ import annotations

from django.urls import path

from . import views_public

app_name = "survey_public"
urlpatterns = [
    path("<slug:short_code>/", views_public.form, name="form"),
    path("<slug:short_code>/terima-kasih/", views_public.thanks, name="thanks"),
    path("<slug:short_code>/poster.pdf", views_public.poster, name="poster"),
]
