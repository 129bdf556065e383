from __future__ import annotations

from django.urls import path

from . import views

app_name = "lifecycle"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("pindah/", views.transition, name="transition"),
    path("prasyarat/<slug:code>/", views.prerequisite_edit, name="prerequisite_edit"),
    path("dokumen/<int:doc_pk>/", views.document, name="document"),
    path("instansi/<slug:what>/", views.instansi_record, name="instansi_record"),
]
