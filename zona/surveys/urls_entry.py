"""Staff entry pages of a survey campaign, mounted at /survei/isi/ (namespace `survey_entry`)."""

from __future__ import annotations

from django.urls import path

from . import views_entry

app_name = "survey_entry"
urlpatterns = [
    path("<int:campaign_pk>/kertas/", views_entry.paper, name="paper"),
    path("<int:campaign_pk>/impor/", views_entry.import_responses, name="import"),
    path("<int:campaign_pk>/impor/templat.csv", views_entry.import_template, name="import_template"),
    path("<int:campaign_pk>/kode/", views_entry.codes, name="codes"),
]
