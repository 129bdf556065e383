from __future__ import annotations

from django.urls import URLPattern, path

from .views import worksheet as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/lembar-kerja/", views.worksheet, name="worksheet"),
    path("<int:pk>/lembar-kerja/pokja/", views.assignment_set_view, name="assignment_set"),
    path("<int:pk>/butir/<str:code>/", views.answer_save_view, name="answer_save"),
    path("<int:pk>/butir/<str:code>/komentar/", views.comment_add_view, name="comment_add"),
    path("<int:pk>/butir/<str:code>/data-dukung/unggah/", views.evidence_upload_view, name="evidence_upload"),
    path("<int:pk>/butir/<str:code>/data-dukung/tautan/", views.evidence_link_view, name="evidence_link"),
    path(
        "<int:pk>/butir/<str:code>/data-dukung/lampirkan/", views.evidence_attach_view, name="evidence_attach"
    ),
    path("<int:pk>/data-dukung/<int:evidence_pk>/", views.evidence_download, name="evidence_download"),
    path("<int:pk>/data-dukung/<int:evidence_pk>/hapus/", views.evidence_remove_view, name="evidence_remove"),
]
